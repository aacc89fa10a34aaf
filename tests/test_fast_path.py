"""The fast path (entry.py) and Typer must behave identically on every command line."""

from __future__ import annotations

import io
import sys

import pytest

from avimcite import entry, output
from conftest import post_record

LINES = [
    ["--version"],
    ["show", "2023/63"], ["show", "2023/63", "--json"], ["show", "2023/63", "yorum/2020/5", "nope/1/1"],
    ["show", "https://avimbulten.org/Blog/ENDING-THE-KARABAKH-CONFLICT-OPENS-THE-WAY-FOR-PEACE-IN-THE-SOUTH-CAUCASUS-EURASIA-REVIEW-30-10-2023"],
    ["show"], ["show", "--json"],
    ["list"], ["list", "--ids"], ["list", "--json"], ["list", "--search", "kilikya"], ["list", "--search", "karabakh", "--ids"],
    ["list", "--year", "2017", "--lang", "tr", "--sort", "id", "--reverse", "--limit", "2"],
    ["list", "--author", "dilaver"], ["list", "--series", "analysis", "--ids"], ["list", "--since", "1 Dec 2024"],
    ["list", "--until", "31.02.2020"], ["list", "--year", "twenty"], ["list", "--limit", "0"], ["list", "extra"],
    ["list", "--sort", "title"], ["list", "--year", "2017", "--year", "2018", "--ids"],
    ["cite", "2023/63"], ["cite", "2023/63", "--accessed", "2026-06-25"], ["cite", "2023/63", "-s", "avim-site", "-f", "markdown", "--accessed", "2026-06-25"],
    ["cite", "2023/63", "--style", "avim", "--format", "html", "--lang", "tr", "--accessed", "25.06.2026"],
    ["cite", "2023/63", "2023/99"], ["cite", "2023/63", "--accessed", "June 2026"], ["cite", "2023/63", "--format", "pdf"],
    ["cite", "2023/63", "--style", "apa", "--accessed", "2026-06-25"], ["cite"], ["cite", "--accessed", "2026-06-25"],
    ["cite", "2023/63", "--help"], ["show", "--catalogue", "x"],
    ["cite", "2023/63", "--style", "chicago-author-date", "--locale", "tr-TR", "--mode", "both", "--accessed", "2026-06-25"],
    ["cite", "--all", "--style", "ieee", "--mode", "citation", "--accessed", "2026-06-25"],
    ["cite", "--all", "--year", "2017", "--series", "Yorum", "-s", "apa", "-l", "tr", "--accessed", "2026-06-25"],
    ["cite", "--all", "--author", "kuzio", "--since", "2023-01-01", "--until", "2024-01-01", "--style", "mla"],
    ["cite", "--all", "--search", "patrik", "-s", "avim-csl", "--accessed", "2026-06-25"],
    ["cite", "2023/63", "--style", "apa", "--mode", "notes"], ["cite", "2023/63", "--style", "apa7"],
    ["cite", "2023/63", "--style", "apa", "--locale", "xx"], ["cite", "2023/63", "--style", "apa", "--lang", "tr"],
    ["cite", "2023/63", "--locale", "tr-TR"], ["cite", "2023/63", "--mode", "citation"],
    ["cite", "2023/63", "--style", "international-security", "--mode", "bibliography"],
    ["cite", "2023/63", "--style", "/no/such/style.csl"], ["cite", "--all", "--year", "1999", "--style", "apa"],
    ["cite", "2023/63", "--all"], ["cite", "2023/63", "--style", "apa", "--style", "ieee"],
]  # fmt: skip


def run_path(capsys, monkeypatch, argv, fast, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(output, "stdout_is_tty", lambda: False)
    capsys.readouterr()
    code = entry.main(argv, fast=fast)
    captured = capsys.readouterr()
    return int(code), captured.out, captured.err


@pytest.mark.parametrize("argv", LINES, ids=lambda a: " ".join(a)[:60])
def test_fast_path_and_typer_agree(capsys, monkeypatch, argv):
    assert run_path(capsys, monkeypatch, argv, fast=True) == run_path(capsys, monkeypatch, argv, fast=False)


def test_they_agree_on_piped_ids_and_another_catalogue(capsys, monkeypatch, write_catalogue):
    path = str(write_catalogue([post_record(title="ŞİR & KILIÇ")]))
    for argv in (["cite", "--accessed", "2026-01-01"], ["show"]):
        fast = run_path(capsys, monkeypatch, argv, True, stdin="2023/63\n")
        assert fast == run_path(capsys, monkeypatch, argv, False, stdin="2023/63\n") and fast[0] == 0
    for argv in (["--catalogue", path, "list"], ["--catalogue", path, "cite", "blog/2024/1", "--accessed", "2026-01-01"]):
        fast = run_path(capsys, monkeypatch, argv, True)
        assert fast == run_path(capsys, monkeypatch, argv, False) and "KILIÇ" in fast[1]
    monkeypatch.setenv("AVIMCITE_CATALOGUE", path)
    assert run_path(capsys, monkeypatch, ["list", "--ids"], True) == run_path(capsys, monkeypatch, ["list", "--ids"], False)


def test_the_plain_commands_take_the_fast_path():
    assert entry.fast_plan(["show", "2023/63"]) is not None
    assert entry.fast_plan(["cite", "2023/63", "--accessed", "2026-06-25"]) is not None
    assert entry.fast_plan(["list", "--search", "karabakh", "--ids"]) is not None
    assert entry.fast_plan(["cite", "2023/63", "--style", "apa"]) is not None
    assert entry.fast_plan(["cite", "--all", "-s", "chicago-author-date", "-l", "tr-TR", "--mode", "both"]) is not None
    assert entry.fast_plan(["cite", "2023/63", "--style=apa"]) is None
    assert entry.fast_plan(["show", "--help"]) is None
