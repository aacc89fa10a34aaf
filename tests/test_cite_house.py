"""AVİM's house line, checked against the one line AVİM itself printed (the seed)."""

from __future__ import annotations

from datetime import date

import pytest

from avimcite.formatters import house
from avimcite.model import Author, Post, Source
from conftest import SEED_LINE, SHARED

ACCESSED = date(2026, 6, 25)
SEED_URL = (
    "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-"
    "SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"
)


def make_post(**overrides) -> Post:
    values = dict(
        series="Blog",
        year=2023,
        number=63,
        language="en",
        title="ENDING THE KARABAKH CONFLICT OPENS THE WAY FOR PEACE IN THE SOUTH CAUCASUS - EURASIA REVIEW - 30.10.2023",
        published=date(2023, 10, 31),
        url=SEED_URL,
        authors=(Author(given="Taras", family="Kuzio"),),
        source=Source("Eurasia Review", date(2023, 10, 30)),
    )
    values.update(overrides)
    return Post(**values)


def test_seed_line_is_the_one_quoted_in_the_research_notes():
    notes = SHARED / "avim" / "house_format.md"
    if not notes.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert f"To cite this article: {SEED_LINE}" in notes.read_text(encoding="utf-8")


def test_site_style_in_markdown_reproduces_the_page_byte_for_byte():
    assert house.cite(make_post(), ACCESSED, style="avim-site", fmt="markdown") == SEED_LINE


def test_default_style_prints_the_publication_year_and_a_bare_url():
    expected = SEED_LINE.replace("KUZIO. 2026.", "KUZIO. 2023.").replace(f"<{SEED_URL}>", SEED_URL)
    assert house.cite(make_post(), ACCESSED) == expected


def test_html_escapes_text_and_links_the_url():
    post = make_post(title='R&D <script>alert("x")</script>', url="https://avim.org.tr/Blog/A?x=1&y=2")
    line = house.cite(post, ACCESSED, fmt="html")
    assert "<script>" not in line
    assert "R&amp;D &lt;script&gt;" in line
    assert line.endswith(
        '<a href="https://avim.org.tr/Blog/A?x=1&amp;y=2">https://avim.org.tr/Blog/A?x=1&amp;y=2</a>'
    )


def test_markdown_escapes_emphasis_and_brackets_in_titles():
    line = house.cite(make_post(title="A *B* [C] D_E"), ACCESSED, fmt="markdown")
    assert '"A \\*B\\* \\[C\\] D\\_E."' in line


@pytest.mark.parametrize(
    ("series", "word"), [("Commentary", "Commentary No.2024 / 38"), ("Analysis", "Analysis No.2024 / 38")]
)
def test_other_series_and_days_without_leading_zero(series, word):
    post = make_post(series=series, year=2024, number=38, published=date(2024, 10, 5))
    line = house.cite(post, ACCESSED)
    assert f"(AVİM), {word}. October 5. Accessed June 25, 2026. " in line


def test_turkish_line_uses_turkish_terms_and_months():
    post = make_post(
        series="Yorum",
        year=2020,
        number=5,
        language="tr",
        title="ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM",
        published=date(2020, 1, 27),
        authors=(),
        url="https://avim.org.tr/tr/Yorum/ONBIRINCI-KURULUS-YILDONUMUNDE-AVIM",
    )
    assert house.cite(post, ACCESSED) == (
        '"ONBİRİNCİ KURULUŞ YILDÖNÜMÜNDE AVİM." 2020. Avrasya İncelemeleri Merkezi (AVİM), '
        "Yorum No.2020 / 5. 27 Ocak. Erişim tarihi: 25 Haziran 2026. "
        "https://avim.org.tr/tr/Yorum/ONBIRINCI-KURULUS-YILDONUMUNDE-AVIM"
    )


def test_line_language_can_differ_from_the_post():
    en = make_post(series="Yorum", language="tr", year=2020, number=5)
    assert "Center For Eurasian Studies (AVİM), Commentary No.2020 / 5. October 31." in house.cite(en, ACCESSED, lang="en")
    tr = house.cite(make_post(), ACCESSED, lang="tr")
    assert "Avrasya İncelemeleri Merkezi (AVİM), Blog No.2023 / 63. 31 Ekim. Erişim tarihi: 25 Haziran 2026." in tr


@pytest.mark.parametrize(
    ("author", "language", "printed"),
    [
        (Author(given="Ayşe", family="Şir"), "en", "Ayşe ŞİR"),
        (Author(given="Alev", family="Kılıç"), "en", "Alev KILIÇ"),
        (Author(given="Ali", family="Işık"), "en", "Ali IŞIK"),
        (Author(given="Tutku", family="Dilaver"), "tr", "Tutku DİLAVER"),
        (Author(given="Taras", family="Kuzio"), "en", "Taras KUZIO"),
        (Author(given="Khazar", family="Ibrahim", display="Khazar İBRAHIM"), "en", "Khazar İBRAHIM"),
        (Author(given="Iver", family="Torikian", lang="en"), "tr", "Iver TORIKIAN"),
        (Author(literal="European Jewish Congress"), "en", "European Jewish Congress"),
    ],
)
def test_names_are_printed_as_avim_prints_them(author, language, printed):
    line = house.cite(make_post(authors=(author,), language=language), ACCESSED, lang="en")
    assert line.startswith(f"{printed}. 2023. ")


def test_several_authors_are_joined_as_chicago_does():
    authors = (Author("Alev", "Kılıç"), Author("Taras", "Kuzio"), Author("Maxime", "Gauin"))
    assert house.cite(make_post(authors=authors[:2]), ACCESSED).startswith("Alev KILIÇ and Taras KUZIO. 2023.")
    assert house.cite(make_post(authors=authors), ACCESSED).startswith(
        "Alev KILIÇ, Taras KUZIO, and Maxime GAUIN. 2023."
    )
    assert house.cite(make_post(authors=authors), ACCESSED, lang="tr").startswith(
        "Alev KILIÇ, Taras KUZIO ve Maxime GAUIN. 2023."
    )


def test_title_ending_a_sentence_gets_no_extra_period():
    line = house.cite(make_post(title="NEDEN TAHLİYE EDİLMEMELİDİR?"), ACCESSED)
    assert '"NEDEN TAHLİYE EDİLMEMELİDİR?" Center' in line
