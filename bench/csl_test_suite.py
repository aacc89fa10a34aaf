#!/usr/bin/env python3
"""Run the CSL processor test suite (citation-style-language/test-suite, processor-tests/humans)
through avimcite's engine (citeproc-py + avimcite/csl/fixes.py) and through
plain citeproc-py, on the same runner.

    python bench/csl_test_suite.py --suite /path/to/test-suite [--plain] [--write-failures]

Supported fixtures: mode `citation` or `bibliography`, input items, optional CITATION-ITEMS
(one citation per list, locators and affixes); fixtures with CITATIONS (citation clusters
with note positions), BIBSECTION, BIBENTRIES or ABBREVIATIONS, or another mode, are skipped.
Output is HTML, compared with RESULT after the suite's entity spelling (&#38;) is normalised.

tests/data/csl/test-suite-expected-failures.txt lists the supported fixtures our engine fails;
tests/test_csl_test_suite.py requires that no other fixture fails (the list may only shrink)
when CSL_TEST_SUITE points at a checkout of the suite.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
EXPECTED = REPO / "tests" / "data" / "csl" / "test-suite-expected-failures.txt"
_SECTION = re.compile(r">>=+ ([A-Z-]+) =+>>\n(.*?)\n<<=+ \1 =+<<", re.S)
_UNSUPPORTED = {"CITATIONS", "BIBSECTION", "BIBENTRIES", "ABBREVIATIONS"}


def parse(path: Path) -> dict[str, str]:
    return {name: body for name, body in _SECTION.findall(path.read_text(encoding="utf-8"))}


def supported(fixture: dict[str, str]) -> bool:
    return fixture.get("MODE", "").strip() in ("citation", "bibliography") and not (_UNSUPPORTED & set(fixture))


def _normalise(text: str) -> str:
    text = text.replace("&#38;", "&amp;").replace("&#60;", "&lt;").replace("&#62;", "&gt;").replace("&#160;", "\u00a0")
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _cite_item(cite: dict, package="avimcite.csl._citeproc"):
    import importlib

    CitationItem, Locator = (getattr(importlib.import_module(package), n) for n in ("CitationItem", "Locator"))

    extra = {k: v for k, v in cite.items() if k in ("prefix", "suffix")}
    if "locator" in cite:
        extra["locator"] = Locator(cite.get("label", "page"), str(cite["locator"]))
    return CitationItem(str(cite["id"]), **extra)


def run_fixture(fixture: dict[str, str], patched: bool) -> str:
    """The fixture's output from citeproc-py (with our fixes when `patched`)."""
    import tempfile

    import importlib

    # our engine is avimcite's private copy of citeproc-py (avimcite.csl._citeproc); plain is `citeproc`
    package = "avimcite.csl._citeproc" if patched else "citeproc"
    cp = importlib.import_module(package)
    Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle = (
        cp.Citation, cp.CitationItem, cp.CitationStylesBibliography, cp.CitationStylesStyle)
    CiteProcJSON = importlib.import_module(package + ".source.json").CiteProcJSON

    from avimcite.csl import markup

    if patched:
        from avimcite.csl import fixes as citeproc_fixes

        citeproc_fixes.begin_render("html")
    items = json.loads(fixture["INPUT"])
    with tempfile.NamedTemporaryFile("w", suffix=".csl", delete=False, encoding="utf-8") as handle:
        handle.write(fixture["CSL"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        locale = re.search(r'default-locale="([^"]+)"', fixture["CSL"])
        style = CitationStylesStyle(handle.name, locale=locale[1] if locale else "en-US", validate=False)
        if patched:
            citeproc_fixes.decode_character_references(style.root)
        source = CiteProcJSON(items)
        bib = CitationStylesBibliography(style, source, markup.HTML)
        if "CITATION-ITEMS" in fixture:
            groups = json.loads(fixture["CITATION-ITEMS"])
            citations = [Citation([_cite_item(c, package) for c in group]) for group in groups]
        else:
            citations = [Citation([CitationItem(str(i["id"])) for i in items])]
        for citation in citations:
            bib.register(citation)
        if patched:  # our engine's sorting and disambiguation, as render() runs them
            from avimcite.csl.engine import settle

            settle(style, bib, source, [str(i["id"]) for i in items])
        if fixture["MODE"].strip() == "bibliography":
            if not patched and style.has_bibliography():
                bib.sort()
            entries = [str(e) for e in bib.bibliography()]
            body = "".join(f'  <div class="csl-entry">{e}</div>\n' for e in entries)
            return f'<div class="csl-bib-body">\n{body}</div>'
        return "\n".join(str(bib.cite(c, lambda item: None)) for c in citations)


def outcome(path: Path, patched: bool) -> str:
    fixture = parse(path)
    try:
        got = run_fixture(fixture, patched)
    except Exception as exc:  # noqa: BLE001 - a crash is a failure of the fixture
        return f"error {type(exc).__name__}"
    return "pass" if _normalise(got) == _normalise(fixture.get("RESULT", "")) else "fail"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", required=True, help="a checkout of citation-style-language/test-suite")
    parser.add_argument("--plain", action="store_true", help="also run plain citeproc-py (in a subprocess)")
    parser.add_argument("--write-failures", action="store_true", help=f"write {EXPECTED.relative_to(REPO)}")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one fixture unpatched
    args = parser.parse_args()
    folder = Path(args.suite) / "processor-tests" / "humans"
    if args.one:
        print(outcome(folder / args.one, patched=False))
        return 0
    fixtures = sorted(folder.glob("*.txt"))
    chosen = [f for f in fixtures if supported(parse(f))]
    ours = {f.name: outcome(f, patched=True) for f in chosen}
    failures = sorted(name for name, result in ours.items() if result != "pass")
    print(f"{len(fixtures)} fixtures; {len(chosen)} supported by this runner")
    print(f"avimcite: {len(chosen) - len(failures)} pass, {len(failures)} fail")
    if args.plain:
        plain = {f.name: subprocess.run([sys.executable, __file__, "--suite", args.suite, "--one", f.name],
                                        capture_output=True, text=True).stdout.strip() for f in chosen}  # fmt: skip
        passed = sum(1 for r in plain.values() if r == "pass")
        print(f"plain citeproc-py: {passed} pass, {len(chosen) - passed} fail")
    if args.write_failures:
        EXPECTED.write_text("# Supported CSL test-suite fixtures our engine fails (bench/csl_test_suite.py).\n"
                            "# This list may only shrink.\n" + "".join(f"{n}\n" for n in failures), encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
