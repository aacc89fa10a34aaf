"""Citation clusters against citeproc-js: golden-clusters/ (make_golden_clusters.sh), 16 styles,
four documents of 10-12 clusters (repeats, ibid with and without locators, several cites a
cluster, suppress-author, prefixes, suffixes, collapsing, year suffixes)."""

from __future__ import annotations

import json

import pytest

from conftest import REPO

CSL = REPO / "tests" / "data" / "csl"
STYLES = (CSL / "cluster-styles.txt").read_text(encoding="utf-8").split()
DOCUMENTS = sorted(p.stem for p in (CSL / "clusters").glob("*.json"))
KNOWN = CSL / "known_differences_clusters.txt"
CATALOGUES = {"shipped": REPO / "data" / "posts.json", "mine": CSL / "mine-catalogue.json"}


def _input(document: str) -> str:
    return document[:-2] if len(document) > 2 and document[-2] == "-" and document[-1].isalpha() else document


def _golden(document: str, style: str) -> list[str]:
    return (CSL / "golden-clusters" / document / f"{style}.txt").read_text(encoding="utf-8").splitlines()


def _ours(document: str, style: str) -> list[str]:
    from avimcite.csl import render

    items = json.loads((CSL / "input" / f"{_input(document)}.json").read_text(encoding="utf-8"))
    clusters = json.loads((CSL / "clusters" / f"{document}.json").read_text(encoding="utf-8"))
    result = render(items, style, locale="en-US", clusters=clusters, mode="both")
    # each line with its white space collapsed and trimmed, as the harness prints citeproc-js's
    return [" ".join(line.split()) for line in result.citations] + ["----"] + [" ".join(line.split()) for line in result.bibliography]


def _known() -> set[tuple[str, str, int]]:
    rows = set()
    for line in KNOWN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            document, style, number = line.split()[:3]
            rows.add((document, style, int(number)))
    return rows


@pytest.fixture(scope="module")
def comparison():
    same, total, differing = 0, 0, set()
    for document in DOCUMENTS:
        for style in STYLES:
            gold, ours = _golden(document, style), _ours(document, style)
            assert len(ours) == len(gold), (document, style)
            for number, (want, got) in enumerate(zip(gold, ours)):
                if want == "----":
                    assert got == "----"
                    continue
                total += 1
                if want == got:
                    same += 1
                else:
                    differing.add((document, style, number))
    return same, total, differing


def test_at_least_97_percent_of_cluster_lines_equal_citeproc_js(comparison):
    same, total, _ = comparison
    assert total > 1200 and same / total >= 0.97, f"{same}/{total}"


def test_known_differences_are_listed_both_ways(comparison):
    _, _, differing = comparison
    known = _known()
    assert differing - known == set(), "new differences (fix them or list them with a reason)"
    assert known - differing == set(), "listed differences that no longer differ (remove them)"


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-notes-bibliography", "oscola"])
@pytest.mark.parametrize("document", ["shipped-a", "mine"])
def test_cli_clusters_file_equals_citeproc_js(run, style, document):
    """The command a user types, on the pandoc-syntax file, equals citeproc-js line for line
    (except the lines listed as known differences)."""
    catalogue = CATALOGUES[_input(document)]
    result = run("--catalogue", str(catalogue), "cite", "--clusters", str(CSL / "clusters" / f"{document}.txt"),
                 "--style", style, "--locale", "en-US", "--accessed", "2026-06-25", "--mode", "both")  # fmt: skip
    assert result.code == 0, result.err
    gold = _golden(document, style)
    at = gold.index("----")
    lines = result.out.splitlines()
    assert lines[at] == "" and len(lines) == len(gold)
    known = _known()
    for number, (want, got) in enumerate(zip(gold, lines)):
        if number != at and (document, style, number) not in known:
            assert got == want, number


def test_citations_only_by_default_with_clusters(run):
    result = run("cite", "--clusters", "-", "-s", "apa", "--accessed", "2026-06-25",
                 stdin="[@2023/63, para. 4; @yorum/2020/5]\n\n[-@analiz/2018/7]\n")  # fmt: skip
    assert result.code == 0
    # APA sorts a cluster's cites by author: AVİM (the issuing body of yorum/2020/5) before Kuzio
    assert result.lines == ["(AVİM, 2020; Kuzio, 2023, para. 4)", "(2018)"]


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("[@2023/63]\n[@2023/63, p. 4\n", 2, "line 2:"),
        ("[@2023/63]\n[see]\n", 2, "line 2:"),
        ("[@2023/63]\n\n[@blog/2023/63; @nosuchkey2099]\n", 3, "line 3: unknown key @nosuchkey2099"),
        ("[@{odd;key}]\n", 3, "line 1: unknown key @odd;key"),
    ],
)
def test_a_bad_line_prints_nothing_and_names_the_line(run, text, code, words):
    result = run("cite", "--clusters", "-", "-s", "apa", stdin=text)
    assert result.code == code and result.out == "" and words in result.err and result.err.count("\n") == 1


def test_a_windows_file_with_a_byte_order_mark_and_crlf_reads_the_same(run, tmp_path):
    plain, windows = tmp_path / "plain.txt", tmp_path / "windows.txt"
    plain.write_bytes(b"[@2023/63, para. 4; @yorum/2020/5]\n[-@analiz/2018/7]\n")
    windows.write_bytes(b"\xef\xbb\xbf[@2023/63, para. 4; @yorum/2020/5]\r\n[-@analiz/2018/7]\r\n")
    want = run("cite", "--clusters", str(plain), "-s", "apa", "--accessed", "2026-06-25")
    got = run("cite", "--clusters", str(windows), "-s", "apa", "--accessed", "2026-06-25")
    assert want.code == got.code == 0 and got.lines == want.lines == ["(AVİM, 2020; Kuzio, 2023, para. 4)", "(2018)"]


def test_keys_are_ids_short_ids_or_citation_keys(run):
    one = run("cite", "--clusters", "-", "-s", "ieee", stdin="[@blog/2023/63]\n[@2023/63]\n[@kuzio2023ending]\n")
    assert one.code == 0 and one.lines == ["[1]", "[1]", "[1]"]


def test_house_styles_and_ids_are_refused_with_clusters(run):
    assert run("cite", "--clusters", "-", stdin="[@2023/63]\n").code == 2
    assert run("cite", "2023/63", "--clusters", "-", "-s", "apa", stdin="[@2023/63]\n").code == 2


UNTUNED_STYLES = (CSL / "cluster-styles-untuned.txt").read_text(encoding="utf-8").split()
UNTUNED_DOCUMENTS = sorted(p.stem for p in (CSL / "clusters-untuned").glob("*.json"))
# (document, style, line): citeproc-js differs here for a reason listed in the report of
# bench/csl_clusters_agreement.py; every other line must be equal
UNTUNED_KNOWN: set[tuple[str, str, int]] = set()


@pytest.mark.parametrize("style", UNTUNED_STYLES)
@pytest.mark.parametrize("document", UNTUNED_DOCUMENTS)
def test_generated_documents_in_untuned_styles_equal_citeproc_js(document, style):
    """Random cluster documents of bench/csl_clusters_agreement.py (ibid, locators of seven
    labels, affixes, suppress-author, author-only, same author and year) in styles no golden
    was tuned on: grouped sort, year-suffix collapsing, citation-number ranges, author-only."""
    _assert_document_equals_golden("untuned", document, style, UNTUNED_KNOWN)


_GROUPED = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
            '<citation disambiguate-add-year-suffix="true" collapse="year" cite-group-delimiter="{}">'
            '<layout prefix="(" suffix=")" delimiter="; "><group delimiter=", "><names variable="author">'
            '<name form="short"/></names><date variable="issued"><date-part name="year"/></date></group>'
            '</layout></citation></style>')


@pytest.mark.parametrize(("delimiter", "js"), [("", "(Doe, 2020a, 2020b)"), ("+", "(Doe, 2020a+2020b)")])
def test_an_empty_cite_group_delimiter_is_none(delimiter, js):
    """citeproc-js 1.4 (render_citeprocjs.js --clusters) sets the option only for a value: an
    empty one (urban-geography) joins an author's cites as if none were given."""
    from avimcite.csl import render

    items = [{"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Doe", "given": "J"}], "issued": {"date-parts": [[2020, 7, 23]]}},
             {"id": "b", "type": "book", "title": "Beta", "author": [{"family": "Doe", "given": "J"}], "issued": {"date-parts": [[2020, 1, 27]]}}]  # fmt: skip
    assert render(items, _GROUPED.format(delimiter), mode="citation", clusters=[[{"id": "a"}, {"id": "b"}]]).citations == [js]


def test_a_document_citing_some_items_renders_them_in_one_pass():
    """Clusters that cite 2 of the 24 items: the bibliography of those two goes on from the
    last citation, as in citeproc-js (a note style's bracket count: "[31 October 2023]" inside
    parentheses). Golden: render_citeprocjs.js input/shipped.json melbourne-school-of-theology
    en-US --mode both --clusters golden-subset/clusters.json (citeproc-js 1.4)."""
    from avimcite.csl import render

    items = json.loads((CSL / "input" / "shipped.json").read_text(encoding="utf-8"))
    clusters = json.loads((CSL / "golden-subset" / "clusters.json").read_text(encoding="utf-8"))
    gold = (CSL / "golden-subset" / "melbourne-school-of-theology.txt").read_text(encoding="utf-8").splitlines()
    result = render(items, "melbourne-school-of-theology", locale="en-US", clusters=clusters, mode="both")
    assert [" ".join(line.split()) for line in result.citations] + ["----"] + [" ".join(line.split()) for line in result.bibliography] == gold


_YEAR_SUFFIX_APART = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
                      '<citation disambiguate-add-year-suffix="true" collapse="year-suffix"{delimiter}>'
                      '<sort><key variable="issued"/><key variable="author"/></sort>'
                      '<layout prefix="(" suffix=")" delimiter="; "><group delimiter=" "><group delimiter="">'
                      '<group delimiter=" "><names variable="author"><name form="short"/></names>'
                      '<date variable="issued"><date-part name="year"/></date></group>'
                      '<text variable="year-suffix"/></group>'
                      '<group delimiter=" "><label variable="locator" form="short"/><text variable="locator"/></group>'
                      '</group></layout></citation><bibliography><layout><text variable="title"/></layout></bibliography>'
                      '</style>')  # fmt: skip
_SAME_YEARS = [{"id": i, "type": "book", "title": t, "author": [{"family": f, "given": "J"}], "issued": {"date-parts": [[y]]}}
               for i, t, f, y in (("a", "Alpha", "Doe", 2020), ("b", "Beta", "Doe", 2020), ("c", "Gamma", "Roe", 2021),
                                  ("d", "Delta", "Roe", 2021), ("e", "Epsilon", "Zed", 2022))]  # fmt: skip
_APART_CLUSTERS = [[{"id": "a", "locator": "12", "label": "chapter"}, {"id": "b", "locator": "7"}],
                   [{"id": "a"}, {"id": "b", "prefix": "cf. ", "suffix": ", and elsewhere"}],
                   [{"id": "a", "locator": "3"}, {"id": "c"}, {"id": "e"}],
                   [{"id": "e"}, {"id": "d", "prefix": "see "}],
                   [{"id": "c"}, {"id": "d"}]]  # fmt: skip


def test_a_collapsed_cite_keeps_a_year_suffix_printed_apart_from_its_year():
    """palaeontology's layout: the year-suffix in a group beside the group of names and year.
    citeproc-js cuts a collapsed cite's names and year after they rendered, so that group
    still holds and the suffix prints with the cite's locator, prefix and suffix (ours printed
    "p. 7" without the "b", and "b" without "cf." and ", and elsewhere"). Golden:
    render_citeprocjs.js --clusters (npm citeproc 2.4.63)."""
    from avimcite.csl import render

    got = render(_SAME_YEARS, _YEAR_SUFFIX_APART.format(delimiter=""), mode="citation", clusters=_APART_CLUSTERS[:2])
    assert got.citations == ["(Doe 2020a chap. 12, b p. 7)", "(Doe 2020a, cf. b, and elsewhere)"]


@pytest.mark.parametrize(("delimiter", "js"), [
    ("", ["(Doe 2020a p. 3; Roe 2021a; Zed 2022)", "(see Roe 2021b; Zed 2022)", "(Roe 2021a; b)"]),
    (' year-suffix-delimiter=", "', ["(Doe 2020a p. 3, Roe 2021a; Zed 2022)", "(see Roe 2021b; Zed 2022)", "(Roe 2021a, b)"]),
])  # fmt: skip
def test_a_cite_printing_a_year_suffix_variable_follows_the_year_suffix_delimiter(delimiter, js):
    """citeproc-js: a cs:text year-suffix printed while a group around it has not yet
    succeeded sets the year-suffix-delimiter as the delimiter before its cite
    (getSpliceDelimiter keeps it when no collapse rule applies): "Doe 2020a p. 3, Roe 2021a"
    but "; Zed 2022", whose cite prints no suffix (palaeontology). Golden:
    render_citeprocjs.js --clusters (npm citeproc 2.4.63)."""
    from avimcite.csl import render

    got = render(_SAME_YEARS, _YEAR_SUFFIX_APART.format(delimiter=delimiter), mode="citation", clusters=_APART_CLUSTERS)
    assert got.citations[2:] == js


_LOCATOR_TWICE = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">'
                  '<macro name="loc1"><group><label variable="locator" form="short"/><text variable="locator"/></group></macro>'
                  '<macro name="loc2"><group delimiter=" "><label variable="locator" form="short"/><text variable="locator"/></group></macro>'
                  '<citation><layout suffix="." delimiter="; "><group delimiter=", "><text variable="title"/>'
                  '<text macro="loc1"/><text macro="loc2"/><text variable="title"/></group></layout></citation></style>')  # fmt: skip


def test_a_cite_prints_its_locator_once():
    """citeproc-js puts the locator in done_vars once a cs:text printed it: a second cs:text
    of it is an empty variable and its group goes (universitat-heidelberg-historisches-seminar
    prints the locator in a year macro and again in cite-locator: "2017, chap.120", ours
    printed "2017, chap.120, chap. 120"); other variables print again. Golden:
    render_citeprocjs.js --clusters (npm citeproc 2.4.63)."""
    from avimcite.csl import render

    items = [{"id": "a", "type": "book", "title": "Book A", "author": [{"family": "Smith", "given": "J"}]}]
    got = render(items, _LOCATOR_TWICE, mode="citation", clusters=[[{"id": "a", "locator": "12", "label": "chapter"}]])
    assert got.citations == ["Book A, chap.12, Book A."]


_LOCATOR_AFTER_YEAR = {  # year-suffix-delimiter ","; the locator joined by an affix or by a group delimiter with its label
    "affix": '<group><names variable="author" suffix=" "><name form="short"/></names><date variable="issued">'
             '<date-part name="year"/></date><group prefix=": "><text variable="locator"/></group></group>',
    "label": '<group delimiter=", "><group delimiter=" "><names variable="author"><name form="short"/></names>'
             '<date variable="issued"><date-part name="year"/></date></group><group delimiter=" ">'
             '<label variable="locator" form="short"/><text variable="locator"/></group></group>',
}  # fmt: skip
_FOUR = [{"id": i, "type": "book", "title": i.upper(), "author": [{"family": "Doe", "given": "J"}], "issued": {"date-parts": [[2020]]}}
         for i in "abcd"]  # fmt: skip
_NUMBER_RUNS = [[{"id": "a", "locator": "12"}, {"id": "b"}], [{"id": "a", "locator": "33-35"}, {"id": "b"}],
                [{"id": "a", "locator": "7, 9"}, {"id": "b"}], [{"id": "a", "locator": "iii"}, {"id": "b"}],
                [{"id": "a"}, {"id": "b", "locator": "12"}, {"id": "c"}, {"id": "d"}],
                [{"id": "a", "prefix": "see "}, {"id": "b", "prefix": "cf. "}, {"id": "c"}]]  # fmt: skip


@pytest.mark.parametrize(("layout", "js"), [
    ("affix", ["(Doe 2020a: 12,b)", "(Doe 2020a: 33–35,b)", "(Doe 2020a: 7, 9,b)", "(Doe 2020a: iii, b)",
               "(Doe 2020a, b: 12, c,d)", "(see Doe 2020a, cf. b,c)"]),
    ("label", ["(Doe 2020a, p. 12,b)", "(Doe 2020a, pp. 33–35,b)", "(Doe 2020a, pp. 7, 9,b)", "(Doe 2020a, p. iii, b)",
               "(Doe 2020a, b, p. 12,c,d)", "(see Doe 2020a, cf. b,c)"]),
])  # fmt: skip
def test_year_suffixes_join_the_numbers_before_them_as_citeproc_js_does(layout, js):
    """citeproc-js joins a cluster's number blobs (NumericBlob.checkNext / checkLast): a
    numeric locator ("12", "33–35", "7, 9"; not "iii") is a number, so the suffix after it is
    "seen" and, last in its run, takes the year-suffix-delimiter ("2020a: 12,b"); after text
    ("iii", or "b: 12", which with no word between its numbers renders as one string) it
    keeps the cites' delimiter. Ours joined "2020a, fig. iii; b" (geophysical-journal-
    international) and "2016a, b: 12,c" (journal-of-historical-linguistics). Golden:
    render_citeprocjs.js --clusters (npm citeproc 2.4.63)."""
    from avimcite.csl import render

    style = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><citation collapse="year-suffix" '
             'disambiguate-add-year-suffix="true" year-suffix-delimiter=","><layout delimiter="; " prefix="(" suffix=")">'
             f'{_LOCATOR_AFTER_YEAR[layout]}</layout></citation></style>')  # fmt: skip
    assert render(_FOUR, style, mode="citation", clusters=_NUMBER_RUNS).citations == js


_EMPTY_CITES = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0"><citation>'
                '<layout suffix="." delimiter="; "><group delimiter=", "><names variable="author"><name form="short"/></names>'
                '<text variable="title"/></group></layout></citation></style>')  # fmt: skip


def test_only_a_clusters_first_cite_that_prints_nothing_is_named():
    """citeproc-js 1.4 (render_citeprocjs.js --clusters, this style and these clusters) names a
    cite that prints nothing only in the cluster's first position (getCitation: pos === 0), a
    suppress-author cite that printed nothing holding no position; a later one prints its
    affixes or nothing. Found with catholic-biblical-association over the shipped posts."""
    from avimcite.csl import render

    items = [{"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Doe", "given": "J"}]},
             {"id": "e", "type": "book"}, {"id": "f", "type": "book"}]  # fmt: skip
    clusters = [[{"id": "e"}, {"id": "e", "prefix": "see "}, {"id": "f"}], [{"id": "a"}, {"id": "e"}],
                [{"id": "e", "suppress-author": True}, {"id": "f"}], [{"id": "f"}, {"id": "a"}],
                [{"id": "a", "suppress-author": True}, {"id": "e"}], [{"id": "e"}]]  # fmt: skip
    error = "[CSL STYLE ERROR: reference with no printed form.]"
    assert render(items, _EMPTY_CITES, mode="citation", clusters=clusters).citations == [
        f"{error}; see .", "Doe, Alpha.", f"{error}.", f"{error}; Doe, Alpha.", "Alpha.", f"{error}."]


def test_subsequent_cites_in_different_notes_are_disambiguated_together():
    """OSCOLA's subsequent form ("AVİM (n 4)") adds the title under disambiguate="true": the
    cites that look alike are grouped without their first-reference-note-number, as
    citeproc-js groups them (registry.js getAmbiguousCite). Golden: render_citeprocjs.js with
    these shipped posts (input/shipped.json), oscola, en-US, these clusters (citeproc-js 1.4)."""
    from avimcite.csl import render

    wanted = ("avim2016sassounian", "avim2018election", "avim2017turkiyeb", "kuzio2023ending")
    items = [i for i in json.loads((CSL / "input" / "shipped.json").read_text(encoding="utf-8")) if i["id"] in wanted]
    clusters = [[{"id": "avim2016sassounian"}], [{"id": "avim2018election"}], [{"id": "kuzio2023ending"}],
                [{"id": "avim2017turkiyeb"}], [{"id": "avim2016sassounian", "locator": "5", "label": "page"}],
                [{"id": "avim2017turkiyeb", "locator": "12", "label": "paragraph"}], [{"id": "kuzio2023ending"}]]  # fmt: skip
    result = render(items, "oscola", locale="en-US", clusters=clusters, mode="citation")
    assert result.citations[-3:] == ["AVİM, “SASSOUNIAN NEDEN TAHLİYE EDİLMEMELİDİR?” (n 1) 5.",
                                     "AVİM, “TÜRKİYE HER DAİM SARKİSYAN’IN GÜNDEMİNDE” (n 4) para 12.", "Kuzio (n 3)."]  # fmt: skip


_NUMBERS = ('<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><citation collapse="citation-number">'
            '<sort><key variable="citation-number"/></sort><layout prefix="[" suffix="]" delimiter=",">'
            '<text variable="citation-number"/></layout></citation><bibliography><layout><text variable="title"/></layout>'
            '</bibliography></style>')  # fmt: skip


def test_a_suppress_author_cite_is_ranged_with_its_neighbours():
    """citeproc-js 1.4 (render_citeprocjs.js --clusters, this style and these clusters) ranges
    citation numbers whichever cite suppresses its author (a number is no author)."""
    from avimcite.csl import render

    items = [{"id": x, "type": "book", "title": x} for x in "abcdef"]
    clusters = [[{"id": "a"}, {"id": "b"}, {"id": "c"}], [{"id": "a", "suppress-author": True}, {"id": "b"}, {"id": "c"}],
                [{"id": "a"}, {"id": "b", "suppress-author": True}, {"id": "c"}],
                [{"id": "a"}, {"id": "b"}, {"id": "c", "suppress-author": True}],
                [{"id": "d"}, {"id": "e", "suppress-author": True}, {"id": "f"}, {"id": "a"}]]  # fmt: skip
    assert render(items, _NUMBERS, mode="citation", clusters=clusters).citations == ["[1–3]"] * 4 + ["[1,4–6]"]


RULE_DOCUMENTS = sorted(p.stem for p in (CSL / "clusters-rules").glob("*.json"))
RULE_CASES = [(document, style) for document in RULE_DOCUMENTS
              for style in (CSL / "clusters-rules" / f"{document}.styles").read_text(encoding="utf-8").split()]  # fmt: skip
# (document, style, line): a difference with a reason; every other line must be equal
RULE_KNOWN = {
    # a locator typed with an en dash ("7–9"): AMA's locator prints it with a hyphen ("pp7-9")
    ("shipped-numbers", "american-medical-association", 33),
}


@pytest.mark.parametrize(("document", "style"), RULE_CASES)
def test_cluster_rules_equal_citeproc_js(document, style):
    """Documents of one citeproc-js rule each (golden-clusters-rules/, make_golden_clusters_rules.sh).
    shipped-numbers: citation-number ranges as renderBlobs makes them: a prefixed cite still
    starts or joins a range ("see 1–3"), a suffix ends one, a locator's numbers are numbers
    of the range ("1, p. 2–5", "1, pp. 7, 9–12", "1, pp. 13–15–17") unless it is text ("1,
    p. iii; 2–4"), the last number after a number joins with the layout's delimiter ("1, p.
    4, 6" but "1, p. 4; 6, 8"), after-collapse-delimiter follows a cite with a locator, not a
    range ("1–3, 5"). shipped-order: the registry after the document (clusters.registry_order):
    year suffixes in a group as the cluster that completed it found the items (the earlier
    clusters' cites sorted, its own as given: 2016a for the latest of three cited together
    first, "2017a, 2017b" for the cites of 2017b and 2017a), ties in the bibliography by the
    seq an item had when it entered it, or when its suffix changed; a cluster whose item's
    suffix a later cluster changed is sorted again on the style's keys alone (elsevier-harvard:
    "(AVİM, 2015, 2017d, 2020a)" under its descending issued key). shipped-affixes: a suffix
    starting with "&" or one of citeproc-js's letters gets a space before it ("p. 7 & 9"),
    one starting with "_" or "ǅ" none; a prefix ending in "&" one after it. shipped-notes: a
    cite that ends in its first-reference-note-number is a number blob too, whose delimiters
    are none: "同1同2", "同4; 同3同2" (checkLast), but "同3: 120; 同1" after a locator joined to
    the number (the cite is text). shipped-suffixes: a cut cite that printed its year keeps
    its locator number apart, which the next year suffix joins ("2017a 120,c"). mine-quotes: a
    decorated title with inner quotes (a tree of blobs in citeproc-js) ending in "?" with
    suffix "..." prints neither the suffix nor the mark of a delimiter right after it ("Mİ?”
    cited", "Mİ? cited"), but keeps a delimiter's mark after a macro around it ("Mİ?, p. 4").
    shipped-authoronly: an author-only cite keeps its locator, whose text is a done variable
    but whose label prints ("AVİM, p.", "see AVİM, chap."), and prints no text before its names
    (citeproc-js's can_block_substitute is false after the cites before it printed names: a
    subsequent note with only "同1" prints nothing); a variable it suppresses still counts as
    printed for its group, whose label prints ("AVİM, no."), with no delimiter for it ("AVİM").
    shipped-suppressed: a suppress-author cite's names are cut after they printed, so a term
    after them does not open the note ("cited, emphasis added.", not "Cited"). mine-resorted: a
    tainted citation of a grouped sort is sorted again from the order its grouped sort gave it,
    so ties of the year key stay in author order ("(İnan, 2024a; Şir et al., 2024)").
    shipped-again: a year cut by collapse="year-suffix" (the item again, no year suffix)
    prints no delimiter of its group ("(AVİM, 2010, sec. 12)", not "2010, , sec. 12")."""
    _assert_document_equals_golden("rules", document, style, RULE_KNOWN)


def _assert_document_equals_golden(kind: str, document: str, style: str, known_differences) -> None:
    """The document clusters-KIND/DOCUMENT.json over its input items, rendered in `style` with
    --mode both, equals citeproc-js's golden-clusters-KIND/DOCUMENT/STYLE.txt on every line
    except the (document, style, line) entries of `known_differences`."""
    from avimcite.csl import render

    items = json.loads((CSL / "input" / f"{document.rsplit('-', 1)[0]}.json").read_text(encoding="utf-8"))
    clusters = json.loads((CSL / f"clusters-{kind}" / f"{document}.json").read_text(encoding="utf-8"))
    gold = (CSL / f"golden-clusters-{kind}" / document / f"{style}.txt").read_text(encoding="utf-8").splitlines()
    gold = [line for line in gold if not line.startswith("!! NO BIBLIOGRAPHY")]  # a note style without one
    result = render(items, style, locale="en-US", clusters=clusters, mode="both")
    ours = [" ".join(line.split()) for line in result.citations] + ["----"] + [" ".join(line.split()) for line in result.bibliography]
    assert len(ours) == len(gold)
    differing = {n for n, (want, got) in enumerate(zip(gold, ours)) if want != got}
    known = {n for d, s, n in known_differences if (d, s) == (document, style)}
    assert differing == known, [(n, gold[n], ours[n]) for n in sorted(differing ^ known)]
