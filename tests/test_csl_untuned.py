"""Styles we never tuned, against citeproc-js: every line equal.

Golden files: tests/data/csl/golden-untuned, made by citeproc-js through the shared harness
(tests/data/csl/make_golden_untuned.sh); never from our output. The styles come from the seeded
sample of bench/csl_agreement.py, which measures the whole sample against citeproc-js.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from avimcite.csl.engine import render
from avimcite.csl.styles import resolve_style

CSL = Path(__file__).parent / "data" / "csl"
STYLES = (CSL / "untuned-styles.txt").read_text(encoding="utf-8").split()


@pytest.mark.parametrize("name", ["shipped", "mine"])
@pytest.mark.parametrize("locale", ["en-US", "tr-TR"])
@pytest.mark.parametrize("style", STYLES)
def test_untuned_style_equals_citeproc_js(style, locale, name):
    items = json.loads((CSL / "input" / f"{name}.json").read_text(encoding="utf-8"))
    lines = (CSL / "golden-untuned" / name / style / f"{locale}.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if line != "!! NO BIBLIOGRAPHY in style"]  # a note style without one prints none
    at = lines.index("----")
    result = render(items, resolve_style(style), locale, "both", "text")
    ours = result.citations + ["----"] + result.bibliography
    assert len(ours) == len(lines) and ours[at] == "----"
    differing = {f"{name}/{style}/{locale}:{n}" for n, (want, got) in enumerate(zip(lines, ours)) if want != got}
    listed = {key for key in KNOWN if key.startswith(f"{name}/{style}/{locale}:")}
    assert differing == listed  # a new difference, or a listed one that is gone (known_differences_untuned.txt)


KNOWN = {line.split()[0] for line in (CSL / "known_differences_untuned.txt").read_text(encoding="utf-8").splitlines()
         if line.strip() and not line.startswith("#")}  # fmt: skip


def test_one_entry_the_engine_cannot_render_does_not_take_the_others_down(run, write_catalogue, monkeypatch):
    from conftest import post_record

    path = write_catalogue([post_record(number=1, title="GOOD ONE", url="https://avim.org.tr/Blog/1"),
                            post_record(number=2, title="BAD ONE", url="https://avim.org.tr/Blog/2"),
                            post_record(number=3, title="GOOD TWO", url="https://avim.org.tr/Blog/3")])  # fmt: skip
    from avimcite.csl._citeproc import model  # avimcite's private copy: `citeproc` stays untouched

    original = model.Text._variable

    def explode(self, item, context):
        if "BAD" in str(item.reference.get("title", "")):
            raise RuntimeError("boom")
        return original(self, item, context)

    monkeypatch.setattr(model.Text, "_variable", explode)
    result = run("--catalogue", str(path), "cite", "--all", "--style", "apa", "--accessed", "2026-06-25")
    assert result.code == 9  # ExitCode.RENDER: the style, not the catalogue
    assert len(result.lines) == 2 and all("GOOD" in line for line in result.lines)
    assert result.err.count("\n") == 1 and "could not render the post" in result.err and "RuntimeError: boom" in result.err
    assert "<text" in result.err  # the CSL element that failed


RULES = CSL / "rules"
MANIFEST = [line.split() for line in (RULES / "manifest.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("rule", MANIFEST, ids=[m[0] for m in MANIFEST])
def test_one_csl_rule_as_citeproc_js_applies_it(rule):
    """Minimal styles, one rule each (names as in citeproc_fixes.py), against citeproc-js."""
    import re

    from avimcite.csl.styles import Style

    style, items, fmt = (rule + ["html"])[:3]
    data = json.loads((RULES / f"{items}.json").read_text(encoding="utf-8"))
    golden = (RULES / f"{style}.{fmt}").read_text(encoding="utf-8")
    if fmt == "html":
        want = [re.sub(r"&#(\d+);", lambda m: {"60": "&lt;", "62": "&gt;", "38": "&amp;"}[m[1]], w)
                for w in re.findall(r'<div class="csl-entry">(.*?)</div>', golden)]  # fmt: skip
    else:
        want = golden.splitlines()
    result = render(data, Style(id=style, path=RULES / f"{style}.csl", default_locale=None), "en-US", "bibliography", fmt)
    assert result.bibliography == want


@pytest.mark.parametrize("style", ["apa", "modern-language-association"])  # MLA: subsequent-author-substitute
def test_a_long_bibliography_on_two_cores_is_the_same_as_on_one(monkeypatch, style):
    """Above PARALLEL_MIN_ENTRIES a forked child renders half of the entries; the output must be
    byte-identical to one process's, entry failures included."""
    from avimcite.csl import fixes as citeproc_fixes

    base = json.loads((CSL / "input" / "mine.json").read_text(encoding="utf-8"))
    items = []
    for n in range(citeproc_fixes.PARALLEL_MIN_ENTRIES + 20):
        item = dict(base[n % len(base)], id=f"item{n}", title=f"{base[n % len(base)]['title']} {n}")
        items.append(item)
    results = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("AVIMCITE_WORKERS", workers)
        rendered = render(items, resolve_style(style), "tr-TR", "both", "text")
        results[workers] = (rendered.citations, rendered.bibliography, rendered.failures)
    assert len(results["2"][1]) == len(items)
    assert results["1"] == results["2"]
    if style == "modern-language-association":
        assert sum(entry.startswith("———") for entry in results["2"][1]) > 100
