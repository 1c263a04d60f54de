"""Rate limits: generous, per client, a clear French 429 with Retry-After; off in other tests."""
from __future__ import annotations

import pytest

from finder.db import StartupError
from tests.conftest import DEMO_INVENTORY

SEARCH = "/?postcode=5000&radius_km=20"
API = "/api/v1/search?postcode=5000&radius_km=20"


@pytest.fixture
def limited(make_app):
    """A demo app with tiny limits (2 per minute), rate limiting switched on."""
    def make(**overrides):
        config = dict(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="2/minute",
                      RATELIMIT_EMBED="2/minute", RATELIMIT_API="2/minute")
        config.update(overrides)
        app = make_app(**config)
        result = app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
        assert result.exit_code == 0, result.output
        return app
    return make


def from_address(client, url, address, **kwargs):
    return client.get(url, environ_base={"REMOTE_ADDR": address}, **kwargs)


def test_tests_are_not_rate_limited_by_default(client):
    statuses = {client.get("/api/v1/chapters").status_code for _ in range(150)}
    assert statuses == {200}


def test_the_third_search_in_a_minute_gets_a_french_page_with_retry_after(limited):
    client = limited().test_client()
    assert [client.get(SEARCH).status_code for _ in range(2)] == [200, 200]
    blocked = client.get(SEARCH)
    assert blocked.status_code == 429
    assert blocked.mimetype == "text/html"
    html = blocked.get_data(as_text=True)
    assert "Réessayez dans" in html and 'lang="fr"' in html
    wait = int(blocked.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert f"{wait}\u00a0seconde" in html
    assert blocked.headers["Cache-Control"] == "no-store"
    # Still a page of the site, with its security headers.
    assert "Content-Security-Policy" in blocked.headers


def test_the_api_answers_429_in_json(limited):
    client = limited().test_client()
    for _ in range(2):
        assert client.get(API).status_code == 200
    blocked = client.get(API)
    assert blocked.status_code == 429
    assert blocked.mimetype == "application/json"
    error = blocked.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert "réessayez" in error["message"]
    assert int(blocked.headers["Retry-After"]) >= 1


def test_budgets_are_separate_for_search_embed_and_api(limited):
    app = limited()
    client = app.test_client()
    for _ in range(2):
        client.get(SEARCH)
    assert client.get(SEARCH).status_code == 429
    assert client.get(API).status_code == 200
    assert client.get("/embed?postcode=5000").status_code == 200


def test_bulk_downloads_have_their_own_smaller_budget(limited):
    app = limited(RATELIMIT_API="5/minute", RATELIMIT_BULK="2/minute")
    client = app.test_client()
    assert client.get("/api/v1/groups.csv").status_code == 200
    assert client.get("/api/v1/meeting-guide.json").status_code == 200
    for url in ("/api/v1/groups", "/api/v1/groups.geojson", "/api/v1/groups.csv",
                "/api/v1/meeting-guide.json"):
        blocked = client.get(url)
        assert blocked.status_code == 429, url
        assert blocked.get_json()["error"]["code"] == "rate_limited"
    for url in ("/inventaire.pdf", "/resultats.pdf?postcode=5000"):    # printed: the same
        assert client.get(url).status_code == 429, url
    # Ordinary API calls still have their whole budget, and bulk downloads spend none of it.
    assert [client.get(API).status_code for _ in range(5)] == [200] * 5
    assert client.get(API).status_code == 429


def test_the_map_data_shares_the_search_budget(limited):
    client = limited().test_client()
    client.get(SEARCH)
    client.get("/carte/lieux.json?postcode=5000")
    assert client.get(SEARCH).status_code == 429


def test_health_static_files_and_group_pages_are_never_limited(limited):
    app = limited()
    client = app.test_client()
    for _ in range(3):
        client.get(SEARCH)
    assert client.get(SEARCH).status_code == 429
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/static/css/finder.css").status_code == 200
    with app.test_request_context():
        from flask import url_for

        from finder.db import get_store
        slug = get_store().all_groups()[0].slug
        url = url_for("pages.group", slug=slug)
    for _ in range(5):
        assert client.get(url).status_code == 200


def test_each_visitor_has_a_budget_of_their_own(limited):
    client = limited().test_client()
    for _ in range(2):
        from_address(client, SEARCH, "192.0.2.1")
    assert from_address(client, SEARCH, "192.0.2.1").status_code == 429
    assert from_address(client, SEARCH, "192.0.2.2").status_code == 200


def test_a_forged_forwarded_for_does_not_buy_a_new_budget(limited):
    client = limited().test_client()
    for i in range(2):
        from_address(client, SEARCH, "192.0.2.1", headers={"X-Forwarded-For": f"10.0.0.{i}"})
    forged = from_address(client, SEARCH, "192.0.2.1", headers={"X-Forwarded-For": "10.9.9.9"})
    assert forged.status_code == 429


def test_behind_a_configured_proxy_visitors_are_told_apart(limited):
    """All traffic arrives from the proxy (127.0.0.1); FINDER_PROXY_COUNT=1 trusts its header."""
    client = limited(PROXY_COUNT=1).test_client()
    for _ in range(2):
        from_address(client, SEARCH, "127.0.0.1", headers={"X-Forwarded-For": "198.51.100.1"})
    assert from_address(client, SEARCH, "127.0.0.1",
                        headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    other = from_address(client, SEARCH, "127.0.0.1",
                         headers={"X-Forwarded-For": "198.51.100.2"})
    assert other.status_code == 200


def test_a_partner_server_can_be_exempted(limited):
    client = limited(RATELIMIT_EXEMPT="203.0.113.0/24").test_client()
    statuses = {from_address(client, API, "203.0.113.9").status_code for _ in range(6)}
    assert statuses == {200}
    for _ in range(2):
        from_address(client, API, "198.51.100.3")
    assert from_address(client, API, "198.51.100.3").status_code == 429


def test_an_invalid_exemption_list_stops_the_app(make_app):
    with pytest.raises(StartupError, match="FINDER_RATELIMIT_EXEMPT"):
        make_app(RATELIMIT_EXEMPT="pas-une-adresse")


def test_limits_come_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("FINDER_RATELIMIT_ENABLED", "true")
    monkeypatch.setenv("FINDER_RATELIMIT_API", "1/minute")
    app = make_app()
    assert app.config["RATELIMIT_ENABLED"] is True
    client = app.test_client()
    assert client.get("/api/v1/chapters").status_code == 200
    assert client.get("/api/v1/chapters").status_code == 429


def test_production_defaults_are_generous_and_on(make_app):
    app = make_app(TESTING=False)
    assert app.config["RATELIMIT_ENABLED"] is True
    assert app.config["RATELIMIT_SEARCH"] == "120/minute"
    assert app.config["RATELIMIT_API"] == "600/minute"
    assert app.config["RATELIMIT_EMBED"] == "600/minute"
    assert app.config["RATELIMIT_BULK"] == "10/minute"


def test_the_local_counters_start_again_after_their_window():
    import time

    from finder.web.ratelimit import LocalStorage
    storage = LocalStorage()
    assert [storage.incr("k", 0.2) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > time.time()
    time.sleep(0.25)
    assert storage.get("k") == 0
    assert storage.incr("k", 0.2) == 1


def test_the_default_storage_is_the_local_one(limited):
    app = limited()
    limiter = app.extensions["finder_ratelimit"]["limiter"]
    from finder.web.ratelimit import LocalStorage
    assert isinstance(limiter.storage, LocalStorage)
