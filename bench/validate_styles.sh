#!/usr/bin/env bash
# Validate our own CSL styles (avimcite/styles/*.csl) against the CSL 1.0.2 RELAX NG schema
# (github.com/citation-style-language/schema, tag v1.0.2, schemas/styles/csl.rnc) with jing
# (Debian: apt-get install jing). CI does not run it.
#   CSL_SCHEMA=/path/to/schema/schemas/styles/csl.rnc bash bench/validate_styles.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
schema="${CSL_SCHEMA:?set CSL_SCHEMA to csl.rnc of the CSL schema repository, tag v1.0.2}"
jing -c "$schema" "$here"/avimcite/styles/*.csl
echo "valid CSL 1.0.2: $(ls "$here"/avimcite/styles/*.csl | xargs -n1 basename | tr '\n' ' ')"
