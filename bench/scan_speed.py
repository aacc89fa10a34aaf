#!/usr/bin/env python3
"""How long `avimcite scan` takes, and whether it grows linearly with its input.

    PYTHONPATH=. python bench/scan_speed.py            # 1k, 16k, 30k, 100k .bib entries and long lines
    PYTHONPATH=. python bench/scan_speed.py --quick    # 1k and 16k only

Each .bib is `avimcite export --all -f biblatex` over a synthetic catalogue of that many posts
(bench/make_catalogue.py), scanned with that catalogue (`--ids`, as a pipeline would). Also: a
line of 160,000 `<` in HTML, 10 MB of capitals after "(AVİM)" on one line, and a Word file whose
document.xml declares 252 MB of paragraphs. Each run is a fresh process; time and peak memory
(ru_maxrss of the child) are printed. Figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_catalogue import write_catalogue  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(HERE.parent)}


def timed(args: list[str]) -> tuple[float, int, float]:
    """Wall seconds, exit code, CPU seconds (user + system) of one run."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "avimcite", *args], env=ENV, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)  # fmt: skip
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, done.returncode, usage.ru_utime + usage.ru_stime - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [1000, 16000] if args.quick else [1000, 16000, 30000, 100000]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env_cache = tmp_path / "cache"
        ENV["XDG_CACHE_HOME"] = str(env_cache)
        ENV["XDG_DATA_HOME"] = str(tmp_path / "data")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("entries  wall(s)  cpu(s)  cpu per entry(us)  exit")
        for n in sizes:
            catalogue = write_catalogue(tmp_path / f"posts-{n}.json", n)
            bib = tmp_path / f"b{n}.bib"
            subprocess.run([sys.executable, "-m", "avimcite", "--catalogue", str(catalogue), "export", "--all", "-f",
                            "biblatex", "-o", str(bib)], env=ENV, check=True)  # fmt: skip
            seconds, code, cpu = timed(["--catalogue", str(catalogue), "scan", str(bib), "--ids"])
            print(f"{n:>7}  {seconds:7.2f}  {cpu:6.2f}  {cpu / n * 1e6:17.1f}  {code}")
        lt = tmp_path / "lt.html"
        lt.write_text("<p>" + "<" * 160_000 + "</p>\n", encoding="utf-8")
        caps = tmp_path / "caps.txt"
        caps.write_text("x (AVİM) " + "A" * 10_000_000 + "\n", encoding="utf-8")
        bomb = tmp_path / "bomb.docx"
        ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        paragraph = ("<w:p><w:r><w:t>" + "A" * 1000 + "</w:t></w:r></w:p>").encode() * 1000
        with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(f"<w:document {ns}><w:body>".encode())
                for _ in range(252):
                    member.write(paragraph)
                member.write(b"</w:body></w:document>")
        for label, path in (("160,000 '<' in HTML", lt), ("10 MB of capitals after (AVİM)", caps),
                            (f"docx declaring 252 MB ({bomb.stat().st_size >> 10} KB)", bomb)):  # fmt: skip
            seconds, code, cpu = timed(["scan", str(path)])
            print(f"{label}: {seconds:.2f} s wall, {cpu:.2f} s cpu, exit {code}")
        print(f"peak memory of the largest child: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10} MB")


if __name__ == "__main__":
    main()
