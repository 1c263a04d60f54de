"""One error policy (finder/web/errors.py): JSON under /api/ and for the map data, the French
page elsewhere, whatever went wrong; a Host that cannot be used is a 400 and no traceback."""
from __future__ import annotations

import logging

import pytest

from tests.conftest import DEMO_INVENTORY

JSON_URLS = ("/api/v1/search?radius_km=abc", "/carte/lieux.json?radius_km=abc",
             "/carte/lieux/details.json?ids=x")


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error


def test_bad_parameters_are_json_for_the_api_and_the_map_data(client):
    for url in JSON_URLS:
        error = error_of(client.get(url), 400)
        assert error["code"] == "invalid_parameter" and error["parameter"]


def test_bad_parameters_on_a_page_are_the_french_page(client):
    page = client.get("/?radius_km=abc")
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'lang="fr"' in html and "Recherche impossible" in html and "{" not in html[:20]


def test_unknown_addresses_and_methods(client):
    assert error_of(client.get("/api/v2/nothing"), 404)["message"].startswith(
        "Cette adresse de l'API n'existe pas")
    assert error_of(client.get("/carte/lieu/999999.json"), 404)["code"] == "not_found"
    page = client.get("/nulle-part")
    assert page.status_code == 404 and "Page introuvable" in page.get_data(as_text=True)
    refused = client.post("/api/v1/chapters")
    assert error_of(refused, 405)["code"] == "method_not_allowed"
    assert "GET" in refused.headers["Allow"]
    assert client.post("/").status_code == 405


def test_a_rate_limited_map_data_request_is_json(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="1/minute")
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    client = app.test_client()
    assert client.get("/carte/lieux.json?postcode=5000").status_code == 200
    blocked = client.get("/carte/lieux.json?postcode=5000")
    error = error_of(blocked, 429)
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1
    assert "réessayez" in error["message"] and int(blocked.headers["Retry-After"]) >= 1
    page = client.get("/?postcode=5000")
    assert page.status_code == 429 and page.mimetype == "text/html"


@pytest.fixture
def failing_app(make_app):
    """The demo app with a page and an API address that fail (a bug)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0

    def broken():
        raise RuntimeError("a bug")
    app.add_url_rule("/api/v1/boom", "api_boom", broken)
    app.add_url_rule("/boom", "boom", broken)
    return app


def test_a_bug_is_a_500_in_the_policy_s_form(failing_app):
    client = failing_app.test_client()
    assert error_of(client.get("/api/v1/boom"), 500)["code"] == "internal_error"
    page = client.get("/boom")
    assert page.status_code == 500 and "Erreur du site" in page.get_data(as_text=True)
    assert "RuntimeError" not in page.get_data(as_text=True)


@pytest.mark.parametrize("host", ["a..b", "x" * 70 + ".example", ".example"])
def test_a_host_header_that_cannot_be_encoded_is_a_400_without_traceback(client, caplog, host):
    caplog.set_level(logging.DEBUG)
    page = client.get("/?postcode=5000", headers={"Host": host})
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'lang="fr"' in html and "Recherche impossible" in html
    assert error_of(client.get("/api/v1/chapters", headers={"Host": host}), 400)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
