#!/usr/bin/env bash
# Sets everything up, then reviews the committed demo bundle into out/demo/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
DEMO=sample_docs/demo
credit=()
for f in "$DEMO"/credit/*; do [ -f "$f" ] && credit+=(--credit-list "$f"); done
jiebang run "$DEMO/bundle" --out out/demo "${credit[@]}" "$@"
echo "review sheets: out/demo/  (summary: out/demo/summary.xlsx)"
