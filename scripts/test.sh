#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite (real Tesseract, real Prefect, real files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec python -m pytest -q "$@"
