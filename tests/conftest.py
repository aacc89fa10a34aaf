from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from avimcite import output
from avimcite.entry import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
# The generated suites (test_cli_fuzz, test_import_layouts) draw the same examples on every run, so a
# clean-clone CI run is reproducible; `pytest --hypothesis-profile=explore` draws new ones
# (and a failure found that way becomes a plain regression test).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile("ci")

SEED_LINE = (TESTS / "data" / "seed_citation.txt").read_text(encoding="utf-8").strip()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path_factory):
    """No test reads or writes the developer's own catalogues, or sees a debug switch."""
    monkeypatch.delenv("AVIMCITE_CATALOGUE", raising=False)
    monkeypatch.delenv("AVIMCITE_DEBUG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def run(capsys, monkeypatch):
    """Run the real `main(argv)`; stdin is a pipe holding `stdin` (empty by default)."""

    def _run(*args: str, stdin: str = "", tty: bool = False) -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        monkeypatch.setattr(output, "stdout_is_tty", lambda: tty)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(int(code), captured.out, captured.err)

    return _run


def post_record(**overrides) -> dict:
    record = {
        "series": "Blog",
        "year": 2024,
        "number": 1,
        "language": "en",
        "title": "A TITLE",
        "authors": [{"given": "Taras", "family": "Kuzio"}],
        "published": "2024-01-05",
        "url": "https://www.avimbulten.org/Blog/A-TITLE",
    }
    record.update(overrides)
    return record


@pytest.fixture
def write_catalogue(tmp_path):
    """Write a catalogue of the given post records and return its path."""

    def _write(posts: list[dict], name: str = "catalogue.json") -> Path:
        path = tmp_path / name
        path.write_text(
            json.dumps({"schema": "avimcite-catalogue/1", "posts": posts}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        return path

    return _write


def CSL_GOLDEN(data: str, style: str, locale: str) -> list[str]:  # noqa: N802 - a constant-like helper
    return (TESTS / "data" / "csl" / "golden" / data / style / f"{locale}.txt").read_text(encoding="utf-8").splitlines()


def kept_forms() -> list[Path]:
    """The compiled forms (avimcite.csl.compiled) kept in this test's cache folder."""
    import os

    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "avimcite").glob("compiled-*.marshal"))


def forget_answers() -> None:
    """Empty this test's answer and render caches, so that the next run renders afresh."""
    import os
    import shutil

    for folder in ("answers", "render"):
        shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "avimcite" / folder, ignore_errors=True)
