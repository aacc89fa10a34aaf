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
