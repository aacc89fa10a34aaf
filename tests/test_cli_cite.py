from __future__ import annotations

from datetime import date

from conftest import SEED_LINE, post_record

SEED_URL = SEED_LINE.rsplit(" ", 1)[1].strip("<>")
SEED_AVIM = SEED_LINE.replace("KUZIO. 2026.", "KUZIO. 2023.").replace(f"<{SEED_URL}>", SEED_URL)


def test_cite_prints_the_house_line(run):
    result = run("cite", "2023/63", "--accessed", "2026-06-25")
    assert (result.code, result.out, result.err) == (0, SEED_AVIM + "\n", "")


def test_cite_site_style_markdown_is_the_page_line(run):
    result = run("cite", "2023/63", "--style", "avim-site", "--accessed", "2026-06-25", "--format", "markdown")
    assert result.out == SEED_LINE + "\n"


def test_everyday_access_dates_give_the_same_line(run):
    for accessed in ("25 June 2026", "June 25, 2026", "25.06.2026"):
        assert run("cite", "2023/63", "--accessed", accessed).out == SEED_AVIM + "\n"


def test_access_date_defaults_to_today(run):
    today = date.today()
    assert f"Accessed {today:%B} {today.day}, {today.year}." in run("cite", "2023/63").out


def test_ids_from_stdin_one_per_line(run):
    result = run("cite", "--accessed", "2026-06-25", stdin="2023/63\n\n# a comment\nblog/2023/63\n")
    assert result.lines == [SEED_AVIM, SEED_AVIM]


def test_order_is_the_order_given(run):
    result = run("cite", "commentary/2024/38", "2023/63", "yorum/2020/5", "--accessed", "2026-06-25")
    assert [line[:12] for line in result.lines] == ['"AN OVERVIEW', "Taras KUZIO.", '"ONBİRİNCİ K']


def test_unknown_id_among_known_ones_prints_the_known_and_exits_3(run):
    result = run("cite", "2023/63", "2023/99", "--accessed", "2026-06-25")
    assert result.code == 3
    assert result.lines == [SEED_AVIM]
    assert result.err.count("\n") == 1
    assert "no post '2023/99'" in result.err and "blog/2023/63" in result.err


def test_turkish_post_line_and_lang_switch(run):
    tr = run("cite", "yorum/2020/5", "--accessed", "2026-06-25").out
    assert "Avrasya İncelemeleri Merkezi (AVİM), Yorum No.2020 / 5. 27 Ocak. Erişim tarihi: 25 Haziran 2026." in tr
    en = run("cite", "yorum/2020/5", "--accessed", "2026-06-25", "--lang", "en").out
    assert "Center For Eurasian Studies (AVİM), Commentary No.2020 / 5. January 27. Accessed June 25, 2026." in en


def test_own_catalogue_from_the_environment_with_turkish_names(run, write_catalogue, monkeypatch):
    path = write_catalogue(
        [
            post_record(
                series="Yorum", year=2025, number=3, language="tr", title="İKİ ŞEHİR",
                authors=[{"given": "Ayşe", "family": "Şir"}, {"given": "Ali", "family": "Işık"}],
                published="2025-03-09", url="https://avim.org.tr/tr/Yorum/IKI-SEHIR",
            )
        ]
    )  # fmt: skip
    monkeypatch.setenv("AVIMCITE_CATALOGUE", str(path))
    result = run("cite", "yorum/2025/3", "--accessed", "2026-01-02")
    assert result.out == (
        'Ayşe ŞİR ve Ali IŞIK. 2025. "İKİ ŞEHİR." Avrasya İncelemeleri Merkezi (AVİM), Yorum No.2025 / 3. '
        "9 Mart. Erişim tarihi: 2 Ocak 2026. https://avim.org.tr/tr/Yorum/IKI-SEHIR\n"
    )
    assert run("list", "--search", "sir", "--ids").out == "yorum/2025/3\n"


def test_html_output_is_escaped(run, write_catalogue):
    path = write_catalogue([post_record(title="A & B <script>")])
    out = run("--catalogue", str(path), "cite", "blog/2024/1", "-f", "html", "--accessed", "2026-01-01").out
    assert "A &amp; B &lt;script&gt;" in out and "<script>" not in out
