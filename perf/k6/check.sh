#!/usr/bin/env bash
# Type-checks the k6 scripts with TypeScript and @types/k6 (k6 itself is not installable here).
# Plain `node --check` would miss errors in files with import lines; tsc does not.
set -euo pipefail
source "$(dirname "$0")/../../stack/lib.sh"
cd "$(dirname "$0")"
command -v npm >/dev/null || apt_install nodejs npm
if [ ! -x node_modules/.bin/tsc ] || [ package.json -nt node_modules/.installed ]; then
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules/.installed
fi
node_modules/.bin/tsc -p tsconfig.json
echo "k6 scripts type-check: $(ls *.js lib/*.js | wc -l) files OK"
