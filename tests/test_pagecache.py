"""Rendered search pages from memory: same page, fresh nonce, invalidated by an import."""
from __future__ import annotations

import re

import pytest

from finder.web.pagecache import page_key
from tests.conftest import DEMO_INVENTORY, group_row, write_inventory
from werkzeug.datastructures import MultiDict

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
    assert pages_of(cached_app).stats()["hits"] == 1


def pages_of(app):
    """The page cache of the inventory the app serves now."""
    return app.extensions["finder_snapshots"].current().pages


def test_equivalent_addresses_share_one_rendered_page(cached_app, monkeypatch):
    calls = renders(monkeypatch)
    client = cached_app.test_client()
    for url in (URL, "/?radius_km=20&postcode=5000", "/?postcode=5000&radius_km=20&page=1",
                "/?chapter=&postcode=5000&theme=&radius_km=20", "/?postcode=+5000+&radius_km=20"):
        assert client.get(url).status_code == 200, url
    assert len(calls) == 1
    assert pages_of(cached_app).stats()["hits"] == 4
    client.get(URL + "&page=2")            # not the same page: rendered (and refused: 400)
    assert len(calls) == 2


def test_page_key_keeps_what_makes_another_page():
    assert page_key(MultiDict([("b", "2"), ("a", "1"), ("page", "1"), ("c", "")])) == \
        (("a", "1"), ("b", "2"))
    # Two values of one name: the first is the one read, so their order is kept.
    assert page_key(MultiDict([("chapter", "x"), ("chapter", "y")])) != \
        page_key(MultiDict([("chapter", "y"), ("chapter", "x")]))
    assert page_key(MultiDict([("page", "2")])) == (("page", "2"),)


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
    client = app.test_client()
    first, second = client.get("/embed?postcode=5000"), client.get("/embed?postcode=5000")
    assert pages_of(app).stats()["hits"] == 1
    for response in (first, second):
        assert "https://partenaire.example" in response.headers["Content-Security-Policy"]


def test_the_budget_evicts_the_oldest_pages(make_app, monkeypatch):
    app = make_app(PAGE_CACHE_BYTES=80000)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    from finder.web import pages
    monkeypatch.setattr(pages, "render_finder", lambda *a, **k: "x" * 9000)
    client = app.test_client()
    for i in range(12):
        client.get(f"/?postcode=5000&radius_km={(5, 10, 20, 50, 100)[i % 5]}&theme={i}")
    stats = pages_of(app).stats()
    assert stats["weight"] <= 80000 and 0 < stats["entries"] < 12


def test_off_in_tests_unless_asked(demo_app):
    assert pages_of(demo_app).max_weight == 0
