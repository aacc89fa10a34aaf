#!/usr/bin/env python3
"""avimcite's benchmark: whole-process wall time (median of N runs after a warm-up) and
peak memory, side by side with a reference measured in the same run.

    python bench/run.py                 # everything (about 5 minutes on 2 cores)
    python bench/run.py --runs 5 --only startup,csl
    python bench/run.py --markdown-out bench/out/results.md

Peers, when present (the table says when one is missing):
- pandoc 3 from PyPI's pypandoc-binary (in the test extras);
- citeproc-js, through the shared harness ../shared/tools/csl-reference/render_citeprocjs.js, with
  CITEPROC_JS_DIR pointing to a folder where `npm install citeproc` was run (default .cache/citeproc-js).

Comparisons run interleaved (one round runs every command once, in turn; medians of the
rounds). The one-post cites are measured as users repeat them: the warm-up round fills
avimcite's caches, as the first cite of a post does; the 1,000-post bibliographies empty
both caches (rendered output, answers) before every run, so they measure the engine.

Synthetic catalogues (bench/make_catalogue.py) go to bench/out/, never into data/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
HARNESS = Path(os.environ.get("CSL_HARNESS", REPO.parent / "shared" / "tools" / "csl-reference"))
sys.path.insert(0, str(HERE))


# As a user's installation runs: bytecode cached (some sandboxes set PYTHONDONTWRITEBYTECODE,
# which makes every run compile every module again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
sys.path.insert(0, str(REPO))
from avimcite.paths import package_dir  # noqa: E402

# citeproc-js reads the same locale files as citeproc-py (as the agreement checks do)
ENV.setdefault("CSL_LOCALES_DIR", str((package_dir("citeproc") or Path(".")) / "data" / "locales"))


LAST_CPU = [0.0]  # user + system seconds of the last run_once (the machine may be shared: CPU time is steadier)


def run_once(argv: list[str], stdin: str | None = None, env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one run of `argv` (its CPU seconds in LAST_CPU)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or ENV)  # fmt: skip
    if stdin is not None:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {err.strip()[:300]}")
    return elapsed, usage.ru_maxrss // 1024


def measure(argv: list[str], runs: int, stdin: str | None = None) -> tuple[float, int]:
    run_once(argv, stdin)  # warm-up: file cache, .pyc, the style index
    times, peak = [], 0
    for _ in range(runs):
        elapsed, rss = run_once(argv, stdin)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), peak


def interleaved(commands: list[tuple[list[str], str | None]], runs: int) -> list[tuple[float, int]]:
    """Medians of `runs` rounds in which every command runs once, in turn (after a warm-up
    round), so that a busy moment of the machine falls on all of them alike."""
    for argv, stdin in commands:
        run_once(argv, stdin)
    samples: list[list[float]] = [[] for _ in commands]
    peaks = [0] * len(commands)
    for _ in range(runs):
        for i, (argv, stdin) in enumerate(commands):
            elapsed, rss = run_once(argv, stdin)
            samples[i].append(elapsed)
            peaks[i] = max(peaks[i], rss)
    return [(statistics.median(times), peak) for times, peak in zip(samples, peaks)]


def avimcite() -> list[str]:
    """The `avimcite` command as installed; else what its script does (import avimcite.entry,
    call run()), which `python -m avimcite` does after loading runpy (about 5M instructions,
    4% of a light command's start, that the installed command never pays)."""
    found = shutil.which("avimcite")
    return [found] if found else [sys.executable, "-c", "import sys; from avimcite.entry import run; sys.exit(run())"]


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except Exception:  # noqa: BLE001
        return shutil.which("pandoc")


def citeproc_js() -> list[str] | None:
    script = HARNESS / "render_citeprocjs.js"
    js_dir = Path(os.environ.get("CITEPROC_JS_DIR", ".cache/citeproc-js"))
    if shutil.which("node") and script.exists() and (js_dir / "node_modules" / "citeproc").exists():
        return ["node", str(script)]
    return None


def style_file(name: str) -> str:
    from avimcite.csl.styles import resolve_style

    return str(resolve_style(name).path)


class Table:
    def __init__(self) -> None:
        self.rows: list[str] = []

    def section(self, title: str, reference: str) -> None:
        self.rows += ["", f"### {title}", "", f"| command | median s | peak MB | vs {reference} | goal |", "|---|---:|---:|---:|---|"]

    def add(self, label: str, result: tuple[float, int] | None, ref: float | None, goal: str = "", ok: bool | None = None,
            cpu: float | None = None, cpu_ratio: float | None = None):  # fmt: skip
        if result is None:
            self.rows.append(f"| {label} | n/a | | | {goal} |")
            print(f"  {label}: not available", file=sys.stderr)
            return
        seconds, rss = result
        ratio = f"{seconds / ref:.2f}x" if ref else ""
        mark = "" if ok is None else (" ✅" if ok else " ❌")
        # CPU seconds (user + system) beside the wall time: steadier when others load the machine
        cpu_note = f" (CPU {cpu:.3f} s{f', {cpu_ratio:.2f}x' if cpu_ratio else ''})" if cpu is not None else ""
        self.rows.append(f"| `{label}` | {seconds:.3f}{cpu_note} | {rss} | {ratio} | {goal}{mark} |")
        print(f"  {label}: {seconds:.3f} s{cpu_note}, {rss} MB {ratio}", file=sys.stderr)

    def text(self) -> str:
        return "\n".join(self.rows).strip() + "\n"


def bench_startup(table: Table, runs: int) -> None:
    table.section("Start-up (shipped catalogue), interleaved", "`python -c pass`")
    cases = [(["--version"], None), (["show", "2023/63"], 3.0), (["cite", "2023/63"], 3.0),
             (["list", "--search", "karabakh", "--ids"], None)]  # fmt: skip
    results = interleaved([([sys.executable, "-c", "pass"], None)] + [(avimcite() + args, None) for args, _ in cases], runs)
    base = results[0]
    table.add("python -c pass", base, base[0])
    for (args, factor), result in zip(cases, results[1:]):
        goal = f"at most {factor}x" if factor else ""
        table.add("avimcite " + " ".join(args), result, base[0], goal, result[0] <= factor * base[0] if factor else None)


NEW_POST_STYLES = (("apa", 1.0), ("chicago-author-date", 1.0), ("springer-basic-author-date", 1.5))


def bench_new_post(table: Table, runs: int, tmp: Path) -> None:
    """A first citation: every run of avimcite cites a post that no earlier run cited (of a
    small synthetic catalogue, new each time this runs), and pandoc, in the same round,
    renders that post's CSL-JSON. Nothing rendered before can be replayed; a compiled style
    (keyed by the style's and locale's bytes) may be reused, as a user's second post gets."""
    from make_catalogue import write_catalogue

    pandoc = pandoc_path()
    rounds = runs + 1  # the first round warms up (file cache, .pyc)
    count = max(48, rounds * len(NEW_POST_STYLES))
    seed = int(time.time())  # posts no earlier benchmark run cited either
    catalogue = write_catalogue(OUT / f"posts-new-{seed}.json", count, seed=seed)
    # the keys given to these posts go to a key book of this run's own, not the user's
    env = dict(ENV, XDG_DATA_HOME=str(tmp / "data"))
    try:
        cat = ["--catalogue", str(catalogue)]
        ids = subprocess.run(avimcite() + cat + ["list", "--ids"], capture_output=True, text=True, check=True, env=env).stdout.split()
        items = json.loads(subprocess.run(avimcite() + cat + ["export", "--all", "--format", "csl-json", "--accessed", "2026-06-25"],
                                          capture_output=True, text=True, check=True,
                                          env=dict(env, XDG_DATA_HOME=str(tmp / "export-data"))).stdout)  # its keys in another book: the cites give them anew  # fmt: skip
        if len(ids) != len(items) or len(ids) < rounds * len(NEW_POST_STYLES):
            raise RuntimeError("the synthetic catalogue did not list and export one item per post")
        one_item = {}
        for n, (post_id, item) in enumerate(zip(ids, items)):  # export keeps the catalogue's order
            path = tmp / f"new-{n}.json"
            path.write_text(json.dumps([item], ensure_ascii=False), encoding="utf-8")
            one_item[post_id] = path
        doc = "---\nnocite: '@*'\n---\n"
        fresh = iter(ids)
        samples = {style: ([], [], [], []) for style, _ in NEW_POST_STYLES}  # ours wall, cpu; pandoc wall, cpu
        peaks = {style: [0, 0] for style, _ in NEW_POST_STYLES}
        for round_ in range(rounds):
            for style, _ in NEW_POST_STYLES:
                post_id = next(fresh)
                runs_ = [(avimcite() + cat + ["cite", post_id, "--style", style, "--accessed", "2026-06-25"], None)]
                if pandoc:
                    runs_.append(([pandoc, "--citeproc", "-t", "plain", f"--csl={style_file(style)}",
                                   f"--bibliography={one_item[post_id]}"], doc))  # fmt: skip
                for i, (argv, stdin) in enumerate(runs_):
                    elapsed, rss = run_once(argv, stdin, env)
                    if round_:
                        samples[style][2 * i].append(elapsed)
                        samples[style][2 * i + 1].append(LAST_CPU[0])
                        peaks[style][i] = max(peaks[style][i], rss)
        for style, factor in NEW_POST_STYLES:
            table.section(f"First citation of a post never cited before, {style}, interleaved", "pandoc 3")
            ours_wall, ours_cpu, ref_wall, ref_cpu = (statistics.median(x) if x else None for x in samples[style])
            ref = (ref_wall, peaks[style][1]) if pandoc else None
            if pandoc:
                table.add(f"pandoc --citeproc ({style}, that post)", ref, ref_wall, cpu=ref_cpu)
            goal = "no slower than pandoc" if factor == 1.0 else f"at most {factor}x pandoc"
            table.add(f"avimcite cite NEW-POST --style {style}", (ours_wall, peaks[style][0]), ref_wall, goal,
                      ours_wall <= factor * ref_wall if pandoc else None, cpu=ours_cpu,
                      cpu_ratio=ours_cpu / ref_cpu if pandoc and ref_cpu else None)  # fmt: skip
    finally:
        catalogue.unlink(missing_ok=True)


def bench_csl(table: Table, runs: int, tmp: Path) -> None:
    from make_catalogue import write_catalogue

    pandoc, js = pandoc_path(), citeproc_js()
    one = tmp / "one.json"
    one.write_text(subprocess.run(avimcite() + ["export", "2023/63", "--format", "csl-json", "--accessed", "2026-06-25"],
                                  capture_output=True, text=True, check=True).stdout)  # fmt: skip
    catalogue = write_catalogue(OUT / "posts-1000.json", 1000)
    many = tmp / "many.json"
    many.write_text(subprocess.run(avimcite() + ["--catalogue", str(catalogue), "export", "--all", "--format", "csl-json",
                                                 "--accessed", "2026-06-25"], capture_output=True, text=True, check=True).stdout)  # fmt: skip
    doc = "---\nnocite: '@*'\n---\n"
    for style, factor in (("apa", 1.0), ("chicago-author-date", 1.0), ("springer-basic-author-date", 1.5)):
        table.section(f"One post, {style}, interleaved", "pandoc 3")
        commands = [(avimcite() + ["cite", "2023/63", "--style", style, "--accessed", "2026-06-25"], None)]
        if pandoc:
            commands.append(([pandoc, "--citeproc", "-t", "plain", f"--csl={style_file(style)}", f"--bibliography={one}"], doc))
        if js:
            commands.append((js + [str(one), style_file(style), "en-US"], None))
        results = interleaved(commands, runs)
        ours = results[0]
        ref = results[1] if pandoc else None
        if pandoc:
            table.add(f"pandoc --citeproc ({style}, 1 post)", ref, ref[0])
        table.add(f"citeproc-js ({style}, 1 post)", results[-1] if js else None, ref[0] if ref else None)
        goal = "faster than pandoc" if factor == 1.0 else f"at most {factor}x pandoc"
        table.add(f"avimcite cite 2023/63 --style {style}", ours, ref[0] if ref else None, goal,
                  (ours[0] < ref[0] if factor == 1.0 else ours[0] <= factor * ref[0]) if ref else None)  # fmt: skip
    for style in ("apa", "chicago-author-date"):
        table.section(f"1,000-post bibliography, {style}, interleaved", "citeproc-js")
        reps = max(3, runs // 2)
        # the render cache is emptied before each of our runs: the engine is measured
        commands = [(avimcite() + ["--catalogue", str(catalogue), "cite", "--all", "--style", style, "--accessed", "2026-06-25"], None)]
        if js:
            commands.append((js + [str(many), style_file(style), "en-US"], None))
        if pandoc:
            commands.append(([pandoc, "--citeproc", "-t", "plain", f"--csl={style_file(style)}", f"--bibliography={many}"], doc))
        results = _uncached(commands, reps)
        ours, ref = results[0], (results[1] if js else None)
        table.add(f"citeproc-js ({style}, 1,000 posts)", ref, ref[0] if ref else None)
        if pandoc:
            table.add(f"pandoc --citeproc ({style}, 1,000 posts)", results[-1], ref[0] if ref else None)
        table.add(f"avimcite cite --all --style {style} (1,000 posts, cache missed)", ours, ref[0] if ref else None,
                  "at most 0.75x citeproc-js", ours[0] <= 0.75 * ref[0] if ref else None)  # fmt: skip


def _uncached(commands, runs):
    """interleaved(), with avimcite's caches emptied before each of its runs."""
    from avimcite.paths import user_cache_dir

    def clear():  # folders of caches older avimcites kept (rendered output, answers), and compiled patterns
        shutil.rmtree(user_cache_dir() / "render", ignore_errors=True)
        shutil.rmtree(user_cache_dir() / "answers", ignore_errors=True)
        for table in user_cache_dir().glob("regex-*.marshal"):  # avimcite.rx: every cache empty
            table.unlink()

    samples: list[list[float]] = [[] for _ in commands]
    peaks = [0] * len(commands)
    for round_ in range(runs + 1):
        for i, (argv, stdin) in enumerate(commands):
            if i == 0:
                clear()
            elapsed, rss = run_once(argv, stdin)
            if round_:  # the first round warms up
                samples[i].append(elapsed)
                peaks[i] = max(peaks[i], rss)
    return [(statistics.median(times), peak) for times, peak in zip(samples, peaks)]


def bench_bulk(table: Table, runs: int, tmp: Path) -> None:
    catalogue = OUT / "posts-100000.json"
    if not catalogue.exists():
        # in a child: Linux gives a process the peak RSS of the parent it was forked from, so
        # 100,000 posts built here would show as every later command's peak (409 MB for 167)
        subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), "100000", str(catalogue)], check=True)
    table.section("100,000 synthetic posts", "`python -c pass`")
    base = measure([sys.executable, "-c", "pass"], runs)
    cat = ["--catalogue", str(catalogue)]
    cases = [["list", "--search", "karabag", "--ids"], ["show", "blog/2020/5"]]
    cases += [["export", "--all", "--format", fmt, "-o", str(tmp / f"out.{fmt}")] for fmt in ("bibtex", "biblatex", "ris", "csl-json")]
    for args in cases:
        result = measure(avimcite() + cat + args, runs)
        table.add("avimcite " + " ".join(a for a in args if not a.startswith(str(tmp))), result, base[0],
                  "under 2 s, 200 MB", result[0] < 2 and result[1] < 200)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="measured runs per command (after one warm-up)")
    parser.add_argument("--only", default="startup,new-post,csl,bulk", help="comma-separated: startup, new-post, csl, bulk")
    parser.add_argument("--markdown-out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    table = Table()
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        if "startup" in parts:
            bench_startup(table, args.runs)
        if "new-post" in parts:
            bench_new_post(table, args.runs, Path(tmp))
        if "csl" in parts:
            bench_csl(table, args.runs, Path(tmp))
        if "bulk" in parts:
            bench_bulk(table, max(3, args.runs // 3), Path(tmp))
    header = (f"## avimcite benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
              f"medians of {args.runs} runs after a warm-up)\n")  # fmt: skip
    text = header + table.text()
    sys.stdout.write(text)
    if args.markdown_out:
        args.markdown_out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
