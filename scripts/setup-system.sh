#!/usr/bin/env bash
# Installs the system parts Jiebang Intake needs (Tesseract 5 + chi_sim/eng/osd, CJK fonts, poppler;
# chromium and postgresql for the reviewer workbench's browser and database tests).
# Safe to run twice: packages already present are skipped, apt is only called for the missing ones.
set -euo pipefail
PKGS=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng tesseract-ocr-osd
      fonts-noto-cjk fonts-wqy-zenhei poppler-utils libgl1 libglib2.0-0
      chromium postgresql)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"; exit 0
fi
echo "setup-system: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-system: done"
