"""Our exports read back by independent parsers: bibtexparser v2, pybtex, rispy, pandoc 3.

Expected values come from the catalogue records we export, never from our own output.
Where a reader changes text by design, the test names that reader's rule:
- pandoc applies smart typography (straight quotes become curly);
- pylatexenc's latex2text (bibtexparser's decoder) reads \\textasciicircum as U+02C6.
"""

from __future__ import annotations

import json
import re
import subprocess

import bibtexparser
import pybtex.database
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from pylatexenc.latex2text import LatexNodes2Text

from conftest import REPO, post_record

HOSTILE = [
    post_record(
        series="Blog", year=2024, number=7, language="tr", published="2024-02-09",
        title="KILIÇ & ŞİR: %50 $ #1 _x_ {a} ~b^ c\\d \"quoted\" 'single' <script>alert(1)</script> İĞÜŞÖÇ ığüşöç Â",
        authors=[{"given": "Alev", "family": "Kılıç"}, {"given": "Ayşe", "family": "Şir"},
                 {"literal": "Smith & Sons, Ltd."}, {"given": "İlter", "family": "Işık"}],
        url="https://avim.org.tr/Blog/A_B%20C?x=1&y=2#frag",
        source={"name": "Daily_Sabah & Co", "date": "2024-02-08", "url": "https://x.example/a_b%20c?d=1&e=2"},
    ),
    post_record(series="Yorum", year=2024, number=8, language="tr", title="ÖZ-KAYA’NIN “SÖZLERİ”", authors=[],
                published="2024-03-01", url="https://avim.org.tr/tr/Yorum/OZ"),
    post_record(series="Commentary", year=2024, number=9, title="WHAT {IS} 100% \\LaTeX~SAFE?",
                authors=[{"given": "Ömer Engin", "family": "Lütem"}], published="2024-12-31",
                url="https://avim.org.tr/en/Yorum/WHAT"),
    post_record(series="Analiz", year=2019, number=25, language="tr", title="ERMENİSTAN’DA TERÖRİST SEMPATİZANLIĞI - II",
                authors=[{"given": "Özge Nur", "family": "Öğütcü"}], published="2019-09-09",
                url="https://www.avim.org.tr/tr/Analiz/ERMENISTAN-DA-TERORIST-SEMPATIZANLIGI-II"),
]  # fmt: skip

latex_to_text = LatexNodes2Text().latex_to_text


@pytest.fixture(params=["shipped", "hostile"])
def catalogue_file(request, write_catalogue):
    if request.param == "shipped":
        return REPO / "data" / "posts.json"
    return write_catalogue(HOSTILE)


def expected_posts(path):
    return json.loads(path.read_text(encoding="utf-8"))["posts"]


def export(run, path, fmt, *extra):
    result = run("--catalogue", str(path), "export", "--all", "--format", fmt, "--accessed", "2026-06-25", *extra)
    assert result.code == 0, result.err
    return result.out


def keyed(run, path):
    """Post URL -> citation key, from our CSL-JSON export (checked against the others)."""
    items = json.loads(export(run, path, "csl-json"))
    return {item["URL"]: item["id"] for item in items}


def names(post):
    """The authors every format names: the post's, or AVİM (the issuing body, one organisation)
    when the catalogue records none (docs/exports.md)."""
    return [a.get("literal") or (a["family"], a.get("given", "")) for a in post["authors"]] or ["AVİM"]


def test_csl_json_carries_every_field(run, catalogue_file):
    items = json.loads(export(run, catalogue_file, "csl-json"))
    posts = expected_posts(catalogue_file)
    assert len(items) == len(posts)
    by_url = {i["URL"]: i for i in items}
    for post in posts:
        item = by_url[post["url"]]
        assert item["title"] == post["title"]
        assert [a.get("literal") or (a["family"], a.get("given", "")) for a in item.get("author", [])] == names(post)
        y, m, d = (int(x) for x in post["published"].split("-"))
        assert item["issued"] == {"date-parts": [[y, m, d]]}
        assert item["accessed"] == {"date-parts": [[2026, 6, 25]]}
        assert item["language"] == post["language"]
        # as AVİM writes it, on the first line (what Zotero and citeproc-js leave as the note)
        assert item["note"].split("\n")[0] == f"{post['series']} No.{post['year']} / {post['number']}"
        if "source" in post:
            assert item["custom"]["source_name"] == post["source"]["name"]
            assert item["custom"]["source_url"] == post["source"]["url"]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtexparser_reads_every_entry_back(run, catalogue_file, fmt):
    text = export(run, catalogue_file, fmt)
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert library.failed_blocks == []
    posts = expected_posts(catalogue_file)
    keys = keyed(run, catalogue_file)
    assert len(library.entries) == len(posts)
    entries = {e.key: e.fields_dict for e in library.entries}
    for post in posts:
        fields = entries[keys[post["url"]]]
        assert fields["url"].value == post["url"]  # raw: URLs are never escaped
        title = latex_to_text(fields["title"].value)
        assert title == post["title"].replace("^", "\u02c6")
        got = []
        for person in fields["author"].value if "author" in fields else []:
            if not person.first:  # an organisation, braced whole
                got.append(latex_to_text(" ".join(person.last)))
            else:
                got.append((latex_to_text(" ".join(person.last)), latex_to_text(" ".join(person.first))))
        assert got == names(post)  # AVİM, the issuing body, when no author is recorded
        if fmt == "bibtex":
            y, m, _ = post["published"].split("-")
            assert fields["year"].value == y
            assert fields["month"].value == ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"][int(m) - 1]  # fmt: skip
            # ASCII with LaTeX accents, except typographic quotes (see exporters/bibtex.py)
            assert set(text) - set(map(chr, range(128))) <= set("’‘“”")
        else:
            assert fields["urldate"].value == "2026-06-25"
            assert fields["langid"].value == {"en": "english", "tr": "turkish"}[post["language"]]
        assert fields["date"].value == post["published"]  # the day, for Zotero and pandoc
        assert fields["language"].value == {"en": "english", "tr": "turkish"}[post["language"]]  # never "en."
        report = post["series"] != "Blog"
        assert library.entries[[e.key for e in library.entries].index(keys[post["url"]])].entry_type == (
            ("techreport" if fmt == "bibtex" else "report") if report else ("misc" if fmt == "bibtex" else "online"))
        if report:  # the serial as a report number of its series, from AVİM's institution in Ankara
            assert fields["number"].value == f"{post['year']}/{post['number']}"
            assert fields["type"].value == post["series"]
            assert latex_to_text(fields["institution"].value).endswith("(AVİM)")
            assert fields["address" if fmt == "bibtex" else "location"].value == "Ankara"


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_pybtex_reads_names_and_fields(run, catalogue_file, fmt):
    data = pybtex.database.parse_string(export(run, catalogue_file, fmt), "bibtex")
    posts = expected_posts(catalogue_file)
    keys = keyed(run, catalogue_file)
    assert len(data.entries) == len(posts)
    for post in posts:
        entry = data.entries[keys[post["url"]]]
        assert entry.fields["url"] == post["url"]
        got = []
        for person in entry.persons.get("author", []):
            last = latex_to_text(" ".join(person.last_names))
            given = latex_to_text(" ".join(person.first_names + person.middle_names))  # pybtex: "Engin" is a middle name
            got.append(last if not given else (last, given))
        assert got == names(post)
        if "source" in post:  # the URL a reader decodes from the note (Zotero keeps it), whole
            assert post["source"]["url"] in latex_to_text(entry.fields["note"])
            assert "addendum" not in entry.fields  # Zotero drops it


def test_rispy_reads_every_record_back(run, catalogue_file):
    text = export(run, catalogue_file, "ris")
    assert not text.startswith("\ufeff") and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    records = rispy.loads(text)
    posts = expected_posts(catalogue_file)
    keys = keyed(run, catalogue_file)
    assert len(records) == len(posts)
    by_id = {r["id"]: r for r in records}
    for post in posts:
        record = by_id[keys[post["url"]]]
        assert record["type_of_reference"] == ("BLOG" if post["series"] == "Blog" else "RPRT")
        assert record["title"] == post["title"]
        assert record["urls"] == [post["url"]]
        assert record.get("authors", []) == [
            a.get("literal") or f"{a['family']}, {a['given']}" for a in post["authors"]
        ] or ["AVİM"]
        assert record["date"] == post["published"].replace("-", "/") + "/"
        assert record["year"] == post["published"][:4]
        assert record["access_date"] == "2026/06/25/"
        assert record["language"] == post["language"]
        assert f"{post['series']} No.{post['year']} / {post['number']}" in record["notes"][0]
        if "source" in post:
            assert post["source"]["url"] in record["notes"][0]


def pandoc(args, text):
    pypandoc = pytest.importorskip("pypandoc")
    result = subprocess.run([pypandoc.get_pandoc_path(), *args], input=text, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def smart(text):
    """pandoc's smart typography, applied to the expected text."""
    import re

    text = re.sub(r'"([^"]*)"', "“\\1”", text)
    return re.sub(r"'([^']*)'", "“\\1”", text)  # pandoc writes every top-level quote as double


@pytest.mark.parametrize("fmt", ["biblatex", "csl-json"])
def test_pandoc_reads_biblatex_and_csl_json(run, catalogue_file, fmt):
    items = pandoc(["-f", "biblatex" if fmt == "biblatex" else "csljson", "-t", "csljson"], export(run, catalogue_file, fmt))
    posts = expected_posts(catalogue_file)
    keys = keyed(run, catalogue_file)
    assert len(items) == len(posts)
    by_id = {i["id"]: i for i in items}
    for post in posts:
        item = by_id[keys[post["url"]]]
        title = post["title"]  # no titleaddon: pandoc would append it to the title
        if fmt == "csl-json":
            assert item["title"] == smart(title)
        else:  # pandoc's LaTeX reader curls single quotes only
            assert item["title"] == title.replace("'single'", "’single’")
        assert [a.get("literal") or (a["family"], a.get("given", "")) for a in item.get("author", [])] == names(post)
        assert item["URL"] == post["url"]
        y, m, d = (int(x) for x in post["published"].split("-"))
        assert item["issued"] == {"date-parts": [[y, m, d]]}
        assert item["language"].startswith(post["language"])


# --- what real clients need (TeX runs: bench/latex_check.py) ---------------------------

PROBE_SOURCE = {"name": "Eurasia Review", "date": "2023-05-01", "url": "https://www.eurasiareview.com/x%C3%87?a=1&b=2#c"}


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_a_source_url_with_percent_hash_ampersand_is_never_inside_url_in_a_note(run, write_catalogue, fmt):
    path = write_catalogue([post_record(source=PROBE_SOURCE)])
    text = export(run, path, fmt)
    assert "\\url{" not in text  # % and # inside another field's \url stop biber and BibTeX
    field = "note"
    entry = bibtexparser.parse_string(text).entries[0]
    assert latex_to_text(entry.fields_dict[field].value).endswith(PROBE_SOURCE["url"])
    assert "\\%C3\\%87?a=1\\&b=2\\#c" in entry.fields_dict[field].value


@pytest.mark.parametrize("series", ["Blog", "Commentary"])
def test_biblatex_writes_no_url_macro_in_a_note(run, write_catalogue, series):
    # biblatex-chicago: a \url inside a printed field breaks the entry's group, and its note,
    # addendum and urldate are printed again in every later entry (bench/latex_check.py)
    path = write_catalogue([post_record(series=series, source={"name": "X", "url": "https://x.example/a_b?c=1&d=2"})])
    text = export(run, path, "biblatex")
    assert "\\url{" not in text and "addendum" not in text
    note = bibtexparser.parse_string(text).entries[0].fields_dict["note"].value
    assert note.endswith("Originally published in X: https://x.example/a\\_b?c=1\\&d=2")
    assert note.count("No.") == (series == "Blog")  # a blog's serial and outlet share the note


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_the_avim_serial_is_written_once_per_entry(run, fmt):
    text = export(run, REPO / "data" / "posts.json", fmt)
    for block in text.split("\n\n"):
        if block.strip():
            serials = re.findall(r"No\.\d{4} / \d+", block) + re.findall(r"number = \{\d{4}/\d+\}", block)
            assert len(serials) == 1, block


def test_an_authorless_post_is_by_avim_as_one_organisation_in_every_format(run):
    # AVİM, the issuing body, braced as one organisation (never split into names, no `key`):
    # natbib labels "AVİM (2016)", and Zotero and pandoc read the same author from either .bib
    # as from RIS and CSL-JSON (docs/exports.md, "AVİM as the issuing body")
    shipped = REPO / "data" / "posts.json"
    for fmt in ("bibtex", "biblatex"):
        entries = pybtex.database.parse_string(export(run, shipped, fmt), "bibtex").entries.values()
        by_avim = [e for e in entries if [str(p) for p in e.persons["author"]] == ["{AV{\\.I}M}" if fmt == "bibtex" else "{AVİM}"]]
        assert len(by_avim) == 22 and all("key" not in e.fields for e in by_avim)  # of the 24 shipped posts
    items = json.loads(export(run, shipped, "csl-json"))
    assert sum(i["author"] == [{"literal": "AVİM"}] for i in items) == 22
    assert sum(r.get("authors") == ["AVİM"] for r in rispy.loads(export(run, shipped, "ris"))) == 22


def test_pybtex_unsrt_formats_every_entry(run, catalogue_file):
    from pybtex.plugin import find_plugin

    data = pybtex.database.parse_string(export(run, catalogue_file, "bibtex"), "bibtex")
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    # pybtex's techreport template needs an author: every entry has one (AVİM when none is recorded)
    entries = list(data.entries.values())
    lines = [entry.text.render_as("text") for entry in style.format_entries(entries)]
    assert len(lines) == len(entries) >= 2
    for line in lines:  # typographic quotes and Turkish letters arrive as letters
        assert "textquote" not in line and "\\." not in line and "\\c{" not in line and "\\i" not in line


def test_ris_puts_a_blog_serial_in_the_note_not_in_se(run):
    records = rispy.loads(export(run, REPO / "data" / "posts.json", "ris"))
    blogs = [r for r in records if r["type_of_reference"] == "BLOG"]
    assert blogs and all("section" not in r and "number" not in r for r in blogs)
    assert all(re.search(r"Blog No\.\d{4} / \d+", r["notes"][0]) for r in blogs)


# --- hostile titles and names (issue 25): nothing leaves its field --------------------------

INJECTION = 'X } } @misc(pwned, title = "INJECTED ENTRY", year = 2020) {'
INVISIBLE = "\u202e\u200b\u2066\x07\u200d\ufeff"


@pytest.fixture
def injected(write_catalogue):
    return write_catalogue([
        post_record(series="Blog", year=2024, number=7, title=INJECTION + " \u202eEVIL\u200b",
                    authors=[{"given": "Taras and Vladimir Putin", "family": "Kuzio"},
                             {"given": "Jo", "family": "Black And White"}], url="https://avim.org.tr/Blog/X"),
        post_record(series="Commentary", year=2024, number=9, title="A LONE { BRACE", authors=[],
                    url="https://avim.org.tr/en/Yorum/A-LONE"),
    ])  # fmt: skip


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_braces_in_a_title_never_close_an_entry_or_swallow_fields(run, injected, fmt):
    result = run("--catalogue", str(injected), "export", "--all", "--format", fmt)
    assert result.code == 0
    # one line for the whole run, naming the posts
    assert result.err.count("\n") == 1 and "blog/2024/7" in result.err and "commentary/2024/9" in result.err
    library = bibtexparser.parse_string(result.out)
    assert library.failed_blocks == [] and [e.key for e in library.entries] == ["kuzio2024x", "avim2024lone"]
    data = pybtex.database.parse_string(result.out, "bibtex")
    assert list(data.entries) == ["kuzio2024x", "avim2024lone"]
    for entry in data.entries.values():  # the fields after the title are still fields
        assert entry.fields["url"].startswith("https://avim.org.tr/")
        assert ("date" in entry.fields) and "INJECTED" not in entry.fields["url"]
    first, second = (" ".join(latex_to_text(e.fields["title"]).split()) for e in data.entries.values())
    assert first == 'X @misc(pwned, title = "INJECTED ENTRY", year = 2020) EVIL'  # the unmatched braces left out
    assert second == "A LONE BRACE"


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_every_post_with_a_lone_brace_is_named_however_often_the_text_repeats(run, write_catalogue, fmt):
    """The writers escape a repeated text once per process (publisher, names): a text with a
    brace is never taken from there, so each post that holds one is named, every run."""
    path = write_catalogue([post_record(year=2024, number=n, title="A {LONE BRACE", authors=[{"given": "Jo", "family": "Br{ace"}],
                                        url=f"https://avim.org.tr/Blog/B{n}") for n in (1, 2)])  # fmt: skip
    for _ in range(2):
        result = run("--catalogue", str(path), "export", "--all", "--format", fmt)
        assert result.code == 0 and "blog/2024/1 (2 unmatched braces left out)" in result.err
        assert "blog/2024/2 (2 unmatched braces left out)" in result.err
        assert result.out.count("author = {Brace, Jo}") == 2 and result.out.count("title = {{A LONE BRACE}}") == 2


def test_a_blog_howpublished_pairs_its_braces_over_publisher_and_serial():
    """howpublished is one text: a brace in the publisher pairs with one in the serial (both
    kept, escaped), as it would in any field, though the writer escapes the two parts apart."""
    from avimcite.exporters.bibtex import bibtex_entry

    warned = []
    item = {"id": "k", "type": "post-weblog", "title": "T", "issued": {"date-parts": [[2024, 1, 2]]}, "publisher": "A {B",
            "custom": {"avim_series": "X}", "avim_year": 2024, "avim_number": 1}}  # fmt: skip
    assert "  howpublished = {A {\\{}B, X{\\}} No.2024 / 1},\n" in bibtex_entry(item, lambda *a: warned.append(a))
    item["custom"]["avim_series"] = "Blog"
    assert "  howpublished = {A B, Blog No.2024 / 1},\n" in bibtex_entry(item, lambda *a: warned.append(a))
    assert warned == [("k", "1 unmatched brace left out")]


def test_a_url_never_carries_a_brace_into_its_raw_field():
    from avimcite.exporters.bibtex import safe_url

    assert safe_url("https://x.example/a{b}c\\d e") == "https://x.example/a%7Bb%7Dc%5Cd%20e"  # the same address


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_a_name_holding_and_stays_one_author(run, injected, fmt):
    text = export(run, injected, fmt)
    persons = pybtex.database.parse_string(text, "bibtex").entries["kuzio2024x"].persons["author"]
    assert [latex_to_text(" ".join(p.last_names)) for p in persons] == ["Kuzio", "Black And White"]
    assert latex_to_text(" ".join(persons[0].first_names)) == "Taras and Vladimir Putin"
    entry = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()]).entries[0]
    assert len(entry.fields_dict["author"].value) == 2


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris", "csl-json"])
def test_invisible_and_control_characters_are_never_written(run, write_catalogue, fmt):
    path = write_catalogue([post_record(title=f"A{INVISIBLE}B\tC", authors=[{"given": "Ta\u200bras", "family": "Kuzio\u202e"}],
                                        source={"name": "Eurasia\u2066 Review"})])  # fmt: skip
    text = export(run, path, fmt)
    assert not set(text) & set(INVISIBLE)
    assert "AB C" in text and "Taras" in text and "Kuzio" in text and "Eurasia Review" in text


def test_csl_json_note_lines_carry_what_zotero_has_no_field_for(run):
    """Zotero's blogPost has no publisher or place and no CSL variable holds a repost's outlet:
    "variable: value" lines after the serial (read by citeproc-js and kept in Zotero's Extra)."""
    items = {i["custom"]["avim_id"]: i for i in json.loads(export(run, REPO / "data" / "posts.json", "csl-json"))}
    blog = items["blog/2023/63"]["note"].split("\n")
    assert blog == ["Blog No.2023 / 63", "publisher: Center for Eurasian Studies (AVİM)", "publisher-place: Ankara",
                    "Originally published in Eurasia Review (2023-10-30): "
                    "https://www.eurasiareview.com/30102023-ending-the-karabakh-conflict-opens-the-way-for-peace-in-the-south-caucasus-oped"]  # fmt: skip
    report = items["yorum/2020/5"]
    assert report["note"] == "Yorum No.2020 / 5" and report["publisher-place"] == "Ankara"  # real fields in a report


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_pandoc_reads_each_report_as_our_csl_json_says(run, catalogue_file, fmt):
    """pandoc's own reading of each .bib agrees with our CSL-JSON on type and the report's fields."""
    reader = {"bibtex": "bibtex", "biblatex": "biblatex"}[fmt]
    got = {i["id"]: i for i in pandoc(["-f", reader, "-t", "csljson"], export(run, catalogue_file, fmt))}
    for ours in json.loads(export(run, catalogue_file, "csl-json")):
        item = got[ours["id"]]
        if ours["type"] != "report":
            continue
        assert item["type"] == "report"
        for field in ("number", "genre", "publisher", "publisher-place"):
            assert item[field] == ours[field]
        assert item["issued"] == ours["issued"]


def test_a_blog_posts_publisher_and_place_reach_zoteros_extra_from_ris(run, write_catalogue):
    # Zotero's RIS translator (zotero/translators RIS.js) drops PB and CY for a blogPost, which has
    # no such fields, and appends every M2 line to Extra, where Zotero reads "variable: value" lines
    # into its citations; a report keeps them as its own fields (PB institution, CY place)
    text = export(run, write_catalogue([post_record(), post_record(series="Commentary", number=2)]), "ris")
    blog, report = (block.split("\r\n") for block in text.split("ER  - ")[:2])
    assert "M2  - publisher: Center for Eurasian Studies (AVİM)" in blog and "M2  - publisher-place: Ankara" in blog
    assert not [line for line in report if line.startswith("M2")]
    assert "PB  - Center for Eurasian Studies (AVİM)" in report and "CY  - Ankara" in report
