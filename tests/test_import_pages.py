from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avimcite.importer import PageError, parse_cite_line, parse_input, parse_name
from conftest import SEED_LINE

PAGES = Path(__file__).parent / "data" / "pages"
SEED_URL = SEED_LINE.rsplit(" ", 1)[1].strip("<>")


def test_seed_page():
    (record,) = parse_input((PAGES / "seed-blog.md").read_text(encoding="utf-8")).records
    assert record == {
        "series": "Blog", "year": 2023, "number": 63, "language": "en",
        "title": "ENDING THE KARABAKH CONFLICT OPENS THE WAY FOR PEACE IN THE SOUTH CAUCASUS - EURASIA REVIEW - 30.10.2023",
        "authors": [{"given": "Taras", "family": "Kuzio"}], "published": "2023-10-31", "url": SEED_URL,
        "source": {"name": "Eurasia Review", "date": "2023-10-30",
                   "url": "https://www.eurasiareview.com/30102023-ending-the-karabakh-conflict-opens-the-way-for-peace-in-the-south-caucasus-oped"},
    }  # fmt: skip


def test_turkish_pages_keep_their_letters_and_casing():
    (analiz,) = parse_input((PAGES / "analiz-tr.html").read_text(encoding="utf-8")).records
    assert analiz["title"] == "ANKARA’NIN “ÇEKMECELERİNDEN” ERMENİSTAN’IN TOZLU RAFLARINA: ZÜRİH PROTOKOLLERİ"
    assert analiz["authors"] == [{"given": "Tutku", "family": "Dilaver"}]
    assert (analiz["series"], analiz["year"], analiz["number"], analiz["language"]) == ("Analiz", 2018, 7, "tr")
    assert analiz["published"] == "2018-03-12" and analiz["reading_minutes"] == 11
    assert analiz["url"].startswith("https://avim.org.tr/tr/Analiz/ANKARA-NIN-")
    (yorum,) = parse_input((PAGES / "yorum-tr.md").read_text(encoding="utf-8"), url="https://avim.org.tr/tr/Yorum/X").records
    assert (yorum["title"], yorum["series"], yorum["language"], yorum["authors"]) == (
        "ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM", "Yorum", "tr", []
    )


def test_a_page_without_url_is_refused_with_the_reason():
    with pytest.raises(PageError, match="no AVİM URL.*--url"):
        parse_input((PAGES / "commentary-en.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("printed", "lang", "name"),
    [
        ("Taras KUZIO", "en", {"given": "Taras", "family": "Kuzio"}),
        ("Dr. Taras KUZIO", "en", {"given": "Taras", "family": "Kuzio"}),
        ("Alev KILIÇ*", "tr", {"given": "Alev", "family": "Kılıç"}),
        ("Teoman Ertuğrul TULUN", "tr", {"given": "Teoman Ertuğrul", "family": "Tulun"}),
        ("Özge Nur ÖĞÜTCÜ", "en", {"given": "Özge Nur", "family": "Öğütcü"}),
        ("European Jewish Congress", "en", {"literal": "European Jewish Congress"}),
    ],
)
def test_names_as_avim_prints_them(printed, lang, name):
    assert parse_name(printed, lang) == name


def test_citation_line_with_the_label_and_the_access_year():
    record = parse_cite_line("To cite this article: " + SEED_LINE)
    assert record["published"] == "2023-10-31"  # the year comes from the serial, not the 2026 access year
    assert record["title"].endswith("30.10.2023") and record["url"] == SEED_URL


def test_a_file_with_a_bad_line_names_it():
    with pytest.raises(PageError, match="line 2 is not an AVİM citation line"):
        parse_input(SEED_LINE + "\nnot a citation\n")


SEED_TEXT = (PAGES / "seed-blog.md").read_text(encoding="utf-8")
HTML_TEXT = (PAGES / "analiz-tr.html").read_text(encoding="utf-8")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(SEED_TEXT)), st.integers(0, len(HTML_TEXT)))
def test_truncated_pages_never_crash(cut_text, cut_html):
    for text in (SEED_TEXT[:cut_text], HTML_TEXT[:cut_html], SEED_TEXT[cut_text:]):
        try:
            parse_input(text)
        except PageError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Blog No:Commentary 2024/38.31.12\n\"<>Yazar İıŞşaZ0123456789 -*#()")), max_size=300))
def test_random_text_never_crashes(text):
    try:
        parse_input(text)
    except PageError:
        pass


# --- layouts of real posts (issue 20) -----------------------------------------------------------


def _one(name: str) -> dict:
    (record,) = parse_input((PAGES / name).read_text(encoding="utf-8")).records
    return record


def test_author_avim_is_a_literal_author_never_the_title():
    record = _one("analysis-author-avim.txt")
    assert record["title"] == "THE ELECTION PROCESS OF THE ARMENIAN PATRIARCH OF ISTANBUL HAS BEEN RESET"
    assert record["authors"] == [{"literal": "AVİM"}]
    assert (record["series"], record["year"], record["number"], record["published"], record["language"]) == (
        "Analysis", 2018, 12, "2018-05-09", "en")
    assert record["reading_minutes"] == 12


def test_a_title_tag_that_is_only_the_site_name_gives_way_to_the_h1():
    record = _one("commentary-title-avim.html")
    assert record["title"] == "ABUSES OF JUSTICE IN PARIS AND LOS ANGELES"
    assert (record["series"], record["year"], record["number"], record["published"]) == ("Commentary", 2021, 30, "2021-03-29")
    assert record["url"] == "https://www.avim.org.tr/en/Yorum/ABUSES-OF-JUSTICE-IN-PARIS-AND-LOS-ANGELES"


def test_header_items_on_one_line_separated_by_no_break_spaces():
    record = _one("yorum-one-line.html")
    assert (record["title"], record["series"], record["year"], record["number"], record["published"], record["language"],
            record["reading_minutes"], record["authors"]) == (
        "ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM", "Yorum", 2020, 5, "2020-01-27", "tr", 5, [])  # fmt: skip
    assert record["url"] == "https://avim.org.tr/tr/Yorum/ONBIRINCI-KURULUS-YILDONUMUNDE-AVIM"


def test_label_and_value_in_different_table_cells_in_any_order_and_an_http_url():
    record = _one("yorum-table.html")
    assert (record["title"], record["series"], record["year"], record["number"], record["published"], record["reading_minutes"]) == (
        "TÜRKİYE HER DAİM SARKİSYAN’IN GÜNDEMİNDE", "Yorum", 2017, 82, "2017-10-04", 5)
    assert record["url"] == "http://www.avim.org.tr/tr/Yorum/TURKIYE-HER-DAIM-SARKISYAN-IN-GUNDEMINDE"


def test_a_byline_in_the_body_names_the_author_and_its_second_date_is_not_the_post_date():
    record = _one("blog-byline.md")
    assert record["authors"] == [{"given": "Hande", "family": "Apakan"}]
    assert (record["series"], record["year"], record["number"], record["published"]) == ("Blog", 2013, 24, "2013-03-12")
    assert record["language"] == "en"  # no /en/ in the URL: the reading time and the text say it
    assert record["url"].endswith("-1")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("mislead-title-vs-h1.html", "titles disagree"),
        ("mislead-two-headers.md", "two post headers"),
        ("mislead-label-title.html", "is a label, not a title"),
    ],
)
def test_pages_laid_out_to_mislead_are_refused(name, reason):
    with pytest.raises(PageError, match=reason):
        _one(name)


@pytest.mark.parametrize(
    "text",
    [
        "Yazar : Tutku DİLAVER\nYorum No : 2020 / 5\n27.01.2020\n",  # a label where the title would be
        "A TITLE\nYorum No : 2020 / 5\n27.01.2020\n28.01.2020\n",  # two dates in the header
        "A TITLE\nYorum No : 2020 / 5\nYazar : Ali KAYA\nYazar : Veli KARA\n27.01.2020\n",  # two authors
        "A TITLE\nYorum No : 2020 / 5\n5 dk okuma\n",  # no date
        "A TITLE\nAnaliz No : 2020 / 5\n27.01.2020\n",  # a Yorum URL, an Analiz header
        "A TITLE\nCommentary No : 2020 / 5\n27.01.2020\n",  # the Turkish site, an English header
    ],
)
def test_missing_or_conflicting_fields_are_refused(text):
    with pytest.raises(PageError):
        parse_input(text, url="https://avim.org.tr/tr/Yorum/A-TITLE")


def test_invisible_and_control_characters_are_removed_on_the_way_in():
    text = (PAGES / "yorum-tr.md").read_text(encoding="utf-8").replace("KURULUŞ", "KURU\u202eLUŞ\u200b\x1b[2J")
    (record,) = parse_input(text, url="https://avim.org.tr/tr/Yorum/X").records
    assert record["title"] == "ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("73 KB of '<a '", "<html><body>" + "<a " * 24_000 + "</body></html>"),
        ("1 MB of '<a \"'", "<html><body>" + '<a "x' * 200_000),
        ("10 MB on one line", "x " * 5_000_000),
        ("10 MB on one line with serials", "Blog No: 63 " * 850_000),
        ("2 MB of short lines", "A TITLE\nBlog No: 63\n" + "Abc def\n" * 250_000),
    ],
)
def test_long_pages_take_linear_time(name, text):
    import time

    start = time.perf_counter()
    try:
        parse_input(text)
    except PageError:
        pass
    assert time.perf_counter() - start < 8, name  # html.parser took 70 s on the first, the line reader 50 s on the third


@pytest.mark.parametrize("dirty", [
    "EN-\x1b]0\x1b[2J;pwned\x07AKTIF",  # a clear-screen inside a title sequence (found by test_import_layouts)
    "EN-\x1b]0;pw\x1b[2Jned\x07AKTIF",
    "EN-\x1b[31m\x1b]0;pwned\x07\x1b[0mAKTIF",
])
def test_a_terminal_sequence_inside_another_leaves_nothing_of_either(dirty):
    from avimcite.importer import strip_controls

    assert strip_controls(dirty) == "EN-AKTIF"
