#!/usr/bin/env bash
# Goldens for the minimal styles in rules/ (one CSL rule each, as citeproc-js applies it),
# made by citeproc-js through the shared harness, in HTML so that formatting shows (text
# for display blocks, which HTML nests in divs); never from
# avimcite's output.
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc bash tests/data/csl/make_golden_rules.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
export CSL_LOCALES_DIR="${CSL_LOCALES_DIR:-$(python -c 'import citeproc, os; print(os.path.join(os.path.dirname(citeproc.__file__), "data", "locales"))')}"
cd "$here/rules"
while read -r style items format; do
  format="${format:-html}"  # text where HTML would nest display blocks in divs
  node "$harness/render_citeprocjs.js" "$items.json" "$style.csl" en-US --mode bib --format "$format" > "$style.$format"
done < manifest.txt
