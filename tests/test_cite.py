from __future__ import annotations

from datetime import date

import pytest

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
    assert result.lines == [SEED_AVIM]  # the same post, asked for twice, is one entry


@pytest.mark.parametrize("style", ["avim", "apa", "ieee"])
def test_only_unknown_ids_is_the_unknown_id_error_in_every_style(run, style):
    """Not "the style has no bibliography" (exit 2), as a CSL style said before."""
    for args, stdin in ((["2023/99"], None), ([], "2023/99\n")):
        result = run("cite", *args, "--style", style, stdin=stdin)
        assert (result.code, result.out) == (3, "") and "no post '2023/99'" in result.err and result.err.count("\n") == 1


@pytest.mark.parametrize("style", ["avim", "apa"])
def test_filters_matching_nothing_print_nothing_in_every_style(run, style):
    result = run("cite", "--year", "1900", "--style", style)
    assert (result.code, result.out, result.err) == (0, "", "")


def test_piped_ids_with_a_byte_order_mark(run):
    result = run("cite", "--accessed", "2026-06-25", stdin="\ufeff2023/63\n")
    assert result.code == 0 and result.lines == [SEED_AVIM]


def test_order_is_the_order_given(run):
    result = run("cite", "commentary/2024/38", "2023/63", "yorum/2020/5", "--accessed", "2026-06-25")
    assert [line[:12] for line in result.lines] == ['"AN OVERVIEW', "Taras KUZIO.", '"ONBİRİNCİ K']


def test_unknown_id_among_known_ones_prints_the_known_and_exits_3(run):
    result = run("cite", "2023/63", "2023/99", "--accessed", "2026-06-25")
    assert result.code == 3
    assert result.lines == [SEED_AVIM]
    assert result.err.count("\n") == 1
    assert "no post '2023/99'" in result.err and "blog/2023/63" in result.err


def test_turkish_post_line(run):
    tr = run("cite", "yorum/2020/5", "--accessed", "2026-06-25").out
    assert "Avrasya İncelemeleri Merkezi (AVİM), Yorum No.2020 / 5. 27 Ocak. Erişim tarihi: 25 Haziran 2026." in tr


# The pages' own headers (tests/../shared/avim/posts_more.json, posts_raw.json): each language
# numbers its posts on its own, so a version's serial, URL and title are its own.
TWINS = [
    ("yorum/2016/81", "en", "Commentary No.2016 / 73. December 21.",
     "https://avim.org.tr/en/Yorum/THE-ARMENIAN-CATHOLICOSATE-OF-CILICIA-S-APPLICATION-TO-THE-CONSTITUTIONAL-COURT-OF-TURKEY-1"),
    ("commentary/2016/73", "tr", "Yorum No.2016 / 81. 21 Aralık.",
     "https://avim.org.tr/tr/Yorum/KILIKYA-ERMENI-KATOLIKOSLUGUNUN-ANAYASA-MAHKEMESI-BASVURUSU-2"),
    ("analiz/2019/25", "en", "Analysis No.2019 / 21. September 16.",
     "https://avim.org.tr/en/Analiz/ARMENIA-AND-THE-VENERATION-OF-TERRORISTS-II"),
    ("analysis/2019/21", "tr", "Analiz No.2019 / 25. 9 Eylül.",
     "https://www.avim.org.tr/tr/Analiz/ERMENISTAN-DA-TERORIST-SEMPATIZANLIGI-II"),
]  # fmt: skip


@pytest.mark.parametrize(("post_id", "lang", "serial", "url"), TWINS)
def test_lang_cites_the_twin_with_its_own_number_and_url(run, post_id, lang, serial, url):
    result = run("cite", post_id, "--lang", lang, "--accessed", "2026-06-25")
    assert result.code == 0 and result.err == ""
    assert serial in result.out and result.out.endswith(f" {url}\n")
    twin = {TWINS[0][0]: TWINS[1][0], TWINS[1][0]: TWINS[0][0], TWINS[2][0]: TWINS[3][0], TWINS[3][0]: TWINS[2][0]}[post_id]
    assert result.out == run("cite", twin, "--accessed", "2026-06-25").out  # the twin's own line


def test_lang_without_a_recorded_twin_is_refused_in_one_line(run):
    result = run("cite", "yorum/2020/5", "--lang", "en", "--accessed", "2026-06-25")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("avimcite: error: no English version of yorum/2020/5 is recorded")
    # nothing is printed for the others either: the command line asked for something that does not exist
    both = run("cite", "yorum/2016/81", "analiz/2018/7", "--lang", "en")
    assert both.code == 2 and both.out == "" and "analiz/2018/7" in both.err


def test_lang_on_a_blog_post_keeps_its_number_in_either_language(run):
    # the blog has one series and one numbering: the Turkish line cites the same post
    result = run("cite", "2023/63", "--lang", "tr", "--accessed", "2026-06-25")
    assert result.code == 0
    assert "Avrasya İncelemeleri Merkezi (AVİM), Blog No.2023 / 63. 31 Ekim. Erişim tarihi: 25 Haziran 2026." in result.out


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


def test_cite_json_holds_what_the_plain_output_prints_with_the_ids_each_citation_cites(run, tmp_path):
    import json

    clusters = tmp_path / "cites.txt"
    clusters.write_text("[@2023/63, para. 4; @commentary/2024/38]\n[-@2023/63]\n", encoding="utf-8")
    for args, ids in ((["--clusters", str(clusters), "-s", "apa", "--mode", "both"], [["blog/2023/63", "commentary/2024/38"], ["blog/2023/63"]]),
                      (["2023/63", "commentary/2024/38", "2023/63", "-s", "ieee", "--mode", "both"], [["blog/2023/63"], ["commentary/2024/38"]]),
                      (["2023/63", "--accessed", "2026-06-25"], [])):  # fmt: skip
        plain, data = run("cite", *args), run("cite", *args, "--json")
        assert plain.code == data.code == 0, (plain.err, data.err)
        got = json.loads(data.out)
        lines = plain.out.splitlines()
        citations = lines[: lines.index("")] if "" in lines else []
        assert [c["text"] for c in got["citations"]] == citations
        assert [c["ids"] for c in got["citations"]] == ids
        assert got["bibliography"] == lines[len(citations) + bool(citations):]
    assert json.loads(run("cite", "2023/63", "--json", "--accessed", "2026-06-25").out)["bibliography"][0].startswith("Taras KUZIO. 2023.")
