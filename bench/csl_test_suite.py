#!/usr/bin/env python3
"""Run the CSL processor test suite (citation-style-language/test-suite, processor-tests/humans)
through avimcite's engine (its private copy of citeproc-py with avimcite/csl/fixes.py), and through
plain citeproc-py with --plain, on the same runner.

    python bench/csl_test_suite.py [--suite DIR] [--plain] [--json FILE] [--write-failures] [NAME ...]

Every fixture (*.txt) of the folder is run; one the runner cannot run counts as a failure.
The fixtures are read as citeproc-js's test runner (src/test_runner.js) reads them:

* MODE `citation` without CITATION-ITEMS or CITATIONS: one citation of every input item, each
  once, in the registry's order (the bibliography's sort, if the style has one).
* CITATION-ITEMS: each list is one citation (makeCitationCluster): locators, labels, affixes,
  a `position` the fixture gives (0 first .. 3 ibid-with-locator) and `near-note`; a cite
  without one is a first cite. All input items are registered (numbers, disambiguation).
* CITATIONS: calls of processCitationCluster(citation, citationsPre, citationsPost); after
  each call the document is citationsPre + the citation + citationsPost, with the note
  numbers they give, and only the cited items are registered. The result is the document
  after the last call, one line per citation, "[i] " before it and ">>" for a citation the
  last call rendered anew (the one it inserted, or one whose output it changed) or ".." for
  one it left as it was, as citeproc-js's runner prints it.
* MODE `bibliography`: the bibliography (csl-bib-body / csl-entry divs) of the registered items.
* BIBENTRIES, BIBSECTION, ABBREVIATIONS, other modes, and a style or input the runner cannot
  read: not supported by this runner, counted as failures.

Output is HTML, compared with RESULT after the suite's entity spelling (&#38;) is normalised.
Default suite: $CSL_TEST_SUITE, else ../shared/csl-test-suite from the repository's root.

tests/data/csl/test-suite-expected-failures.txt lists the fixtures our engine fails;
tests/test_csl_test_suite.py requires that no other fixture fails (the list may only shrink).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
EXPECTED = REPO / "tests" / "data" / "csl" / "test-suite-expected-failures.txt"
_SECTION = re.compile(r">>=+ ([A-Z0-9-]+) =+>>\n(.*?)\n<<=+ \1 =+<<", re.S)
_UNSUPPORTED = ("BIBENTRIES", "BIBSECTION", "ABBREVIATIONS", "INPUT2")


class Unsupported(Exception):
    """A fixture this runner cannot run (it counts as a failure)."""


def suite_dir(given: str | None = None) -> Path | None:
    """The suite's folder: `given`, $CSL_TEST_SUITE, or ../shared/csl-test-suite beside the
    repository (for a git worktree, also beside its main checkout); None if absent."""
    candidates = [given, os.environ.get("CSL_TEST_SUITE"), str(REPO.parent / "shared" / "csl-test-suite")]
    git = REPO / ".git"
    if git.is_file():  # a worktree: .git names the main checkout's git directory
        text = git.read_text(encoding="utf-8", errors="replace")
        if text.startswith("gitdir:") and "/.git/" in text:
            main = Path(text.split(":", 1)[1].strip().split("/.git/")[0])
            candidates.append(str(main.parent / "shared" / "csl-test-suite"))
    for candidate in candidates:
        if candidate and (Path(candidate) / "processor-tests" / "humans").is_dir():
            return Path(candidate)
    return None


def fixtures(suite: Path) -> list[Path]:
    return sorted((suite / "processor-tests" / "humans").glob("*.txt"))


def parse(path: Path) -> dict[str, str]:
    return {name: body for name, body in _SECTION.findall(path.read_text(encoding="utf-8"))}


def area(name: str) -> str:
    return name.split("_", 1)[0]


def _normalise(text: str) -> str:
    text = text.replace("&#38;", "&amp;").replace("&#60;", "&lt;").replace("&#62;", "&gt;").replace("&#160;", "\u00a0")
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _input(fixture: dict[str, str]) -> list[dict]:
    """The INPUT items as citeproc-js's runner takes them: an item without an id is filed
    under "undefined" (JavaScript's name for the missing value), one without a type has none."""
    items = json.loads(fixture["INPUT"])
    for item in items:
        item.setdefault("id", "undefined")
        item.setdefault("type", "")
    return items


# --- the document of citations a fixture renders ----------------------------------------


def clusters(fixture: dict[str, str]) -> tuple[bool, list[tuple[list[dict], str | None]]]:
    """(tracked, documents): each document is the list of citation clusters after one call,
    in document order, and the id of the cluster the call inserted (None when not tracked:
    one document of separate citations, as CITATION-ITEMS or one citation of every item). A
    cluster is {"id", "note" (int or None), "cites": [cite items as CSL-JSON: id, locator,
    label, prefix, suffix, position, near-note]}. This is the one place a fixture's citations
    are read: a renderer of clusters (the public API's `clusters=`) takes the same lists."""
    if "CITATIONS" in fixture:
        documents, by_id = [], {}
        for citation, before, after in json.loads(fixture["CITATIONS"]):
            cid = citation.get("citationID") or f"CITATION-{len(by_id)}"
            note = (citation.get("properties") or {}).get("noteIndex")
            by_id[cid] = {"id": cid, "note": note, "cites": citation["citationItems"]}
            order = [pid for pid, _ in before] + [cid] + [pid for pid, _ in after]
            for pid, pnote in list(before) + list(after):
                if pid not in by_id:
                    raise Unsupported(f"citationsPre/Post names an unknown citation {pid}")
                by_id[pid] = dict(by_id[pid], note=pnote)
            documents.append(([dict(by_id[pid]) for pid in order], cid))
        return True, documents
    if "CITATION-ITEMS" in fixture:
        groups = json.loads(fixture["CITATION-ITEMS"])
        return False, [([{"id": f"CITATION-{n}", "note": None, "cites": group} for n, group in enumerate(groups)], None)]
    keys = list(dict.fromkeys(str(i["id"]) for i in _input(fixture)))
    return False, [([{"id": "CITATION-0", "note": None, "cites": [{"id": key} for key in keys]}], None)]


def registry_order(fixture: dict[str, str], document: list[dict]) -> list[dict]:
    """The one citation of every item as citeproc-js's runner makes it: each registered item
    once, in the registry's order (the bibliography's sort, if the style has one)."""
    from avimcite.csl.engine import render

    import tempfile

    from avimcite.csl.styles import Style

    keys = [c["id"] for c in document[0]["cites"]]
    with tempfile.NamedTemporaryFile("w", suffix=".csl", delete=False, encoding="utf-8") as handle:
        handle.write(fixture["CSL"])
    try:
        rendered = render(_input(fixture), Style("fixture", Path(handle.name)), None, "bibliography", "html", register=keys, one_line=False)
    finally:
        os.unlink(handle.name)
    order = [key for key in rendered.keys if key in keys] + [key for key in keys if key not in rendered.keys]
    return [dict(document[0], cites=[{"id": key} for key in order])]


def cited_keys(document: list[dict]) -> list[str]:
    """The items a document cites, in the order first cited."""
    keys: list[str] = []
    for cluster in document:
        for cite in cluster["cites"]:
            if str(cite["id"]) not in keys:
                keys.append(str(cite["id"]))
    return keys


# --- rendering --------------------------------------------------------------------------


def render_document(fixture: dict[str, str], registered: list[str] | None, document: list[dict], patched: bool, tracked: bool):
    """(one string per cluster, bibliography entries, one state per cluster) for one document
    of clusters. Our engine: avimcite.csl.engine.render, the function avimcite.csl.render and
    `avimcite cite --clusters` render through (positions, cite sorting, collapsing in
    avimcite.csl.clusters), in HTML, in the style's default-locale."""
    import tempfile

    if not patched:
        return _render_plain(fixture, registered, document)
    from avimcite.csl.engine import render
    from avimcite.csl.styles import Style

    items = _input(fixture)
    mode = "bibliography" if fixture.get("MODE", "").strip() == "bibliography" else "citation"
    with tempfile.NamedTemporaryFile("w", suffix=".csl", delete=False, encoding="utf-8") as handle:
        handle.write(fixture["CSL"])
    try:
        rendered = render(items, Style("fixture", Path(handle.name)), None, mode, "html",
                          clusters=[c["cites"] for c in document], notes=[c["note"] for c in document], document=tracked,
                          register=registered if registered is not None else [str(i["id"]) for i in items], one_line=False,
                          registered_first=not tracked)  # fmt: skip
    finally:
        os.unlink(handle.name)
    if rendered.errors:
        raise rendered.errors[0]
    texts = rendered.citations if mode == "citation" else [""] * len(document)
    states = rendered.states or [()] * len(document)
    return texts, rendered.bibliography, [_state(fixture["CSL"], state) for state in states], _settings(states)


def _state(csl: str, cites) -> tuple:
    """What citeproc-js re-renders a citation for when it changes (its "tainted" citations):
    its cites' positions (in a style that tests them), citation numbers (in a style that
    prints them) and disambiguation (year suffixes; the disambiguation settings apart: see
    _settings)."""
    out = []
    for key, position, near, first_note, number, suffix, _config in cites:
        row = [key]
        if "position=" in csl:
            row += [position, near, first_note]
        if "citation-number" in csl and number is not None:
            row.append(number)
        row.append(suffix)
        out.append(tuple(row))
    return tuple(out)


def _settings(states) -> dict[str, tuple]:
    """Each cited item's disambiguation settings (names, given names, year suffix,
    conditions: the engine states' last field)."""
    return {cite[0]: cite[-1] for cites in states for cite in cites}


def _render_plain(fixture: dict[str, str], registered: list[str] | None, document: list[dict]):
    """Plain citeproc-py 0.11.1, for --plain: its own positions, sorting and layout."""
    import tempfile

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator
    from citeproc.source.json import CiteProcJSON

    from avimcite.csl import markup

    items = _input(fixture)
    with tempfile.NamedTemporaryFile("w", suffix=".csl", delete=False, encoding="utf-8") as handle:
        handle.write(fixture["CSL"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            locale = re.search(r'default-locale="([^"]+)"', fixture["CSL"])
            style = CitationStylesStyle(handle.name, locale=locale[1] if locale else "en-US", validate=False)
            source = CiteProcJSON(items)
            bib = CitationStylesBibliography(style, source, markup.HTML)
            citations = []
            for cluster in document:
                cites = []
                for cite in cluster["cites"]:
                    extra = {k: v for k, v in cite.items() if k in ("prefix", "suffix")}
                    if "locator" in cite:
                        extra["locator"] = Locator(cite.get("label", "page"), str(cite["locator"]))
                    cites.append(CitationItem(str(cite["id"]), **extra))
                citations.append(Citation(cites))
            keys = registered if registered is not None else [str(i["id"]) for i in items]
            bib.register(Citation([CitationItem(k) for k in keys]))
            for citation in citations:
                bib.register(citation)
            if style.has_bibliography():
                bib.sort()
            texts = [str(bib.cite(c, lambda item: None)) for c in citations]
            entries = [str(e) for e in bib.bibliography()] if style.has_bibliography() else []
    finally:
        os.unlink(handle.name)
    return texts, entries, [()] * len(texts), {}


def run_fixture(fixture: dict[str, str], patched: bool) -> str:
    """The fixture's output, as citeproc-js's test runner prints it."""
    mode = fixture.get("MODE", "").strip()
    unsupported = [name for name in _UNSUPPORTED if name in fixture]
    if unsupported:
        raise Unsupported(f"{', '.join(unsupported)} is not supported by this runner")
    if mode not in ("citation", "bibliography"):
        raise Unsupported(f"mode {mode!r} is not supported by this runner")
    tracked, documents = clusters(fixture)
    if patched and not tracked and "CITATION-ITEMS" not in fixture:
        documents = [(registry_order(fixture, documents[0][0]), None)]
    before: dict[str, tuple] = {}
    settings_before: dict[str, tuple] = {}
    for document, inserted in documents:
        texts, entries, states, settings = render_document(fixture, cited_keys(document) if tracked else None, document, patched, tracked)
        if not tracked:
            break
        now = {cluster["id"]: (text, state) for cluster, text, state in zip(document, texts, states)}
        marks = {cid: ">>" if cid == inserted or before.get(cid) != value else ".." for cid, value in now.items()}
        # a cite whose first-reference-note-number changed has every citation of its item
        # re-rendered (citeproc-js's taintedItemIDs)
        moved = {row[0] for cid, (_, state) in now.items() if cid in before and before[cid][1] != state
                 for row in state if len(row) > 3 and row not in before[cid][1]}  # fmt: skip
        # an item whose disambiguation settings changed (more names shown when a new item
        # shares its cite) has every citation of it re-rendered (citeproc-js)
        moved |= {key for key, value in settings.items() if key in settings_before and value != settings_before[key]}
        marks.update({cid: ">>" for cid, (_, state) in now.items() if any(row[0] in moved for row in state)})
        before, settings_before = now, settings
    if mode == "bibliography":
        body = "".join(f'  <div class="csl-entry">{e}</div>\n' for e in entries)
        return f'<div class="csl-bib-body">\n{body}</div>'
    if tracked:
        return "\n".join(f"{marks[c['id']]}[{i}] {t}" for i, (c, t) in enumerate(zip(document, texts)))
    return "\n".join(texts)


def result(path: Path, patched: bool = True) -> dict:
    """One fixture's result: name, area, outcome (pass, fail, error, unsupported), expected, got."""
    fixture = parse(path)
    expected = _normalise(fixture.get("RESULT", ""))
    row = {"name": path.name, "area": area(path.name), "expected": expected}
    try:
        got = _normalise(run_fixture(fixture, patched))
    except Unsupported as exc:
        return dict(row, outcome="unsupported", got=str(exc))
    except Exception as exc:  # noqa: BLE001 - a crash is a failure of the fixture
        return dict(row, outcome="error", got=f"{type(exc).__name__}: {exc}")
    return dict(row, outcome="pass" if got == expected else "fail", got=got)


def outcome(path: Path, patched: bool = True) -> str:
    return result(path, patched)["outcome"]


def run_all(paths: list[Path], patched: bool = True, workers: int = 1) -> list[dict]:
    """Results for `paths`, in order; `workers` > 1 splits them over forked processes."""
    if workers <= 1 or len(paths) < 2 or not hasattr(os, "fork"):
        return [result(p, patched) for p in paths]
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    chunks = [paths[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_run_chunk, chunks, [patched] * workers))
    by_name = {row["name"]: row for part in parts for row in part}
    return [by_name[p.name] for p in paths]


def _run_chunk(paths: list[Path], patched: bool) -> list[dict]:
    return [result(p, patched) for p in paths]


def expected_failures() -> set[str]:
    return {line.strip() for line in EXPECTED.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}


def _by_area(rows: list[dict]) -> dict[str, tuple[int, int]]:
    total, passed = Counter(r["area"] for r in rows), Counter(r["area"] for r in rows if r["outcome"] == "pass")
    return {a: (passed[a], total[a]) for a in sorted(total, key=lambda a: (-(total[a] - passed[a]), a))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", help="a checkout of citation-style-language/test-suite (default: $CSL_TEST_SUITE or ../shared/csl-test-suite)")
    parser.add_argument("--plain", action="store_true", help="also run plain citeproc-py (in a fresh process)")
    parser.add_argument("--json", metavar="FILE", help="write one result per fixture (name, area, outcome, expected, got)")
    parser.add_argument("--write-failures", action="store_true", help=f"write {EXPECTED.relative_to(REPO)}")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--engine", choices=("ours", "plain"), default="ours", help=argparse.SUPPRESS)
    parser.add_argument("names", nargs="*", help="run only fixtures whose name contains one of these")
    args = parser.parse_args()
    suite = suite_dir(args.suite)
    if suite is None:
        print("csl_test_suite: no suite found (give --suite or set CSL_TEST_SUITE)", file=sys.stderr)
        return 2
    paths = [p for p in fixtures(suite) if not args.names or any(n.lower() in p.name.lower() for n in args.names)]
    rows = run_all(paths, patched=args.engine == "ours", workers=args.workers)
    if args.engine == "plain":  # internal: the plain engine's results, as JSON on stdout
        json.dump([{k: r[k] for k in ("name", "outcome")} for r in rows], sys.stdout)
        return 0
    passed = sum(r["outcome"] == "pass" for r in rows)
    print(f"{len(rows)} fixtures: avimcite passes {passed} ({100 * passed / max(1, len(rows)):.1f}%)")
    outcomes = Counter(r["outcome"] for r in rows)
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    plain = {}
    if args.plain:
        out = subprocess.run([sys.executable, __file__, "--suite", str(suite), "--engine", "plain", "--workers", str(args.workers), *args.names],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        plain = {r["name"]: r["outcome"] for r in json.loads(out)}
        print(f"plain citeproc-py passes {sum(v == 'pass' for v in plain.values())}")
    print(f"{'area':<16}{'avimcite':>12}" + (f"{'plain':>8}" if plain else ""))
    for name, (ok, total) in _by_area(rows).items():
        line = f"{name:<16}{ok:>6} / {total:<4}"
        if plain:
            line += f"{sum(1 for r in rows if r['area'] == name and plain.get(r['name']) == 'pass'):>6}"
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.write_failures:
        failures = sorted(r["name"] for r in rows if r["outcome"] != "pass")
        EXPECTED.write_text("# CSL test-suite fixtures (processor-tests/humans) our engine fails: bench/csl_test_suite.py.\n"
                            "# tests/test_csl_test_suite.py: no other fixture may fail, and this list may only shrink.\n"
                            + "".join(f"{n}\n" for n in failures), encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
