"""/healthz: 200 when geography and an inventory are loaded, 503 with the reason otherwise."""
from __future__ import annotations

from finder.geography import load_geography
from tests.conftest import DEMO_GROUPS, DEMO_INVENTORY, DEMO_PLACELESS, DEMO_PLACES


def test_healthy_with_the_demo_inventory(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["geography"]["communes"] == 281
    assert body["geography"]["postcodes"] > 500
    database = body["database"]
    assert (database["groups"], database["places"]) == (DEMO_GROUPS, DEMO_PLACES)
    assert database["services_without_place"] == DEMO_PLACELESS
    assert database["demo"] is True
    assert database["inventory_version"] >= 1 and database["imported_at"]
    assert response.headers["Cache-Control"] == "no-store"


def test_unavailable_until_an_inventory_is_imported(app):
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert "Inventaire vide" in body["problem"] and "import" in body["problem"]
    assert body["geography"]["communes"] == 281
    app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    assert client.get("/healthz").status_code == 200


def test_unavailable_when_the_geography_is_gone(demo_app, tmp_path):
    demo_app.config["GEO_DIR"] = str(tmp_path / "nulle-part")
    load_geography.cache_clear()
    try:
        response = demo_app.test_client().get("/healthz")
    finally:
        load_geography.cache_clear()
    assert response.status_code == 503
    body = response.get_json()
    assert "FINDER_GEO_DIR" in body["problem"]
    assert body["database"]["groups"] == DEMO_GROUPS


def test_says_nothing_about_visitors_and_is_never_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="1/minute",
                   RATELIMIT_API="1/minute", RATELIMIT_EMBED="1/minute")
    app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    client = app.test_client()
    client.get("/?postcode=5000")
    for _ in range(5):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert "5000" not in response.get_data(as_text=True)


def test_shows_visitors_the_cause_but_no_file_path(demo_app, tmp_path, caplog):
    geo = tmp_path / "dossier-secret" / "geo"
    demo_app.config["GEO_DIR"] = str(geo)
    load_geography.cache_clear()
    try:
        with caplog.at_level("ERROR", logger="finder.web.health"):
            response = demo_app.test_client().get("/healthz")
    finally:
        load_geography.cache_clear()
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "dossier-secret" not in text and str(tmp_path) not in text
    assert "n'existe pas" in response.get_json()["problem"]        # the cause is still said
    assert str(geo) in caplog.text                                   # the details: in the log
