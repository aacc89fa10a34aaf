"""AVİM's house line as CSL (avimcite/styles/avim.csl, avim-tr.csl).

Goldens (tests/data/csl/golden-avim) are citeproc-js's output for these styles
(tests/data/csl/make_golden_avim.sh); the house line is `avimcite cite --style avim`,
written in Python. Each is checked against citeproc-js, not against the other: the
house line equals citeproc-js's output of the styles, and so does our engine's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from avimcite.csl.engine import render
from avimcite.csl.styles import resolve_style
from conftest import REPO

CSL = Path(__file__).parent / "data" / "csl"
GOLDEN = CSL / "golden-avim"
SHIPPED = json.loads((REPO / "data" / "posts.json").read_text(encoding="utf-8"))["posts"]


def golden(name: str) -> tuple[list[str], list[str]]:
    lines = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    at = lines.index("----")
    return lines[:at], lines[at + 1 :]


def house_lines(run, *args) -> list[str]:
    result = run(*args, "cite", "--all", "--accessed", "2026-06-25")
    assert result.code == 0, result.err
    return result.lines


def test_citeproc_js_with_the_styles_prints_the_house_line_for_every_shipped_post(run):
    # The CSL items name AVİM, the issuing body, as the author of a post without a recorded one
    # (docs/exports.md); the house line starts with the title there (AVİM names itself once, as
    # the publisher), and CSL cannot compare an author with a publisher: the styles print
    # "AVİM. 2016." first, then the house line's title, publisher and serial, date and URL.
    js = set(golden("shipped-avim")[1]) | set(golden("shipped-avim-tr")[1])
    by_avim = 0
    for line in house_lines(run):
        if line.startswith('"'):  # no recorded author
            title, year, rest = re.fullmatch(r'("[^"]*") (\d{4})\. (.*)', line).groups()
            line = f"AVİM. {year}. {title} {rest}"
            by_avim += 1
        assert line in js
    assert by_avim == 22


@pytest.mark.parametrize("name", ["shipped", "mine"])
@pytest.mark.parametrize("style", ["avim", "avim-tr"])
def test_our_engine_equals_citeproc_js_with_the_house_styles(name, style):
    items = json.loads((CSL / "input" / f"{name}.json").read_text(encoding="utf-8"))
    result = render(items, resolve_style(f"{style}-csl"), "tr-TR" if style == "avim-tr" else "en-US", "both", "text")
    citations, bibliography = golden(f"{name}-{style}")
    assert result.citations == citations
    assert result.bibliography == bibliography


@pytest.mark.parametrize("style", ["avim", "avim-tr"])
def test_other_item_types_follow_the_house_order(style):
    items = json.loads((CSL / "input-other-types.json").read_text(encoding="utf-8"))
    result = render(items, resolve_style(f"{style}-csl"), "tr-TR" if style == "avim-tr" else "en-US", "both", "text")
    citations, bibliography = golden(f"input-other-types-{style}")
    assert result.bibliography == bibliography
    if style == "avim":
        assert 'Ayşe YILMAZ. 2021. An Illustrative Book on the South Caucasus. Ankara: Example University Press.' in bibliography


def test_styles_lists_the_house_styles_and_prints_their_files(run):
    listed = run("styles", "avim").lines
    assert [line.split("\t")[0] for line in listed[:4]] == ["avim", "avim-site", "avim-csl", "avim-tr-csl"]
    for name, file in (("avim", "avim.csl"), ("avim-csl", "avim.csl"), ("avim-tr", "avim-tr.csl")):
        printed = run("styles", "--path", name).out.strip()
        assert printed.endswith(f"styles/{file}") and Path(printed).is_file()
        assert "<title>" in Path(printed).read_text(encoding="utf-8")


def test_the_style_file_path_works_as_a_style(run):
    path = run("styles", "--path", "avim").out.strip()
    by_path = run("cite", "2023/63", "--style", path, "--accessed", "2026-06-25").out
    assert by_path == run("cite", "2023/63", "--accessed", "2026-06-25").out
