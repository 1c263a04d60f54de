"""One JSON line per request, and nothing in it that tells who searched for what."""
from __future__ import annotations

import json
import logging
import re

import pytest

from finder.web.requestlog import LOGGER, _DropDevServerAccessLines


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.entries: list[dict] = []
        self.raw: list[str] = []

    def emit(self, record):
        line = record.getMessage()
        self.raw.append(line)
        self.entries.append(json.loads(line))


@pytest.fixture
def lines():
    handler = Lines()
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_one_json_line_per_request_with_what_operations_need(client, lines):
    client.get("/healthz")
    client.get("/n-existe-pas")
    assert len(lines.entries) == 2
    health, missing = lines.entries
    assert health["method"] == "GET" and health["path"] == "/healthz"
    assert health["status"] == 200 and health["endpoint"] == "health.healthz"
    assert isinstance(health["ms"], float) and health["ms"] >= 0
    assert health["bytes"] > 0
    assert missing["status"] == 404 and missing["path"] is None


@pytest.mark.parametrize("url", [
    "/?postcode=6700&radius_km=10&chapter=dependance&commune=Arlon",
    "/?lat=49.68336&lon=5.81667&radius_km=5",
    "/api/v1/search?postcode=6700&radius_km=10&chapter=dependance",
    "/api/v1/search?lat=49.68336&lon=5.81667&radius_km=5",
    "/embed?postcode=6700&radius_km=10",
    "/carte/lieux.json?postcode=6700&radius_km=10",
])
def test_a_search_line_holds_no_postcode_coordinates_commune_or_address(demo_app, lines, url):
    client = demo_app.test_client()
    response = client.get(url, environ_base={"REMOTE_ADDR": "198.51.100.77"},
                          headers={"User-Agent": "Navigateur-de-Test/1.0",
                                   "Referer": "https://partenaire.example/page-6700"})
    assert response.status_code == 200
    assert len(lines.raw) == 1
    entry = lines.entries[0]
    assert entry["path"] == url.split("?")[0]
    assert entry["status"] == 200
    # The line as written, less its duration: "ms":745.81 holds "5.81" by chance.
    line = re.sub(r'"ms":[\d.]+', '"ms":0', lines.raw[0])
    for secret in ("6700", "49.68", "5.81", "Arlon", "arlon", "dependance", "198.51.100.77",
                   "Navigateur", "partenaire", "?", "radius"):
        assert secret not in line, f"{secret!r} leaked into the request log: {line}"


def test_a_search_line_counts_results_and_says_if_the_cache_answered(demo_app, lines):
    client = demo_app.test_client()
    url = "/api/v1/search?postcode=5000&radius_km=50"
    client.get(url)
    client.get(url)
    first, second = lines.entries
    assert first["results"] == second["results"] > 0
    assert (first["cache"], second["cache"]) == ("miss", "hit")


def test_routes_with_variables_are_logged_by_their_pattern(demo_app, lines):
    client = demo_app.test_client()
    response = client.get("/api/v1/groups/un-groupe-qui-n-existe-pas")
    assert response.status_code == 404
    assert lines.entries[0]["path"] == "/api/v1/groups/<slug>"


def test_static_files_are_logged_with_their_name(client, lines):
    client.get("/static/css/finder.css")
    assert lines.entries[0]["path"] == "/static/css/finder.css"
    assert lines.entries[0]["bytes"] > 1000


def test_the_log_can_be_switched_off(make_app, lines):
    make_app(REQUEST_LOG=False).test_client().get("/healthz")
    assert lines.entries == []


def test_the_development_server_access_lines_are_dropped():
    keep = _DropDevServerAccessLines()
    access = logging.LogRecord("werkzeug", logging.INFO, "", 0,
                               '127.0.0.1 - - [24/Nov/2026 10:00:00] "GET /?postcode=6700 '
                               'HTTP/1.1" 200 -', None, None)
    banner = logging.LogRecord("werkzeug", logging.INFO, "", 0,
                               " * Running on http://127.0.0.1:5000", None, None)
    assert not keep.filter(access)
    assert keep.filter(banner)
    assert any(isinstance(f, _DropDevServerAccessLines)
               for f in logging.getLogger("werkzeug").filters)
