# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test browser axe pdf-libs bench serve refresh-geo check-install translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python pdf-libs
	$(BIN)/pip install --quiet -e ".[prod]"

install-test: $(BIN)/python pdf-libs
	$(BIN)/pip install --quiet -e ".[test,prod]"

# WeasyPrint's system libraries (Pango, HarfBuzz) and the font the PDFs embed.
pdf-libs:
	bash scripts/install-pdf-libs.sh

# The key that signs maintainers' sessions, written once (never committed: instance/ is
# ignored). FINDER_SECRET_KEY, when set, wins over the file.
SECRET_KEY_FILE ?= instance/secret_key
$(SECRET_KEY_FILE):
	mkdir -p $(dir $@)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@

# Set up, load the demonstration inventory, serve on http://127.0.0.1:5000 (plain HTTP on
# this machine: the session cookie is not marked Secure here).
# A refused import (browser edits since the last one) leaves the current inventory served.
run: install $(SECRET_KEY_FILE)
	-$(BIN)/flask --app finder import data/demo-inventory.csv
	FINDER_SESSION_COOKIE_SECURE=false $(BIN)/flask --app finder run --host $(HOST) --port $(PORT)

# Production server (gunicorn); workers from FINDER_WORKERS (default 2).
serve: install $(SECRET_KEY_FILE)
	-$(BIN)/flask --app finder import data/demo-inventory.csv
	$(BIN)/gunicorn --config gunicorn.conf.py "finder:create_app()"

browser:
	bash scripts/install-chromium.sh

# axe-core for the accessibility browser tests, from npm (package-lock.json pins it).
axe:
	bash scripts/install-axe.sh

# The suite in two processes (pytest-xdist; each test file stays in one, so its fixtures are
# built once): on two cores the browser tests wait on Chromium as much as they compute.
# TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= 2
test: install-test browser axe
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# Refresh the packaged reference geography from its source, ../shared/geo.
refresh-geo:
	cp ../shared/geo/communes.geojson ../shared/geo/postcodes.csv ../shared/geo/SOURCES.md finder/geodata/

# pip install . (not editable) into a fresh venv in an empty folder, then serve from it.
check-install:
	PYTHON=$(PYTHON) bash scripts/check-install.sh

bench: install-test
	$(BIN)/python bench/search.py
	$(BIN)/python bench/map_render.py

# The public site's catalogues (finder/translations): extract every marked string, add the
# new ones to each language's .po (translate them there: tests/test_i18n.py fails on any
# left untranslated or fuzzy), compile the .mo files, which are committed with the .po.
translations: $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k gettext_of --no-location --sort-output \
		--omit-header --no-wrap -o finder/translations/messages.pot .
	$(BIN)/pybabel update -i finder/translations/messages.pot -d finder/translations \
		--no-fuzzy-matching --ignore-obsolete --no-wrap --ignore-pot-creation-date
	$(BIN)/pybabel compile -d finder/translations --statistics
