"""Which parser runs a command line: plain invocations of the light commands take the fast
path (no Typer import at start-up); help, `--opt=value` and the options only Typer handles
go to Typer. Both read one option table (avimcite.spec), so no test keeps two tables equal."""

from __future__ import annotations

import os
import subprocess
import sys

from avimcite.fastpath import fast_plan


def test_the_plain_commands_take_the_fast_path():
    assert fast_plan(["show", "2023/63"]) is not None
    assert fast_plan(["cite", "2023/63", "--accessed", "2026-06-25"]) is not None
    assert fast_plan(["list", "--search", "karabakh", "--ids"]) is not None
    assert fast_plan(["cite", "2023/63", "--style", "apa"]) is not None
    assert fast_plan(["cite", "--all", "-s", "chicago-author-date", "-l", "tr-TR", "--mode", "both"]) is not None
    assert fast_plan(["export", "--all", "--format", "bibtex", "-o", "avim.bib"]) is not None
    assert fast_plan(["export", "2023/63", "--year", "2023", "--lang", "tr", "--accessed", "today"]) is not None


def test_anything_else_goes_to_typer():
    assert fast_plan(["cite", "2023/63", "--style=apa"]) is None
    assert fast_plan(["show", "--help"]) is None
    assert fast_plan(["cite", "--clusters", "-"]) is None  # an option the fast path leaves to Typer
    assert fast_plan(["list", "--limit", "0"]) is None  # a value Typer refuses, with its message
    assert fast_plan(["cite", "2023/63", "-s", "apa", "-s", "ieee"]) is None
    assert fast_plan(["export", "--all", "-o", "-"]) is None  # a value starting with a dash: Typer's to read
    assert fast_plan(["export", "--all", "-o", "a\0b"]) is None  # a path Typer reports
    assert fast_plan(["info"]) is None and fast_plan(["check", "--json"]) is None  # commands only Typer runs


def test_a_light_command_does_not_import_typer(tmp_path):
    code = "import sys; from avimcite.entry import main; main(['show', '2023/63']); print('typer' in sys.modules, file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "False"


def test_an_export_does_not_import_typer(tmp_path):
    """An export runs on the fast path, so it ends with os._exit (entry.run) instead of freeing
    its posts one by one (a tenth of a 100,000-post export)."""
    code = ("import sys; from avimcite.entry import main; "
            f"main(['export', '2023/63', '-f', 'ris', '-o', {str(tmp_path / 'a.ris')!r}]); print('typer' in sys.modules, file=sys.stderr)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")})  # fmt: skip
    assert done.returncode == 0 and done.stderr.strip() == "False"
    assert (tmp_path / "a.ris").read_bytes().startswith(b"TY  - BLOG\r\n")
