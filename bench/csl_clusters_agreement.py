#!/usr/bin/env python3
"""How often avimcite's citation clusters equal citeproc-js's, line by line, on styles and
cluster documents nobody tuned.

Generates seeded random cluster documents (10-20 clusters: the previous item again for ibid,
locators of several labels or none, several cites a cluster, prefixes and suffixes,
suppress-author, author-only, items cited again far apart for subsequent and far-note, items of
the same author or the same year together for year suffixes and disambiguation) over the
shipped catalogue and tests/data/csl/mine-catalogue.json (CSL-JSON as `avimcite --catalogue X
export --all -f csl-json --accessed 2026-06-25` prints it), draws a seeded sample of
independent styles of each class (note styles, half of them with ibid; numeric; author-date;
never the styles of tests/data/csl/cluster-styles.txt), renders every document in every style
with `avimcite.csl.render` (and, for a few, with `avimcite cite --clusters`) and with
citeproc-js through the shared harness (render_citeprocjs.js --clusters --mode both), and
reports the share of identical lines per style and in all.

    CITEPROC_JS_DIR=... python bench/csl_clusters_agreement.py [--per-class 16] [--seed 7]
        [--documents 2] [--styles a,b] [--cli 4] [--show-diffs 3] [--cache DIR] [--out r.json]
        [--write-documents DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HARNESS = Path(os.environ.get("HARNESS", REPO.parent / "shared" / "tools" / "csl-reference"))
ACCESSED = "2026-06-25"
CATALOGUES = {"shipped": REPO / "data" / "posts.json", "mine": REPO / "tests" / "data" / "csl" / "mine-catalogue.json"}
LABELS = ("page", "paragraph", "section", "chapter", "figure", "note", "volume")
LOCATORS = ("4", "12", "33-35", "7, 9", "iii", "120")
PREFIXES = ("see ", "cf. ", "e.g., ", "see also ", "quoted in ")
SUFFIXES = (", emphasis added", ", and elsewhere", " (discussing it)", ", n. 2")


# -- documents ---------------------------------------------------------------------------------

def _first_name(item: dict) -> str:
    names = item.get("author") or item.get("editor") or []
    if not names:
        return "(none)"
    return names[0].get("family") or names[0].get("literal") or "(none)"


def _year(item: dict) -> int | None:
    parts = (item.get("issued") or {}).get("date-parts") or [[None]]
    return parts[0][0] if parts and parts[0] else None


def _cite(rng: random.Random, item_id: str, *, affixes: bool = True) -> dict:
    cite: dict = {"id": item_id}
    if rng.random() < 0.45:
        cite["locator"] = rng.choice(LOCATORS)
        cite["label"] = rng.choice(LABELS)
    if affixes and rng.random() < 0.15:
        cite["prefix"] = rng.choice(PREFIXES)
    if affixes and rng.random() < 0.12:
        cite["suffix"] = rng.choice(SUFFIXES)
    return cite


def document(rng: random.Random, items: list[dict]) -> list[list[dict]]:
    """10-20 clusters over `items`, mixing the cases a paper has (see the module docstring)."""
    ids = [str(item["id"]) for item in items]
    by_author: dict[str, list[str]] = {}
    by_year: dict[object, list[str]] = {}
    for item in items:
        by_author.setdefault(_first_name(item), []).append(str(item["id"]))
        by_year.setdefault(_year(item), []).append(str(item["id"]))
    groups = [g for g in list(by_author.values()) + list(by_year.values()) if len(g) > 1]
    clusters: list[list[dict]] = []
    early: list[str] = []
    for n in range(rng.randint(10, 20)):
        roll = rng.random()
        previous = clusters[-1] if clusters else None
        if previous and len(previous) == 1 and roll < 0.25:  # the same item again: ibid
            cluster = [_cite(rng, previous[0]["id"])]
        elif roll < 0.45 and groups:  # same author or same year side by side
            group = rng.choice(groups)
            cluster = [_cite(rng, i) for i in rng.sample(group, min(len(group), rng.randint(2, 3)))]
        elif roll < 0.6:  # several unrelated cites
            cluster = [_cite(rng, i) for i in rng.sample(ids, min(len(ids), rng.randint(2, 4)))]
        elif roll < 0.72 and early and n > 6:  # an item cited long ago
            cluster = [_cite(rng, rng.choice(early))]
        else:
            cluster = [_cite(rng, rng.choice(ids))]
        if rng.random() < 0.1 and len(cluster) == 1 and previous:  # the same item twice in one cluster
            cluster.append(_cite(rng, cluster[0]["id"], affixes=False))
        if rng.random() < 0.1:
            rng.choice(cluster)["suppress-author"] = True
        elif rng.random() < 0.05 and len(cluster) == 1:
            cluster[0]["author-only"] = True
        if n < 5:
            early += [c["id"] for c in cluster]
        clusters.append(cluster)
    return clusters


# -- styles ------------------------------------------------------------------------------------

_FORMAT = re.compile(rb'citation-format="([a-z-]+)"')


def style_classes() -> dict[str, list[str]]:
    """Independent styles by class: note-ibid, note, numeric, author-date (file order)."""
    from avimcite.csl.styles import _styles_dir, style_ids

    base = _styles_dir()
    out: dict[str, list[str]] = {"note-ibid": [], "note": [], "numeric": [], "author-date": []}
    for style in sorted(style_ids()[0]):
        text = (base / f"{style}.csl").read_bytes()
        found = _FORMAT.search(text)
        kind = found[1].decode() if found else ""
        if kind == "note":
            out["note-ibid" if b'position="ibid' in text else "note"].append(style)
        elif kind in out:
            out[kind].append(style)
    return out


def sample_styles(rng: random.Random, per_class: int) -> list[str]:
    tuned = set((REPO / "tests" / "data" / "csl" / "cluster-styles.txt").read_text(encoding="utf-8").split())
    classes = {k: [s for s in v if s not in tuned] for k, v in style_classes().items()}
    half = per_class // 2
    picked = rng.sample(classes["note-ibid"], half) + rng.sample(classes["note"], per_class - half)
    picked += rng.sample(classes["numeric"], per_class) + rng.sample(classes["author-date"], per_class)
    return picked


# -- rendering ---------------------------------------------------------------------------------

def catalogues() -> dict[str, list[dict]]:
    out = {}
    for name, path in CATALOGUES.items():
        done = subprocess.run([sys.executable, "-m", "avimcite", "--catalogue", str(path), "export", "--all",
                               "-f", "csl-json", "--accessed", ACCESSED],
                              cwd=REPO, capture_output=True, text=True, check=True)  # fmt: skip
        out[name] = json.loads(done.stdout)
    return out


def reference(items_file: Path, style_file: Path, clusters_file: Path, cache: Path | None) -> list[str]:
    key = hashlib.sha256(items_file.read_bytes() + style_file.read_bytes() + clusters_file.read_bytes()).hexdigest()
    hit = cache / f"{key}.json" if cache else None
    if hit and hit.exists():
        return json.loads(hit.read_text(encoding="utf-8"))
    env = dict(os.environ)
    env.setdefault("CSL_LOCALES_DIR", str(Path(__import__("citeproc").__file__).parent / "data" / "locales"))
    done = subprocess.run(["node", str(HARNESS / "render_citeprocjs.js"), str(items_file), str(style_file), "en-US",
                           "--mode", "both", "--clusters", str(clusters_file)],
                          capture_output=True, text=True, env=env)  # fmt: skip
    lines = done.stdout.rstrip("\n").split("\n") if done.returncode == 0 else ["!! HARNESS " + done.stderr.strip()[-200:]]
    if hit:
        cache.mkdir(parents=True, exist_ok=True)
        hit.write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    return lines


def ours(items: list[dict], style: str, clusters: list[list[dict]]) -> list[str]:
    from avimcite.csl import render

    try:
        result = render(items, style, locale="en-US", clusters=clusters, mode="both")
    except Exception as exc:  # noqa: BLE001 - a crash is a result here
        return [f"!! CRASH {type(exc).__name__}: {exc}"]
    return [" ".join(line.split()) for line in result.citations] + ["----"] + [" ".join(line.split()) for line in result.bibliography]


def cli(catalogue: Path, style: str, clusters_file: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "avimcite", "--catalogue", str(catalogue), "cite", "--clusters",
                           str(clusters_file), "--style", style, "--locale", "en-US", "--accessed", ACCESSED,
                           "--mode", "both"], cwd=REPO, capture_output=True, text=True)  # fmt: skip
    if done.returncode not in (0,):
        return [f"!! EXIT {done.returncode}: {done.stderr.strip()[-200:]}"]
    # the output's last newline only: `--mode both` with no bibliography ends in its blank line
    text = done.stdout[:-1] if done.stdout.endswith("\n") else done.stdout
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return ["----" if not line else line for line in lines]


def compare(mine: list[str], theirs: list[str]) -> tuple[int, int, list[tuple[int, str, str]]]:
    """(lines equal, lines, differences): citations and bibliography, the ---- line not counted;
    a style without a bibliography (citeproc-js's "!! NO BIBLIOGRAPHY") counts its citations only."""
    if theirs and theirs[0].startswith("!! HARNESS"):
        return 0, 0, []
    theirs = [line for line in theirs if not line.startswith("!! NO BIBLIOGRAPHY")]
    same, diffs = 0, []
    total = max(len(mine), len(theirs)) - (1 if "----" in theirs else 0)
    for number in range(max(len(mine), len(theirs))):
        want = theirs[number] if number < len(theirs) else "(none)"
        got = mine[number] if number < len(mine) else "(none)"
        if want == "----" and got == "----":
            continue
        if want == got:
            same += 1
        else:
            diffs.append((number, want, got))
    return same, total, diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-class", type=int, default=16, help="styles of each class (note, numeric, author-date)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--documents", type=int, default=2, help="documents per catalogue")
    parser.add_argument("--styles", help="comma-separated style ids instead of a sample")
    parser.add_argument("--cli", type=int, default=4, help="style x document pairs also run through `avimcite cite`")
    parser.add_argument("--show-diffs", type=int, default=0, help="differing lines to print per style and document")
    parser.add_argument("--cache", type=Path, default=os.environ.get("CSL_REF_CACHE"), help="citeproc-js results kept here")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--write-documents", type=Path, help="write the documents and items here and stop")
    args = parser.parse_args()
    from avimcite.csl.styles import resolve_style

    rng = random.Random(args.seed)
    data = catalogues()
    documents = {}
    for name, items in data.items():
        for k in range(args.documents):
            documents[f"{name}-{k}"] = (name, document(rng, items))
    styles = args.styles.split(",") if args.styles else sample_styles(rng, args.per_class)
    tmp = Path(args.write_documents or tempfile.mkdtemp())
    tmp.mkdir(parents=True, exist_ok=True)
    for name, items in data.items():
        (tmp / f"{name}.json").write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    for doc, (_, clusters) in documents.items():
        (tmp / f"{doc}.clusters.json").write_text(json.dumps(clusters, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.write_documents:
        print(f"{len(documents)} documents in {tmp}")
        return 0
    per_style: dict[str, list[int]] = {}
    total = [0, 0]
    cli_runs = [0, 0, 0]  # runs, lines equal to render(), lines
    pairs = [(s, d) for s in styles for d in documents]
    cli_pairs = set(random.Random(args.seed + 1).sample(pairs, min(args.cli, len(pairs))))
    for style, doc in pairs:
        name, clusters = documents[doc]
        path = resolve_style(style).path
        theirs = reference(tmp / f"{name}.json", path, tmp / f"{doc}.clusters.json", args.cache)
        mine = ours(data[name], style, clusters)
        same, count, diffs = compare(mine, theirs)
        row = per_style.setdefault(style, [0, 0])
        row[0] += same
        row[1] += count
        total[0] += same
        total[1] += count
        if (style, doc) in cli_pairs:
            by_cli = cli(CATALOGUES[name], style, tmp / f"{doc}.clusters.json")
            cli_runs[0] += 1
            cli_runs[1] += sum(a == b for a, b in zip(by_cli, mine))
            cli_runs[2] += max(len(by_cli), len(mine))
        if args.show_diffs and diffs:
            print(f"== {style} {doc}")
            for number, want, got in diffs[: args.show_diffs]:
                print(f"  [{number}] js: {want}\n  [{number}] us: {got}")

    def pct(a, b):
        return 100.0 * a / b if b else 100.0

    print(f"{len(styles)} styles x {len(documents)} documents (seed {args.seed})")
    print(f"lines identical to citeproc-js: {total[0]}/{total[1]} = {pct(*total):.2f}%")
    if cli_runs[0]:
        print(f"avimcite cite --clusters: {cli_runs[0]} runs, {cli_runs[1]}/{cli_runs[2]} lines equal to render()")
    exact = sum(1 for r in per_style.values() if r[0] == r[1])
    print(f"styles with every line equal: {exact}/{len(styles)}")
    for style, r in sorted(per_style.items(), key=lambda kv: pct(*kv[1])):
        print(f"  {pct(*r):6.1f}%  {r[0]:4}/{r[1]:<4} {style}")
    if args.out:
        report = {"seed": args.seed, "styles": styles, "documents": list(documents), "lines": total,
                  "share": round(pct(*total), 2), "per_style": {s: r for s, r in per_style.items()}}  # fmt: skip
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
