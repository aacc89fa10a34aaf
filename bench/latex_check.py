#!/usr/bin/env python3
"""Compile avimcite's BibTeX and BibLaTeX exports with real TeX, the way users do.

For the shipped catalogue and a probe catalogue (Turkish names, a hostile title with
% # & _ ~ ^ \\ { } $, an organisation's literal name, authorless posts, a source URL
with %, # and &), this writes each export, cites every entry with \\nocite{*} and
compiles:

- biblatex + biber with the styles authoryear and apa, with and without hyperref;
- classic BibTeX with plain, apalike and unsrt (without the url package, and with
  hyperref) and plainnat (with natbib, with and without url);

then checks that each run ends without a LaTeX or BibTeX/biber error, prints every
entry, prints no AVİM serial twice in one reference, and (natbib) gives no entry
the label "avi". Needs TeX Live, biber and pdftotext (Debian: texlive-latex-extra
texlive-bibtex-extra biber latexmk poppler-utils); CI does not run it.

    python bench/latex_check.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = {"schema": "avimcite-catalogue/1", "posts": [
    {"series": "Blog", "year": 2024, "number": 7, "language": "tr", "published": "2024-02-09",
     "title": "KILIÇ & ŞİR: %50 $ #1 _x_ {a} ~b^ c\\d \"quoted\" 'single' İĞÜŞÖÇ ığüşöç Â",
     "authors": [{"given": "Alev", "family": "Kılıç"}, {"given": "Ayşe", "family": "Şir"},
                 {"literal": "Smith & Sons, Ltd."}, {"given": "İlter", "family": "Işık"}],
     "url": "https://avim.org.tr/Blog/A_B%20C?x=1&y=2#frag",
     "source": {"name": "Daily_Sabah & Co", "date": "2024-02-08", "url": "https://x.example/a_b%C3%87c?d=1&e=2#top"}},
    {"series": "Yorum", "year": 2024, "number": 8, "language": "tr", "title": "ÖZ-KAYA’NIN “SÖZLERİ”", "authors": [],
     "published": "2024-03-01", "url": "https://avim.org.tr/tr/Yorum/OZ"},
    {"series": "Commentary", "year": 2024, "number": 9, "language": "en", "title": "WHAT {IS} 100% \\LaTeX~SAFE?",
     "authors": [{"given": "Ömer Engin", "family": "Lütem"}], "published": "2024-12-31",
     "url": "https://avim.org.tr/en/Yorum/WHAT"},
    {"series": "Blog", "year": 2023, "number": 12, "language": "en", "title": "A REPOST", "authors": [],
     "published": "2023-05-02", "url": "https://www.avimbulten.org/Blog/A-REPOST",
     "source": {"name": "Eurasia Review", "date": "2023-05-01", "url": "https://www.eurasiareview.com/x?a=1&b=%20#c"}},
    {"series": "Blog", "year": 2024, "number": 10, "language": "en", "published": "2024-03-02",
     "title": 'X } } @misc(pwned, title = "INJECTED ENTRY", year = 2020) \u202eEVIL\u200b',
     "authors": [{"given": "Taras and Vladimir Putin", "family": "Kuzio"}, {"given": "Jo", "family": "Black And White"}],
     "url": "https://avim.org.tr/Blog/X"},
    {"series": "Analysis", "year": 2024, "number": 11, "language": "en", "title": "A LONE { BRACE", "authors": [],
     "published": "2024-04-01", "url": "https://avim.org.tr/en/Analiz/A-LONE"},
]}  # fmt: skip

BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
%(packages)s
\usepackage[style=%(style)s,backend=biber]{biblatex}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
%(packages)s
\begin{document}
\nocite{*}
\bibliographystyle{%(style)s}
\bibliography{refs}
\end{document}
"""
RUNS = [  # (format, style, packages)
    ("biblatex", "authoryear", ""), ("biblatex", "authoryear", r"\usepackage{hyperref}"),
    ("biblatex", "apa", ""), ("biblatex", "apa", r"\usepackage{hyperref}"),
    ("biblatex", "chicago-authordate", ""),
    ("bibtex", "plain", ""), ("bibtex", "apalike", ""), ("bibtex", "unsrt", ""),
    ("bibtex", "plain", r"\usepackage{hyperref}"), ("bibtex", "apalike", r"\usepackage{url}"),
    ("bibtex", "plainnat", r"\usepackage{natbib}\usepackage{url}"),
    ("bibtex", "plainnat", r"\usepackage{natbib}\usepackage{hyperref}"),
    ("bibtex", "abbrvnat", r"\usepackage{natbib}\usepackage{url}"),
    ("bibtex", "unsrtnat", r"\usepackage{natbib}\usepackage{url}"),
    ("bibtex", "unsrturl", r"\usepackage{url}"),
    ("bibtex", "IEEEtran", r"\usepackage{url}"),
]  # fmt: skip
SERIAL = re.compile(r"No\.\s?(\d{4})\s?/\s?(\d+)")


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300)


def export(catalogue: Path, fmt: str) -> str:
    done = subprocess.run([sys.executable, "-m", "avimcite", "--catalogue", str(catalogue), "export", "--all", "-f", fmt,
                           "--accessed", "2026-06-25"], capture_output=True, text=True, check=True, cwd=REPO)  # fmt: skip
    return done.stdout


def check(workdir: Path, catalogue: Path, fmt: str, style: str, packages: str, entries: int) -> list[str]:
    workdir.mkdir(parents=True)
    (workdir / "refs.bib").write_text(export(catalogue, fmt), encoding="utf-8")
    doc = (BIBLATEX_DOC if fmt == "biblatex" else BIBTEX_DOC) % {"style": style, "packages": packages}
    (workdir / "doc.tex").write_text(doc, encoding="utf-8")
    problems = []
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = run(latex, workdir)
    tool = run(["biber", "doc"] if fmt == "biblatex" else ["bibtex", "doc"], workdir)
    warnings = [line for line in tool.stdout.splitlines() if line.startswith(("Warning--", "WARN"))]
    if warnings:
        problems.append(f"{len(warnings)} {'biber' if fmt == 'biblatex' else 'bibtex'} warnings: " + " | ".join(warnings[:3])[:300])
    if tool.returncode != 0 or re.search(r"^(ERROR|I was expecting|I'm skipping)", tool.stdout, re.M):
        problems.append(f"{'biber' if fmt == 'biblatex' else 'bibtex'}: " + " | ".join(
            line for line in tool.stdout.splitlines() if "ERROR" in line or "expecting" in line or "skipping" in line)[:300])
    for _ in range(2):
        last = run(latex, workdir)
    log = (workdir / "doc.log").read_text(encoding="latin-1")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    if first.returncode and not errors:
        errors = ["first pdflatex run failed"]
    if last.returncode != 0 or errors:
        problems.append("pdflatex: " + " | ".join(errors[:3]))
        return problems
    text = run(["pdftotext", "-layout", "doc.pdf", "-"], workdir).stdout
    bbl = (workdir / "doc.bbl").read_text(encoding="utf-8", errors="replace")
    printed = len(set(re.findall(r"\\entry\{([^}]*)\}", bbl))) if fmt == "biblatex" else len(re.findall(r"\\bibitem", bbl))
    if printed != entries:
        problems.append(f"{printed} of {entries} entries in the bibliography")
    flat = " ".join(text.split())
    serials = SERIAL.findall(flat)
    repeated = {s for s in serials if serials.count(s) > 1}
    if repeated:
        problems.append(f"AVİM serial printed twice: {sorted(repeated)[:3]}")
    if "natbib" in packages:
        labels = re.findall(r"\\bibitem\[(.*?)\]\{", bbl, re.S)
        yearless = [label for label in labels if not re.search(r"\(\d{4}", label)]
        if yearless:
            problems.append(f"{len(yearless)} natbib labels without a year: {yearless[0]}")
        if any("avi" in label.lower() and "AV" not in label for label in labels) or any("{avi}" in l for l in labels):
            problems.append("natbib label 'avi'")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", help="keep the TeX runs in this folder")
    args = parser.parse_args()
    for tool in ("pdflatex", "biber", "bibtex", "pdftotext"):
        if not shutil.which(tool):
            print(f"{tool} is not installed (see the docstring)", file=sys.stderr)
            return 2
    base = Path(args.keep or tempfile.mkdtemp(prefix="avimcite-latex-"))
    probe = base / "probe.json"
    base.mkdir(parents=True, exist_ok=True)
    probe.write_text(json.dumps(PROBE, ensure_ascii=False), encoding="utf-8")
    catalogues = {"shipped": REPO / "data" / "posts.json", "probe": probe}
    failures = 0
    for name, path in catalogues.items():
        entries = len(json.loads(path.read_text(encoding="utf-8"))["posts"])
        for index, (fmt, style, packages) in enumerate(RUNS):
            problems = check(base / f"{name}-{index}-{fmt}-{style}", path, fmt, style, packages, entries)
            label = f"{name:8} {fmt:8} {style:11} {packages or '(no url package)'}"
            print(f"{'ok  ' if not problems else 'FAIL'} {label}" + "".join(f"\n       {p}" for p in problems))
            failures += bool(problems)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    print(f"{failures} failing runs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
