from __future__ import annotations

import json

from conftest import post_record


def test_show_json_is_a_list_of_records_with_turkish_letters_intact(run):
    result = run("show", "2023/63", "analiz/2018/7", "--json")
    records = json.loads(result.out)
    assert [r["id"] for r in records] == ["blog/2023/63", "analiz/2018/7"]
    assert records[0]["title"].startswith("ENDING THE KARABAKH CONFLICT")
    assert records[0]["source"]["name"] == "Eurasia Review"
    assert "ÇEKMECELERİNDEN" in result.out  # not \u-escaped


def test_show_piped_prints_field_lines(run):
    result = run("show", "2023/63")
    fields = dict(line.split(": ", 1) for line in result.lines)
    assert fields["id"] == "blog/2023/63"
    assert fields["authors"] == "Taras Kuzio"
    assert fields["number"] == "Blog No.2023 / 63"
    assert fields["published"] == "2023-10-31"
    assert fields["source_date"] == "2023-10-30"
    assert fields["url"].startswith("https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH")
    assert "\x1b[" not in result.out


def test_show_on_a_terminal_draws_a_panel_without_cutting_the_url(run):
    result = run("show", "2023/63", tty=True)
    assert "╭" in result.out and "blog/2023/63" in result.out
    assert "…" not in result.out


def test_list_on_a_terminal_is_a_table(run):
    result = run("list", "--year", "2023", tty=True)
    assert "┃" in result.out and "posts" in result.out


def test_list_piped_is_one_tab_separated_line_per_post(run):
    lines = run("list", "--year", "2023").lines
    assert lines == [
        "yorum/2023/5\t2023-01-30\ttr\t\t15. KURULUŞ YILDÖNÜMÜNE GİDEN YOLDA AVİM",
        "blog/2023/63\t2023-10-31\ten\tTaras Kuzio\tENDING THE KARABAKH CONFLICT OPENS THE WAY FOR PEACE IN THE "
        "SOUTH CAUCASUS - EURASIA REVIEW - 30.10.2023",
    ]


def test_list_filters(run):
    assert run("list", "--search", "karabakh", "--ids").out == "blog/2023/63\n"
    assert run("list", "--search", "kilikya", "--ids").lines == ["yorum/2016/81", "yorum/2017/95"]
    assert run("list", "--search", "istanbul", "--ids").lines == ["analysis/2017/19", "analysis/2018/12"]
    assert run("list", "--author", "DILAVER", "--ids").lines == ["analiz/2018/7"]
    assert run("list", "--series", "analysis", "--lang", "en", "--ids").lines == [
        "analysis/2017/19", "analysis/2018/12", "analysis/2019/21",
    ]  # fmt: skip
    assert run("list", "--since", "1 Dec 2024", "--ids").lines == ["commentary/2024/38"]
    assert run("list", "--until", "01.03.2010", "--ids").lines == ["yorum/2010/7"]
    assert run("list", "--sort", "date", "--reverse", "--limit", "2", "--ids").lines == [
        "commentary/2024/38", "blog/2023/63",
    ]  # fmt: skip


def test_list_json_and_empty_results(run):
    records = json.loads(run("list", "--year", "2024", "--json").out)
    assert [r["id"] for r in records] == ["commentary/2024/38"]
    empty = run("list", "--year", "1999")
    assert (empty.code, empty.out, empty.err) == (0, "", "")


def test_list_ids_feed_cite(run):
    ids = run("list", "--year", "2023", "--ids").out
    result = run("cite", "--accessed", "2026-06-25", stdin=ids)
    assert len(result.lines) == 2 and result.lines[1].startswith("Taras KUZIO. 2023.")


def test_catalogue_option_wins_over_environment(run, write_catalogue, monkeypatch):
    monkeypatch.setenv("AVIMCITE_CATALOGUE", str(write_catalogue([post_record(number=7)], "env.json")))
    mine = write_catalogue([post_record(number=8)], "mine.json")
    assert run("list", "--ids").out == "blog/2024/7\n"
    assert run("--catalogue", str(mine), "list", "--ids").out == "blog/2024/8\n"


def test_a_terminal_too_narrow_for_a_table_gets_plain_lines(run, monkeypatch):
    for columns in ("0", "20"):
        monkeypatch.setenv("COLUMNS", columns)
        listed = run("list", "--year", "2023", tty=True).out
        assert "ENDING THE KARABAKH CONFLICT OPENS THE WAY" in listed and "blog/2023/63\t2023-10-31" in listed
        shown = run("show", "2023/63", tty=True).out
        assert shown.startswith("id: blog/2023/63\ntitle: ENDING THE KARABAKH")


def test_urls_in_a_panel_are_never_folded(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    shown = run("show", "2023/63", tty=True).out
    url = "https://www.avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"
    assert any(url in line for line in shown.splitlines())
    assert "title" in shown and "╭" in shown
