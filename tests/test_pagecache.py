"""Rendered search pages from memory: same page, fresh nonce, invalidated by an import."""
from __future__ import annotations

import re

import pytest

from finder.web import pagecache
from tests.conftest import DEMO_INVENTORY, group_row, write_inventory

URL = "/?postcode=5000&radius_km=20"
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def cached_app(make_app):
    app = make_app(PAGE_CACHE_BYTES=4 * 1024 * 1024)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    return app


def renders(monkeypatch) -> list:
    """Count the real renders of the finder page behind the cache."""
    from finder.web import pages
    calls = []
    real = pages.render_finder

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(pages, "render_finder", spy)
    return calls


def test_the_same_page_twice_is_rendered_once_with_a_fresh_nonce(cached_app, monkeypatch):
    calls = renders(monkeypatch)
    client = cached_app.test_client()
    first, second = client.get(URL), client.get(URL)
    assert first.status_code == second.status_code == 200
    assert len(calls) == 1
    one, two = first.get_data(as_text=True), second.get_data(as_text=True)
    nonces_one, nonces_two = set(NONCE.findall(one)), set(NONCE.findall(two))
    assert len(nonces_one) == len(nonces_two) == 1 and nonces_one != nonces_two
    (nonce,) = nonces_two
    assert f"'nonce-{nonce}'" in second.headers["Content-Security-Policy"]
    assert one.replace(nonces_one.pop(), "N") == two.replace(nonce, "N")
    assert cached_app.extensions["finder_page_cache"].stats()["hits"] == 1


def test_another_search_or_an_import_renders_again(cached_app, tmp_path, monkeypatch):
    calls = renders(monkeypatch)
    client = cached_app.test_client()
    client.get(URL)
    client.get(URL + "&chapter=maladie")
    assert len(calls) == 2
    new = write_inventory(tmp_path / "nouveau.csv", [group_row(
        group_id="groupe-apres-import", name="Groupe après import")])
    assert cached_app.test_cli_runner().invoke(args=["import", str(new), "--force"]).exit_code == 0
    page = client.get(URL).get_data(as_text=True)
    assert len(calls) == 3 and "Groupe après import" in page


def test_errors_are_not_kept(cached_app, monkeypatch):
    calls = renders(monkeypatch)
    client = cached_app.test_client()
    assert client.get("/?radius_km=9999").status_code == 400
    assert client.get("/?radius_km=9999").status_code == 400
    assert len(calls) == 2


def test_the_embed_keeps_its_framing_when_served_from_memory(make_app):
    app = make_app(PAGE_CACHE_BYTES=4 * 1024 * 1024,
                   EMBED_FRAME_ANCESTORS="https://partenaire.example")
    if "embed.embed" not in app.view_functions:
        pytest.skip("/embed is not written yet")
    client = app.test_client()
    first, second = client.get("/embed?postcode=5000"), client.get("/embed?postcode=5000")
    assert app.extensions["finder_page_cache"].stats()["hits"] == 1
    for response in (first, second):
        assert "https://partenaire.example" in response.headers["Content-Security-Policy"]


def test_the_budget_evicts_the_oldest_pages():
    cache = pagecache.PageCache(budget=40000)
    for i in range(5):
        cache.put(("page", i), "x" * 9000, None)
    assert cache.get(("page", 0)) is None and cache.get(("page", 4)) is not None
    assert cache.stats()["bytes"] <= 40000


def test_off_in_tests_unless_asked(app):
    assert app.extensions["finder_page_cache"].budget == 0
