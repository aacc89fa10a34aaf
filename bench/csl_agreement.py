#!/usr/bin/env python3
"""How often avimcite's CSL output equals citeproc-js (Zotero's engine), line by line.

Draws a seeded random sample of independent styles (the eight tuned ones excluded),
renders two catalogues (the shipped one, and tests/data/csl/mine-catalogue.json:
Turkish names, authorless posts, same author and year, reposts) in en-US and tr-TR,
citations and bibliography, with avimcite and with citeproc-js through the shared
harness (../shared/tools/csl-reference/render_citeprocjs.js), and reports the share
of identical lines per mode, plus plain citeproc-py's share when --plain is given.

    CITEPROC_JS_DIR=/path/with/node_modules/citeproc python bench/csl_agreement.py [--n 100] [--seed 9]
        [--styles a,b] [--out results.json] [--show-diffs 3] [--locales de-DE,fr-FR]

Also `--smoke`: render every shipped post with every independent style in both modes
(no citeproc-js), and report every style that raises.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HARNESS = Path(os.environ.get("HARNESS", REPO.parent / "shared" / "tools" / "csl-reference"))
TUNED = {"apa", "chicago-author-date", "chicago-notes-bibliography", "modern-language-association",
         "harvard-cite-them-right", "ieee", "nlm-citation-sequence", "turabian-author-date",
         "chicago-author-date-17th-edition"}  # fmt: skip
LOCALES = ("en-US", "tr-TR")
ACCESSED = date(2026, 6, 25)


def independent_styles() -> list[str]:
    from avimcite.csl.styles import style_ids

    return sorted(style_ids()[0])


def catalogues() -> dict[str, list[dict]]:
    """CSL-JSON of each catalogue, as `avimcite export --all --format csl-json --accessed 2026-06-25`."""
    out = {}
    for name, path in (("shipped", REPO / "data" / "posts.json"), ("mine", REPO / "tests" / "data" / "csl" / "mine-catalogue.json")):
        done = subprocess.run([sys.executable, "-m", "avimcite", "--catalogue", str(path), "export", "--all",
                               "--format", "csl-json", "--accessed", ACCESSED.isoformat()],
                              cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
        out[name] = json.loads(done.stdout)
    return out


def ours(items: list[dict], style_id: str, locale: str) -> tuple[list[str], list[str]] | str:
    from avimcite.csl.engine import render
    from avimcite.csl.styles import resolve_style

    try:
        result = render(items, resolve_style(style_id), locale, "both", "text")
    except Exception as exc:  # noqa: BLE001 - a crash is a result here
        return f"{type(exc).__name__}: {exc}"
    if result.failures:  # an entry the engine could not render is a crash of that style
        key, what = result.failures[0]
        return f"{len(result.failures)} entries failed, first {key}: {what}"
    return result.citations, result.bibliography


def plain(items_file: str, style_file: str, locale: str) -> tuple[list[str], list[str]] | str:
    done = subprocess.run([sys.executable, str(HARNESS / "render_citeprocpy.py"), items_file, style_file, locale, "--mode", "both"],
                          capture_output=True, text=True)  # fmt: skip
    return _split(done.stdout) if done.returncode == 0 else done.stderr.strip()[-200:]


def reference(items_file: str, style_file: str, locale: str) -> tuple[list[str], list[str]] | str:
    """citeproc-js's lines; kept in $CSL_REF_CACHE (when set) by input, style and locale."""
    cache = os.environ.get("CSL_REF_CACHE")
    if cache:
        import hashlib

        digest = hashlib.sha256(Path(items_file).read_bytes() + Path(style_file).read_bytes() + locale.encode()).hexdigest()
        hit = Path(cache) / f"{digest}.json"
        if hit.exists():
            value = json.loads(hit.read_text(encoding="utf-8"))
            return value if isinstance(value, str) else tuple(value)
        value = _reference(items_file, style_file, locale)
        Path(cache).mkdir(parents=True, exist_ok=True)
        hit.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return value
    return _reference(items_file, style_file, locale)


def _reference(items_file: str, style_file: str, locale: str) -> tuple[list[str], list[str]] | str:
    env = dict(os.environ)
    env.setdefault("CSL_LOCALES_DIR", str(Path(__import__("citeproc").__file__).parent / "data" / "locales"))
    done = subprocess.run(["node", str(HARNESS / "render_citeprocjs.js"), items_file, style_file, locale, "--mode", "both"],
                          capture_output=True, text=True, env=env)  # fmt: skip
    return _split(done.stdout) if done.returncode == 0 else done.stderr.strip()[-200:]


def _split(text: str) -> tuple[list[str], list[str]]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    at = lines.index("----") if "----" in lines else len(lines)
    return lines[:at], lines[at + 1 :]


def compare(mine, theirs) -> tuple[int, int, int, int, list[tuple[str, str]]]:
    """(citation lines equal, of, bibliography lines equal, of, first differences)."""
    if isinstance(theirs, str):
        return 0, 0, 0, 0, []
    if isinstance(mine, str):
        return 0, len(theirs[0]), 0, len(theirs[1]), [("CRASH", mine)]
    diffs, counts = [], []
    for a, b in zip(mine, theirs):
        if not a and all(not y or y.startswith("!! NO BIBLIOGRAPHY") for y in b):  # a note style without one
            counts += [0, 0]
            continue
        same = sum(x == y for x, y in zip(a, b))
        counts += [same, max(len(a), len(b))]
        diffs += [(y, x) for x, y in zip(a, b) if x != y]
    return counts[0], counts[1], counts[2], counts[3], diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--styles", help="comma-separated style ids instead of a sample")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--plain", action="store_true", help="also measure plain citeproc-py")
    parser.add_argument("--show-diffs", type=int, default=0, help="print this many differing lines per style")
    parser.add_argument("--smoke", action="store_true", help="every independent style, shipped posts, no reference")
    parser.add_argument("--locales", default=",".join(LOCALES),
                        help=f"comma-separated locales to render in (default: {','.join(LOCALES)}; e.g. de-DE,fr-FR)")
    args = parser.parse_args()
    locales = tuple(args.locales.split(","))
    from avimcite.csl.styles import resolve_style

    data = catalogues()
    if args.smoke:
        return smoke(data["shipped"])
    all_styles = independent_styles()
    if args.styles:
        sample = args.styles.split(",")
    else:
        sample = random.Random(args.seed).sample([s for s in all_styles if s not in TUNED], args.n)
    tmp = Path(tempfile.mkdtemp())
    files = {}
    for name, items in data.items():
        files[name] = tmp / f"{name}.json"
        files[name].write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    jobs = [(s, loc, name) for s in sample for loc in locales for name in data]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        refs = list(pool.map(lambda j: reference(str(files[j[2]]), str(resolve_style(j[0]).path), j[1]), jobs))
        plains = list(pool.map(lambda j: plain(str(files[j[2]]), str(resolve_style(j[0]).path), j[1]), jobs)) if args.plain else None
    totals = {"ours": [0, 0, 0, 0], "plain": [0, 0, 0, 0]}
    per_style: dict[str, list[int]] = {}
    crashes = []
    for index, ((style, locale, name), ref) in enumerate(zip(jobs, refs)):
        mine = ours(data[name], style, locale)
        if isinstance(mine, str):
            crashes.append(f"{style} {locale} {name}: {mine}")
        c, cn, b, bn, diffs = compare(mine, ref)
        row = per_style.setdefault(style, [0, 0, 0, 0])
        for i, v in enumerate((c, cn, b, bn)):
            row[i] += v
            totals["ours"][i] += v
        if plains is not None:
            pc, pcn, pb, pbn, _ = compare(plains[index], ref)
            for i, v in enumerate((pc, pcn, pb, pbn)):
                totals["plain"][i] += v
        if args.show_diffs and diffs:
            print(f"== {style} {locale} {name}")
            for want, got in diffs[: args.show_diffs]:
                print(f"  js:  {want}\n  us:  {got}")

    def pct(a, b):
        return 100.0 * a / b if b else 100.0

    t = totals["ours"]
    exact = sum(1 for r in per_style.values() if r[0] == r[1] and r[2] == r[3])
    report = {
        "styles": len(sample), "seed": args.seed, "locales": locales, "catalogues": list(data),
        "citation_lines": [t[0], t[1], round(pct(t[0], t[1]), 1)],
        "bibliography_lines": [t[2], t[3], round(pct(t[2], t[3]), 1)],
        "styles_all_lines_equal": exact, "crashes": crashes,
        "per_style": {s: [round(pct(r[0], r[1]), 1), round(pct(r[2], r[3]), 1)] for s, r in per_style.items()},
    }  # fmt: skip
    if plains is not None:
        p = totals["plain"]
        report["plain_citeproc_py"] = {"citation": round(pct(p[0], p[1]), 1), "bibliography": round(pct(p[2], p[3]), 1)}
    worst = sorted(per_style.items(), key=lambda kv: pct(kv[1][0], kv[1][1]) + pct(kv[1][2], kv[1][3]))[:15]
    print(f"{len(sample)} styles x {len(locales)} locales x {len(data)} catalogues")
    print(f"citation lines identical to citeproc-js:     {t[0]}/{t[1]} = {pct(t[0], t[1]):.1f}%")
    print(f"bibliography lines identical to citeproc-js: {t[2]}/{t[3]} = {pct(t[2], t[3]):.1f}%")
    if plains is not None:
        print(f"plain citeproc-py: citation {report['plain_citeproc_py']['citation']}%, bibliography {report['plain_citeproc_py']['bibliography']}%")
    print(f"styles with every line equal: {exact}/{len(sample)}; crashes: {len(crashes)}")
    for style, r in worst:
        print(f"  {style}: citation {pct(r[0], r[1]):.0f}%, bibliography {pct(r[2], r[3]):.0f}%")
    for line in crashes[:10]:
        print("  CRASH", line)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def smoke(items: list[dict]) -> int:
    """Every independent style renders every shipped post in both modes, or is named."""
    failures = 0
    styles = independent_styles()
    for style in styles:
        result = ours(items, style, "en-US")
        if isinstance(result, str):
            failures += 1
            print(f"{style}: {result}")
    print(f"{len(styles)} independent styles, {failures} raised")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
