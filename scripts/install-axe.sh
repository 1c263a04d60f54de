#!/usr/bin/env bash
# axe-core, for the accessibility browser tests (tests/e2e/axe.py), from npm at the version
# package-lock.json pins. Node.js and npm come from Debian when they are missing (as root).
# Nothing installed here is served to visitors.
set -euo pipefail
cd "$(dirname "$0")/.."
locked=$(sed -n '/"node_modules\/axe-core"/,/}/s/.*"version": "\([^"]*\)".*/\1/p' package-lock.json)
installed=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' node_modules/axe-core/package.json 2>/dev/null || true)
if [ -n "$locked" ] && [ "$locked" = "$installed" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's nodejs and npm for axe-core..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm is missing: install Node.js and npm (Debian: sudo apt-get install npm)," >&2
    echo "then run 'make axe'. Without axe-core the accessibility tests are skipped." >&2
    exit 0
  fi
fi
echo "Installing axe-core $locked (npm ci)..."
npm ci --no-audit --no-fund --loglevel=error
