#!/usr/bin/env bash
# Sets everything up, then reviews the committed demo bundle into out/demo/ (or $OUT).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
DEMO=sample_docs/demo
OUT="${OUT:-out/demo}"
credit=()
for f in "$DEMO"/credit/*; do [ -f "$f" ] && credit+=(--credit-list "$f"); done
jiebang run "$DEMO/bundle" --out "$OUT" "${credit[@]}" "$@"
echo "review sheets: $OUT/<application_id>/review.docx  summary: $OUT/summary.xlsx"
