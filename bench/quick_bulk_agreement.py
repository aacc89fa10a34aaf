#!/usr/bin/env python3
"""How often a long bibliography printed with the style's compiled form (the path `cite`
takes from citing.BULK_ENTRIES posts on) equals the engine's alone, entry for entry.

Draws a seeded random sample of independent styles, builds each one's compiled form and
verifies it for many entries (compiler.compile_and_verify(..., bulk=True)), and renders one
bibliography of synthetic posts, as many again by the same authors in the same years (year
suffixes, names added by the disambiguation), the shipped posts, and titles with questions,
quotes and apostrophes, with `engine.render` twice: with the form and without it. Reports, per
style, how many entries the form printed and how many differ. No reference engine is needed:
the engine alone is what the agreement runs (bench/csl_agreement.py) compare with citeproc-js.

    python bench/quick_bulk_agreement.py [--n 100] [--seed 9] [--posts 180] [--locale fr-FR]
        [--styles a,b] [--show-diffs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

TITLES = ["WHAT DOES THE KOZAN CASE TELL US?", "THE LAST ISSUE IS OUT.", "ARMENIA’S “FROZEN” PROTOCOLS: A REVIEW",
          "ERMENİSTAN’IN “TOZLU” RAFLARI NEDEN?", "What Does the Kozan Case Tell Us?", "NEDEN ŞİMDİ?",
          "A Review of “Frozen” Protocols", "Türkiye’nin Kafkasya Politikası!"]  # fmt: skip


def items(posts: int, seed: int) -> list[dict]:
    """CSL-JSON, as `cite` maps posts: the shipped ones, `posts` synthetic ones and a twin of
    every other one (same authors and year, another title), and 60 under the titles above."""
    from make_catalogue import make_posts

    from avimcite import catalogue
    from avimcite.csl.mapping import post_to_csl
    from avimcite.keys import assign_keys

    records = make_posts(posts, seed=seed)
    for record in records[: posts // 2]:
        records.append(dict(record, number=record["number"] + 500, title="ANOTHER " + record["title"],
                            url=record["url"] + "-another"))  # fmt: skip
    raw = json.dumps({"schema": "avimcite-catalogue/1", "posts": records}).encode()
    loaded = list(catalogue.load(catalogue.shipped_catalogue_path()).posts) + list(catalogue.load_bytes(raw, Path("s.json")).posts)
    keys = assign_keys(loaded)
    out = [post_to_csl(p, keys[p.id], date(2026, 6, 25)) for p in loaded]
    out += [dict(item, id=f"{item['id']}-t{n}", title=TITLES[n % len(TITLES)]) for n, item in enumerate(out[-60:])]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--posts", type=int, default=180, help="synthetic posts (and half as many twins)")
    parser.add_argument("--locale", help="the locale to render in (default: each style's own)")
    parser.add_argument("--styles", help="comma-separated style ids instead of a sample")
    parser.add_argument("--show-diffs", type=int, default=2)
    args = parser.parse_args()

    from avimcite.csl import compiler, engine
    from avimcite.csl.styles import resolve_style, style_ids, style_locale

    sample = args.styles.split(",") if args.styles else random.Random(args.seed).sample(sorted(style_ids()[0]), args.n)
    bibliography = items(args.posts, args.seed)
    totals = {"styles": 0, "no form": 0, "not verified for many entries": 0, "entries": 0, "from the form": 0, "differing": 0}
    for name in sample:
        started = time.perf_counter()
        style = resolve_style(name)
        locale = style_locale(style, args.locale)
        form = compiler.compile_and_verify(style, locale, bulk=True)
        totals["styles"] += 1
        if not form or not form["bulk"]:
            totals["no form" if not form else "not verified for many entries"] += 1
            print(f"  {name}: {'no compiled form' if not form else 'not verified for many entries'}")
            continue
        alone = engine.render(bibliography, style, locale, "bibliography", "text")
        mine = engine.render(bibliography, style, locale, "bibliography", "text", form=form)
        differing = [(a, b) for a, b in zip(alone.bibliography, mine.bibliography) if a != b]
        if len(alone.bibliography) != len(mine.bibliography):
            differing.append((f"{len(alone.bibliography)} entries", f"{len(mine.bibliography)} entries"))
        totals["entries"] += len(alone.bibliography)
        totals["from the form"] += mine.quick_entries
        totals["differing"] += len(differing)
        print(f"  {name}: {len(alone.bibliography)} entries, {mine.quick_entries} from the form, "
              f"{len(differing)} differing ({time.perf_counter() - started:.1f} s)", flush=True)  # fmt: skip
        for engine_line, form_line in differing[: args.show_diffs]:
            print(f"    engine: {engine_line}\n    form:   {form_line}")
    print(f"{totals['styles']} styles (seed {args.seed}, locale {args.locale or 'each style’s own'}): "
          + ", ".join(f"{key} {value}" for key, value in totals.items() if key != "styles"))  # fmt: skip
    return 1 if totals["differing"] else 0


if __name__ == "__main__":
    sys.exit(main())
