#!/usr/bin/env bash
# Install check: `pip install .` (not editable) into a fresh virtualenv, in an empty folder
# with no ../shared beside it, then import the packaged demo inventory and serve the finder.
# Fails unless `/` and a postcode search answer 200 from the installed package.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
echo "install check: pip install $src into $work/venv"
"$python" -m venv venv
venv/bin/pip install --quiet "$src"
mkdir empty && cd empty                       # no ../shared here, no checkout either
export FINDER_DATABASE="$work/empty/finder.sqlite"
unset FINDER_GEO_DIR
# Serving refuses to start without a key for maintainers' sessions (see README).
export FINDER_SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_hex(32))')
../venv/bin/flask --app finder import --demo
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
../venv/bin/flask --app finder run --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
check() {
  local url="http://127.0.0.1:$port$1" want=$2
  body=$(curl -fsS "$url") || { echo "install check: $url failed"; cat "$work/server.log"; exit 1; }
  grep -q "$want" <<<"$body" || { echo "install check: $url lacks « $want »"; exit 1; }
}
check "/" "Trouver un groupe"
check "/?postcode=5000&radius_km=20" "5000 Namur"
check "/static/css/finder.css" "body"
check "/embed" "<html"
check "/api/v1/locate?q=LLN" "Louvain-La-Neuve"      # data/place-aliases.csv, as finder.data
check "/?lang=de" "Eine Selbsthilfe- oder Unterstützungsgruppe finden"   # compiled catalogues
check "/?lang=nl" "Een zelfhulp- of steungroep vinden"
echo "install check: the installed package serves the finder (no ../shared, no checkout)"
