#!/usr/bin/env bash
# The printed inventory (flask brochure, /inventaire.pdf) is laid out by WeasyPrint, which
# needs Pango (with HarfBuzz's subsetter) from the system, and a font to embed: DejaVu, from
# Debian. Install what is missing; say so clearly when we cannot.
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $package"
done
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the PDF libraries and font for the printed inventory:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
elif command -v dpkg-query >/dev/null 2>&1; then
  echo "Missing for the printed inventory (PDF):$missing" >&2
  echo "Install them (Debian: sudo apt-get install$missing)." >&2
  exit 1
else
  echo "Not Debian: install Pango, HarfBuzz and a font (DejaVu) for WeasyPrint yourself." >&2
fi
