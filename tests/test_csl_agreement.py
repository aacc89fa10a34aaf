"""Our CSL output against citeproc-js (Zotero's engine), line by line.

Golden files: tests/data/csl/golden, made by citeproc-js through the shared harness
(tests/data/csl/make_golden.sh, provenance in PROVENANCE.md); never from our output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avimcite.csl.engine import render
from avimcite.csl.styles import resolve_style
from conftest import REPO

CSL = Path(__file__).parent / "data" / "csl"
STYLES = ["apa", "chicago-author-date", "chicago-notes-bibliography", "modern-language-association",
          "harvard-cite-them-right", "ieee", "nlm-citation-sequence", "turabian-author-date"]  # fmt: skip
MUST_BE_EXACT = {"apa", "chicago-author-date", "modern-language-association", "harvard-cite-them-right", "ieee"}
LOCALES = ["en-US", "tr-TR"]
INPUTS = sorted(p.stem for p in (CSL / "input").glob("*.json"))


def golden(data: str, style: str, locale: str) -> list[str]:
    return (CSL / "golden" / data / style / f"{locale}.txt").read_text(encoding="utf-8").splitlines()


def known() -> dict[str, str]:
    lines = (CSL / "known_differences.txt").read_text(encoding="utf-8").splitlines()
    entries = [line.split(None, 1) for line in lines if line.strip() and not line.startswith("#")]
    return {entry[0]: entry[1] if len(entry) > 1 else "" for entry in entries}


@pytest.fixture(scope="module")
def differences() -> tuple[dict[str, tuple], dict[str, list[int]]]:
    found, counts = {}, {}
    for data in INPUTS:
        items = json.loads((CSL / "input" / f"{data}.json").read_text(encoding="utf-8"))
        for style in STYLES:
            for locale in LOCALES:
                expected = golden(data, style, locale)
                ours = render(items, resolve_style(style), locale, "both")
                got = ours.citations + ["----"] + ours.bibliography
                same = total = 0
                for n in range(max(len(expected), len(got))):
                    a = expected[n] if n < len(expected) else None
                    b = got[n] if n < len(got) else None
                    total += 1
                    if a == b:
                        same += 1
                    else:
                        found[f"{data}/{style}/{locale}:{n + 1}"] = (a, b)
                counts.setdefault(style, [0, 0])
                counts[style][0] += same
                counts[style][1] += total
    return found, counts


def test_differences_are_exactly_the_known_ones(differences):
    found, _ = differences
    listed = known()
    new = {k: v for k, v in found.items() if k not in listed}
    fixed = sorted(k for k in listed if k not in found)
    assert not new, "new differences from citeproc-js:\n" + "\n".join(f"{k}\n  js: {a}\n  us: {b}" for k, (a, b) in new.items())
    assert not fixed, f"fixed, so remove them from known_differences.txt: {fixed}"


def test_agreement_goals(differences):
    _, counts = differences
    same = sum(c[0] for c in counts.values())
    total = sum(c[1] for c in counts.values())
    assert same / total >= 0.95
    for style in MUST_BE_EXACT:
        assert counts[style][0] == counts[style][1], style


@pytest.mark.parametrize("data", ["shipped", "mine"])
@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "modern-language-association", "ieee"])
@pytest.mark.parametrize("locale", LOCALES)
def test_the_cli_matches_citeproc_js_on_its_own_export(run, data, style, locale):
    """`avimcite cite --all` against citeproc-js rendering `avimcite export --format csl-json --all`."""
    catalogue = REPO / "data" / "posts.json" if data == "shipped" else CSL / "mine-catalogue.json"
    result = run("--catalogue", str(catalogue), "cite", "--all", "--style", style, "--locale", locale,
                 "--mode", "both", "--accessed", "2026-06-25")  # fmt: skip
    assert result.code == 0, result.err
    # The CLI separates citations from the bibliography by an empty line, the harness by ----.
    assert result.lines == ["" if line == "----" else line for line in golden(data, style, locale)]


def test_golden_inputs_are_what_export_gives_today(run):
    """If the mapping changes, the goldens must be made again (make_golden.sh)."""
    for data, catalogue in (("shipped", REPO / "data" / "posts.json"), ("mine", CSL / "mine-catalogue.json")):
        exported = run("--catalogue", str(catalogue), "export", "--all", "--format", "csl-json", "--accessed", "2026-06-25").out
        items = json.loads(exported)
        for item in items:  # the file's note also has the lines Zotero reads (exporters/csljson.py), not the mapping's
            item["note"] = item["note"].split("\n")[0]
        assert items == json.loads((CSL / "input" / f"{data}.json").read_text(encoding="utf-8"))
