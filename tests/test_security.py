"""Security headers on every response, CSP nonces, proxies and fingerprinted static files."""
from __future__ import annotations

import re

import pytest

from finder.db import StartupError
from finder.web.security import (SecurityConfigError, content_security_policy,
                                 frame_ancestors_source, tile_source)
from finder.web.static_cache import ONE_YEAR, file_digest

NONCE_TAG = re.compile(r'<script\b[^>]*\bnonce="([^"]+)"')


def csp(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: (d.split(" ", 1) + [""])[1]
            for d in (p.strip() for p in header.split(";")) if d}


def assert_common_headers(response) -> None:
    policy = csp(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"].startswith("'self'")
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["img-src"].startswith("'self' data:")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["Permissions-Policy"]
    assert "geolocation=(self)" in permissions
    assert "camera=()" in permissions and "microphone=()" in permissions


@pytest.mark.parametrize("url", [
    "/", "/?postcode=5000&radius_km=20", "/healthz", "/api/v1/chapters",
    "/static/css/finder.css", "/n-existe-pas", "/api/v1/n-existe-pas",
])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code < 500
    assert_common_headers(response)


def test_the_page_inline_script_carries_this_responses_nonce_and_only_it(client):
    first = client.get("/?postcode=5000&radius_km=20")
    html = first.get_data(as_text=True)
    nonces = set(NONCE_TAG.findall(html))
    assert len(nonces) == 1, "the finder page has one inline script, with its nonce"
    nonce = nonces.pop()
    assert f"'nonce-{nonce}'" in csp(first)["script-src"]
    # Every inline script has it: without the nonce the browser would block it.
    inline = re.findall(r"<script\b(?![^>]*\bsrc=)([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline
    second = client.get("/?postcode=5000&radius_km=20")
    again = NONCE_TAG.findall(second.get_data(as_text=True))
    assert again and again[0] != nonce, "a nonce must never be reused"


def test_json_answers_allow_no_inline_script(client):
    policy = csp(client.get("/api/v1/chapters"))
    assert policy["script-src"] == "'self'"


def test_pages_may_only_be_framed_by_ourselves(client):
    response = client.get("/")
    assert csp(response)["frame-ancestors"] == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embed_may_be_framed_as_configured(make_app):
    app = make_app(EMBED_FRAME_ANCESTORS="https://partenaire.example")
    response = app.test_client().get("/embed")
    assert response.status_code == 200
    ancestors = csp(response)["frame-ancestors"].split()
    assert "https://partenaire.example" in ancestors
    assert "X-Frame-Options" not in response.headers
    anyone = make_app(EMBED_FRAME_ANCESTORS="*").test_client().get("/embed")
    assert csp(anyone)["frame-ancestors"] == "*"


def test_tiles_are_allowed_from_the_configured_tile_server_only(make_app):
    osm = make_app(TILE_URL="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    policy = csp(osm.test_client().get("/healthz"))
    assert policy["img-src"] == "'self' data: https://*.tile.openstreetmap.org"
    local = make_app()          # the tests' TILE_URL is a path on our own server
    assert csp(local.test_client().get("/healthz"))["img-src"] == "'self' data:"


@pytest.mark.parametrize("tile_url, source", [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
    ("/tiles/{z}/{x}/{y}.png", ""),
])
def test_tile_source(tile_url, source):
    assert tile_source(tile_url) == source


@pytest.mark.parametrize("bad", [
    "javascript:alert(1)", "https://evil.example; script-src *", "ftp://tiles.example/{z}",
    "https://tiles example.org/{z}/{x}/{y}.png",
])
def test_a_tile_url_that_would_break_the_policy_is_refused(bad):
    with pytest.raises(SecurityConfigError, match="TILE_URL"):
        tile_source(bad)


def test_a_bad_tile_url_stops_the_app_at_start_up(make_app):
    with pytest.raises(StartupError, match="FINDER_TILE_URL"):
        make_app(TILE_URL="https://evil.example; script-src *")


def test_frame_ancestors_cannot_smuggle_a_directive():
    assert frame_ancestors_source("https://a.example https://b.example:8443") == \
        "https://a.example https://b.example:8443"
    assert frame_ancestors_source("*") == "*"
    assert frame_ancestors_source("'self' https://a.example") == "'self' https://a.example"
    for odd in ("https://a.example; script-src *", "'unsafe-inline'", "https://a.example/x",
                ""):
        assert frame_ancestors_source(odd) == "'none'", odd


def test_the_policy_allows_inline_scripts_only_by_nonce():
    without = content_security_policy(nonce=None, tiles="", frame_ancestors="'self'")
    assert "script-src 'self';" in without
    with_nonce = content_security_policy(nonce="abc", tiles="", frame_ancestors="'self'")
    assert "script-src 'self' 'nonce-abc';" in with_nonce


def test_hsts_only_over_https(client, make_app):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(make_app):
    direct = make_app().test_client()
    spoofed = direct.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    proxied = make_app(PROXY_COUNT=1).test_client()
    behind_tls = proxied.get("/healthz", headers={"X-Forwarded-Proto": "https",
                                                   "X-Forwarded-For": "198.51.100.7"})
    assert "Strict-Transport-Security" in behind_tls.headers


def test_search_pages_are_kept_out_of_shared_caches(client):
    response = client.get("/?postcode=5000&radius_km=20")
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert "private" in cache or "no-store" in cache


# -- fingerprinted static files ----------------------------------------------------------

def test_static_urls_carry_the_content_hash_and_are_cached_for_a_year(demo_app):
    from flask import url_for
    with demo_app.test_request_context():
        url = url_for("static", filename="css/finder.css")
    digest = file_digest(str(demo_app.static_folder) + "/css/finder.css")
    assert url == f"/static/css/finder.css?v={digest}"
    client = demo_app.test_client()
    response = client.get(url)
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert f"max-age={ONE_YEAR}" in cache and "immutable" in cache and "public" in cache
    assert "Expires" not in response.headers


def test_a_stale_or_missing_version_is_not_cached_for_a_year(client):
    for url in ("/static/css/finder.css", "/static/css/finder.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_pages_link_fingerprinted_assets(client):
    html = client.get("/").get_data(as_text=True)
    local = re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', html)
    assert local, "the home page links no stylesheet or script of ours"
    assert all("?v=" in url for url in local), local


def test_self_hosted_leaflet_is_fingerprinted_too(demo_app):
    from flask import url_for
    with demo_app.test_request_context():
        url = url_for("assets.leaflet", filename="leaflet.js")
    assert "?v=" in url
    response = demo_app.test_client().get(url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_styles_come_from_stylesheets_only_on_every_kind_of_page(client):
    """style-src 'self': no page may carry a <style> element or a style attribute."""
    for path, status in (("/", 200), ("/?postcode=5000&radius_km=20", 200),
                         ("/groupes/" + _a_group_with_places(client), 200),
                         ("/groupes/inconnu", 404), ("/embed?postcode=5000", 200),
                         ("/embed/builder", 200), ("/admin/connexion", 200),
                         ("/proposer", 200),
                         ("/?radius_km=abc", 400)):
        response = client.get(path)
        assert response.status_code == status, path
        policy = csp(response)
        assert policy["style-src"] == "'self'", path
        html = response.get_data(as_text=True)
        assert "<style" not in html.lower(), path
        assert not re.search(r"<[^>]+\sstyle\s*=", html), path


def _a_group_with_places(client) -> str:
    groups = client.get("/api/v1/groups").get_json()["groups"]
    return next(g["slug"] for g in groups if g.get("places"))


# -- the public base URL and trusted hosts ------------------------------------------------------

FEED = "/api/v1/meeting-guide.json"


def public_app(make_app, **config):
    from tests.conftest import DEMO_INVENTORY
    app = make_app(**config)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    return app


def test_a_forged_host_is_never_written_into_the_feed_or_the_contract(make_app):
    """Without the setting, absolute URLs still never come from the Host header."""
    client = public_app(make_app).test_client()
    feed = client.get(FEED, headers={"Host": "evil.example"})
    assert feed.status_code == 200 and "public" in feed.headers["Cache-Control"]
    assert "evil.example" not in feed.get_data(as_text=True)
    assert all(m["url"].startswith("http://127.0.0.1:5000/groupes/") for m in feed.get_json())
    contract = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"})
    assert contract.get_json()["servers"] == [{"url": "http://127.0.0.1:5000"}]
    group_path = feed.get_json()[0]["url"].removeprefix("http://127.0.0.1:5000")
    page = client.get(group_path, headers={"Host": "evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.get_data(as_text=True)


def test_absolute_urls_come_from_the_public_base_url(make_app):
    client = public_app(make_app, PUBLIC_BASE_URL="https://entraide.example/").test_client()
    feed = client.get(FEED, headers={"Host": "entraide.example"})
    assert feed.status_code == 200
    assert all(m["url"].startswith("https://entraide.example/groupes/") for m in feed.get_json())
    contract = client.get("/api/v1/openapi.json", headers={"Host": "entraide.example"})
    assert contract.get_json()["servers"] == [{"url": "https://entraide.example"}]
    embed = client.get("/embed?postcode=5000", headers={"Host": "entraide.example"})
    assert 'href="https://entraide.example/?postcode=5000' in embed.get_data(as_text=True)


def test_with_a_public_base_url_other_hosts_are_refused(make_app):
    app = public_app(make_app, PUBLIC_BASE_URL="https://entraide.example",
                     ALLOWED_HOSTS="127.0.0.1 sante.example")
    client = app.test_client()
    for host in ("entraide.example", "127.0.0.1:8000", "sante.example"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    refused = client.get(FEED, headers={"Host": "evil.example"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"
    page = client.get("/", headers={"Host": "evil.example"})
    assert page.status_code == 400 and "Recherche impossible" in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["entraide.example", "ftp://entraide.example",
                                   "https://entraide.example/?x=1", "https://",
                                   "https://user:pw@entraide.example", "https://a..b"])
def test_a_public_base_url_that_is_not_one_stops_the_app(make_app, value):
    with pytest.raises(StartupError, match="FINDER_PUBLIC_BASE_URL"):
        make_app(PUBLIC_BASE_URL=value)
