#!/usr/bin/env python3
"""What real clients make of each of our four export formats, side by side.

For a catalogue (default: the shipped one, plus bench/latex_check.py's probe with --probe),
this exports BibTeX, BibLaTeX, RIS and CSL-JSON with avimcite and measures:

- Zotero: each file through Zotero's own import translators (zotero/translation-server
  on 127.0.0.1, --zotero URL), then Zotero's own item -> CSL-JSON conversion
  (the server's /export?format=csljson, as Zotero's word processor plugins use it), then
  citeproc-js with APA, each item alone; compared with `avimcite cite ID --style apa`.
  Also the item types and whether number, publisher, place, date (day) and language arrived.
- pandoc: `pandoc --citeproc` on each file with APA and chicago-author-date (pandoc's
  default); each reference compared with pandoc's rendering of our CSL-JSON.
- pybtex: the BibTeX file with pybtex's unsrt style (no raw TeX in the text).
- citation-js (with --citation-js DIR holding node_modules/citation-js): APA from each file.

Nothing here runs in the tests (they stay offline). Setting up Zotero's server, once, from
the public repositories (no code of it is kept in this repository):

    git clone https://github.com/zotero/translation-server && cd translation-server
    git submodule update --init --recursive && npm install
    NODE_CONFIG='{"host":"127.0.0.1"}' node src/server.js     # listens on 127.0.0.1:1969

    CITEPROC_JS_DIR=/work/cslref/.cache/citeproc-js python bench/clients.py [--probe] [--json OUT]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
FORMATS = ("bibtex", "biblatex", "ris", "csl-json")
EXT = {"bibtex": "bib", "biblatex": "bib", "ris": "ris", "csl-json": "json"}
PY = [sys.executable, "-m", "avimcite"]

RENDER_JS = r"""
const fs = require('fs'), path = require('path');
const CSL = require(path.join(process.env.CITEPROC_JS_DIR, 'node_modules', 'citeproc'));
const [itemsPath, stylePath, localesDir] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(itemsPath, 'utf8'));
const style = fs.readFileSync(stylePath, 'utf8');
const out = {};
for (const item of items) {
  const sys = {
    retrieveLocale: (l) => { const p = path.join(localesDir, `locales-${l}.xml`); return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : false; },
    retrieveItem: () => item,
  };
  const engine = new CSL.Engine(sys, style, 'en-US', true);
  engine.setOutputFormat('text');
  engine.updateItems([String(item.id)]);
  out[item.id] = engine.makeBibliography()[1].map((e) => e.replace(/\s+/g, ' ').trim()).join(' ');
}
process.stdout.write(JSON.stringify(out));
"""

CITATION_JS = r"""
const fs = require('fs'), path = require('path');
const Cite = require(path.join(process.env.CITATION_JS_DIR, 'node_modules', 'citation-js'));
const text = fs.readFileSync(process.argv[2], 'utf8');
const cite = new Cite(text);
const out = {};
for (const item of cite.data) {
  out[item.URL || item.id] = {
    type: item.type,
    apa: new Cite(item).format('bibliography', {format: 'text', template: 'apa', lang: 'en-US'}).replace(/\s+/g, ' ').trim(),
  };
}
process.stdout.write(JSON.stringify(out));
"""


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, **kw).stdout


def avimcite(catalogue: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=tempfile.gettempdir() + "/avimcite-clients-cache")
    return run([*PY, "--catalogue", str(catalogue), *args], cwd=REPO, env=env)


def post(url: str, data: bytes, ctype: str) -> bytes:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": ctype}, method="POST")
    with urllib.request.urlopen(request, timeout=300) as answer:
        return answer.read()


def style_path(name: str) -> str:
    return avimcite(REPO / "data" / "posts.json", "styles", "--path", name).strip()


def render_citeprocjs(items: list[dict], style: str, work: Path) -> dict[str, str]:
    (work / "render.js").write_text(RENDER_JS)
    (work / "items.json").write_text(json.dumps(items, ensure_ascii=False))
    locales = os.environ.get("CSL_LOCALES_DIR") or str(
        Path(sys.executable).resolve().parent.parent / "lib/python3.11/site-packages/citeproc/data/locales")
    if not Path(locales).is_dir():
        import citeproc

        locales = str(Path(citeproc.__file__).parent / "data" / "locales")
    return json.loads(run(["node", str(work / "render.js"), str(work / "items.json"), style, locales]))


def zotero(server: str, text: str, ours: dict[str, str], style: str, work: Path) -> dict:
    """Import `text` with Zotero's translators; item types, fields and APA per post URL."""
    items = json.loads(post(server + "/import", text.encode("utf-8"), "text/plain"))
    regular = [i for i in items if i.get("itemType") not in ("note", "attachment")]
    csl = json.loads(post(server + "/export?format=csljson", json.dumps(regular).encode(), "application/json"))
    for n, item in enumerate(csl):
        item["id"] = f"z{n}"
    apa = render_citeprocjs(csl, style, work)
    rows = {}
    for n, item in enumerate(regular):
        url = item.get("url", "")
        extra = item.get("extra", "")
        rows[url] = {
            "type": item["itemType"],
            "number": item.get("reportNumber") or item.get("number") or "",
            "report type": item.get("reportType") or item.get("websiteType") or "",
            "publisher": item.get("institution") or item.get("publisher") or ("(extra)" if re.search(r"^publisher:", extra, re.M | re.I) else ""),
            "place": item.get("place") or ("(extra)" if re.search(r"^(place|publisher[ -]place):", extra, re.M | re.I) else ""),
            "date": item.get("date", ""),
            "language": item.get("language", ""),
            "container": item.get("blogTitle") or item.get("websiteTitle") or item.get("publicationTitle") or "",
            "author": "; ".join(c.get("name") or ", ".join(p for p in (c.get("lastName"), c.get("firstName")) if p)
                                for c in item.get("creators", [])),
            "outlet": "Originally published" in extra or any(  # in this item's own child notes
                "Originally published" in c.get("note", "") for c in items
                if c.get("itemType") == "note" and c.get("parentItem") == item.get("key")),
            "apa": apa.get(f"z{n}", ""),
            "apa_same": apa.get(f"z{n}", "") == ours.get(url),
        }
    return rows


def pandoc_refs(pandoc: str, path: Path, fmt: str, csl: str | None, work: Path) -> dict[str, str]:
    doc = work / "doc.md"
    doc.write_text("---\nnocite: '@*'\n---\n")
    args = [pandoc, str(doc), "--citeproc", "--bibliography", str(path), "-t", "html", "--wrap=none"]
    if fmt != "csl-json":
        args[4:4] = []  # pandoc picks the reader from the extension; force it below
    env = dict(os.environ)
    if csl:
        args += ["--csl", csl]
    if fmt in ("bibtex", "biblatex"):  # .bib is read as BibLaTeX; a BibTeX file as BibTeX
        target = work / ("refs.bibtex" if fmt == "bibtex" else "refs.bib")
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        args[args.index(str(path))] = str(target)
    out = run(args, env=env)
    refs = {}
    for key, body in re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>\s*(.*?)\s*</div>', out, re.S):
        text = re.sub(r"<[^>]+>", "", body)  # the text a reader sees (the .bib readers add spans)
        refs[key] = html.unescape(re.sub(r"\s+", " ", text)).strip()
    return refs


def pandoc_types(pandoc: str, path: Path, fmt: str) -> dict[str, str]:
    reader = {"bibtex": "bibtex", "biblatex": "biblatex", "csl-json": "csljson"}[fmt]
    items = json.loads(run([pandoc, "-f", reader, "-t", "csljson", str(path)]))
    return {i["id"]: i.get("type", "") for i in items}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", default=str(REPO / "data" / "posts.json"))
    parser.add_argument("--probe", action="store_true", help="also the hostile probe of bench/latex_check.py")
    parser.add_argument("--zotero", default="http://127.0.0.1:1969", help="translation-server ('' to skip)")
    parser.add_argument("--citation-js", default=os.environ.get("CITATION_JS_DIR", ""), help="folder with node_modules/citation-js")
    parser.add_argument("--json", help="write every measured row here")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each difference")
    args = parser.parse_args()
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    work = Path(tempfile.mkdtemp(prefix="avimcite-clients-"))
    catalogues = {"shipped": Path(args.catalogue)}
    if args.probe:
        from latex_check import PROBE

        catalogues["probe"] = work / "probe.json"
        catalogues["probe"].write_text(json.dumps(PROBE, ensure_ascii=False), encoding="utf-8")
    apa = style_path("apa")
    chicago = style_path("chicago-author-date")
    report: dict = {}
    for name, catalogue in catalogues.items():
        posts = json.loads(catalogue.read_text(encoding="utf-8"))["posts"]
        files = {}
        for fmt in FORMATS:
            files[fmt] = work / f"{name}.{fmt}.{EXT[fmt]}"
            files[fmt].write_text(avimcite(catalogue, "export", "--all", "-f", fmt), encoding="utf-8")
        items = json.loads(files["csl-json"].read_text(encoding="utf-8"))
        key_url = {i["id"]: i["URL"] for i in items}
        ours = {}
        for item in items:  # `avimcite cite ID --style apa`, one post at a time
            ours[item["URL"]] = avimcite(catalogue, "cite", item["custom"]["avim_id"], "--style", "apa").strip()
        print(f"== {name}: {len(posts)} posts")
        if args.zotero:
            for fmt in FORMATS:
                rows = zotero(args.zotero, files[fmt].read_text(encoding="utf-8"), ours, apa, work)
                report.setdefault(name, {}).setdefault("zotero", {})[fmt] = rows
                types: dict[str, int] = {}
                for row in rows.values():
                    types[row["type"]] = types.get(row["type"], 0) + 1
                def count(field, rows=rows):
                    return sum(bool(r[field]) for r in rows.values())
                days = sum(bool(re.search(r"\d{4}-\d\d-\d\d|[A-Z][a-z]+ \d{1,2}, \d{4}", r["date"])) for r in rows.values())
                same = sum(r["apa_same"] for r in rows.values())
                print(f"zotero  {fmt:9} {len(rows)} items {types}; APA same {same}/{len(items)}; number {count('number')},"
                      f" report type {count('report type')}, publisher {count('publisher')}, place {count('place')},"
                      f" day {days}, language {count('language')}, outlet {count('outlet')}")
                if args.verbose:
                    for url, row in rows.items():
                        if not row["apa_same"]:
                            print(f"    ours:   {ours.get(url)}\n    zotero: {row['apa']}")
        for style_name, csl in (("apa", apa), ("chicago-ad", chicago)):
            base = pandoc_refs(pandoc, files["csl-json"], "csl-json", csl, work)
            for fmt in ("bibtex", "biblatex", "ris"):
                if fmt == "ris":
                    continue  # pandoc reads no RIS
                refs = pandoc_refs(pandoc, files[fmt], fmt, csl, work)
                same = sum(refs.get(k) == v for k, v in base.items())
                types = pandoc_types(pandoc, files[fmt], fmt)
                kinds: dict[str, int] = {}
                for t in types.values():
                    kinds[t] = kinds.get(t, 0) + 1
                report.setdefault(name, {}).setdefault("pandoc", {})[f"{fmt}/{style_name}"] = same
                print(f"pandoc  {fmt:9} {style_name:10} same as CSL-JSON {same}/{len(base)}; types {kinds}")
                if args.verbose:
                    for k, v in base.items():
                        if refs.get(k) != v:
                            print(f"    csl-json: {v}\n    {fmt}: {refs.get(k)}")
        from pybtex.database import parse_string
        from pybtex.plugin import find_plugin

        data = parse_string(files["bibtex"].read_text(encoding="utf-8"), "bibtex")
        style = find_plugin("pybtex.style.formatting", "unsrt")()
        lines, refused = [], 0
        for entry in data.entries.values():  # one at a time: pybtex raises for a report without an author
            try:
                lines += [e.text.render_as("text") for e in style.format_entries([entry])]
            except Exception:
                refused += 1
        raw = [line for line in lines if "\\" in line]
        print(f"pybtex  bibtex    unsrt {len(lines)} entries, {refused} refused, {len(raw)} with raw TeX"
              + "".join(f"\n    {r}" for r in raw[:3]))
        if args.citation_js:
            os.environ["CITATION_JS_DIR"] = args.citation_js
            (work / "cjs.js").write_text(CITATION_JS)
            for fmt in FORMATS:
                got = json.loads(run(["node", str(work / "cjs.js"), str(files[fmt])]))
                same = sum(got.get(url, {}).get("apa") == line for url, line in ours.items())
                kinds: dict[str, int] = {}
                for row in got.values():
                    kinds[row["type"]] = kinds.get(row["type"], 0) + 1
                print(f"citation-js {fmt:9} APA same {same}/{len(ours)}; types {kinds}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
