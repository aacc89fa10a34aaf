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
    return [a.get("literal") or (a["family"], a.get("given", "")) for a in post["authors"]]


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
        assert item["note"] == f"{post['series']} No.{post['year']} / {post['number']}"  # as AVİM writes it
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
        assert got == names(post)
        if fmt == "bibtex":
            y, m, _ = post["published"].split("-")
            assert fields["year"].value == y
            assert fields["month"].value == ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                             "nov", "dec"][int(m) - 1]  # fmt: skip
            # ASCII with LaTeX accents, except typographic quotes (see exporters/bibtex.py)
            assert set(text) - set(map(chr, range(128))) <= set("’‘“”")
        else:
            assert fields["date"].value == post["published"]
            assert fields["urldate"].value == "2026-06-25"
            assert fields["langid"].value == {"en": "english", "tr": "turkish"}[post["language"]]


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
        if "source" in post:  # the URL a reader decodes from the note, whole
            assert post["source"]["url"] in latex_to_text(entry.fields["note" if fmt == "bibtex" else "addendum"])


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
        ]
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
    field = "note" if fmt == "bibtex" else "addendum"
    entry = bibtexparser.parse_string(text).entries[0]
    assert latex_to_text(entry.fields_dict[field].value).endswith(PROBE_SOURCE["url"])
    assert "\\%C3\\%87?a=1\\&b=2\\#c" in entry.fields_dict[field].value


def test_biblatex_keeps_url_for_a_source_url_without_tex_specials(run, write_catalogue):
    path = write_catalogue([post_record(source={"name": "X", "url": "https://x.example/a_b?c=1&d=2"})])
    assert "addendum = {Originally published in X: \\url{https://x.example/a_b?c=1&d=2}}" in export(run, path, "biblatex")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_the_avim_serial_is_written_once_per_entry(run, fmt):
    text = export(run, REPO / "data" / "posts.json", fmt)
    for block in text.split("\n\n"):
        if block.strip():
            assert len(re.findall(r"No\.\d{4} / \d+", block)) == 1, block


def test_an_authorless_bibtex_entry_has_a_label_key_not_an_author(run):
    text = export(run, REPO / "data" / "posts.json", "bibtex")
    library = bibtexparser.parse_string(text)
    authorless = [e for e in library.entries if "author" not in e.fields_dict]
    assert len(authorless) == 22  # of the 24 shipped posts
    assert all(latex_to_text(e.fields_dict["key"].value) == "AVİM" for e in authorless)


def test_pybtex_unsrt_formats_every_entry(run, catalogue_file):
    from pybtex.plugin import find_plugin

    data = pybtex.database.parse_string(export(run, catalogue_file, "bibtex"), "bibtex")
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    lines = [entry.text.render_as("text") for entry in style.format_entries(data.entries.values())]
    assert len(lines) == len(expected_posts(catalogue_file))
    for line in lines:  # typographic quotes and Turkish letters arrive as letters
        assert "textquote" not in line and "\\." not in line and "\\c{" not in line and "\\i" not in line


def test_ris_puts_a_blog_serial_in_the_note_not_in_se(run):
    records = rispy.loads(export(run, REPO / "data" / "posts.json", "ris"))
    blogs = [r for r in records if r["type_of_reference"] == "BLOG"]
    assert blogs and all("section" not in r and "number" not in r for r in blogs)
    assert all(re.search(r"Blog No\.\d{4} / \d+", r["notes"][0]) for r in blogs)
