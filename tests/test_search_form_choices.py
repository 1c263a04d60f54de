"""The search form's choices (themes, communes) are computed once, yet always current."""
from __future__ import annotations

import re
from html import unescape

from finder.db import get_store
from finder.geography import load_geography
from finder.models import CHAPTERS
from finder.store import Store
from tests.conftest import group_row, write_inventory


def theme_choices(html: str) -> list[tuple[str, list[str]]]:
    """[(optgroup label, [theme, ...]), ...] of the page's theme select."""
    select = html.split('<select id="theme" name="theme">')[1].split("</select>")[0]
    return [(unescape(label), [unescape(t) for t in re.findall(r'<option value="([^"]*)"', body)])
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>',
                                          select, re.S)]


def commune_options(html: str) -> list[tuple[str, str]]:
    datalist = html.split('<datalist id="communes">')[1].split("</datalist>")[0]
    return [(unescape(v), unescape(p))
            for v, p in re.findall(r'<option value="([^"]*)" label="([^"]*)">', datalist)]


def import_file(app, path) -> None:
    """Replace the inventory with path (--force: it removes most of the demo, on purpose)."""
    result = app.test_cli_runner().invoke(args=["import", "--force", str(path)])
    assert result.exit_code == 0, result.output


def test_themes_offered_are_those_of_each_chapter(demo_app):
    html = demo_app.test_client().get("/").get_data(as_text=True)
    with demo_app.test_request_context():
        store = get_store()
        expected = [(title, store.themes(slug)) for slug, title, _ in CHAPTERS
                    if store.themes(slug)]
    assert len(expected) >= 3
    assert theme_choices(html) == expected


def test_an_import_shows_its_themes_on_the_next_page(demo_app, tmp_path):
    client = demo_app.test_client()
    before = theme_choices(client.get("/").get_data(as_text=True))
    assert sum(len(ts) for _, ts in before) > 20         # the demo's themes
    new = write_inventory(tmp_path / "new.csv", [group_row(
        group_id="groupe-neuf", chapter="handicap", themes="Thème tout neuf")])
    import_file(demo_app, new)
    for url in ("/", "/embed"):
        after = theme_choices(client.get(url).get_data(as_text=True))
        assert after == [("Le handicap", ["Thème tout neuf"])], url


def test_theme_choices_are_read_once_per_inventory(demo_app, tmp_path, monkeypatch):
    calls = []
    real = Store.themes_by_chapter

    def spy(self):
        calls.append(1)
        return real(self)
    monkeypatch.setattr(Store, "themes_by_chapter", spy)
    monkeypatch.setattr(Store, "themes", lambda *a, **k: pytest_fail("a query per chapter"))
    client = demo_app.test_client()
    for url in ("/", "/?postcode=5000&chapter=maladie", "/embed?lock=chapter&chapter=maladie"):
        assert client.get(url).status_code == 200
    assert len(calls) == 1
    import_file(demo_app, write_inventory(tmp_path / "new.csv", [group_row(themes="Autre")]))
    assert "Autre" in client.get("/").get_data(as_text=True)
    assert len(calls) == 2


def pytest_fail(message: str):
    raise AssertionError(message)


def test_commune_list_is_complete_escaped_and_unchanged_by_callers(demo_app, geo_dir):
    geography = load_geography(geo_dir)
    geography.communes_by_province()["Province de Namur"].clear()   # a careless caller
    client = demo_app.test_client()
    for _ in range(2):                       # rendered once, then from memory: same list
        html = client.get("/").get_data(as_text=True)
        options = commune_options(html)
        assert len(options) == 281
        assert ("Namur", "Province de Namur") in options
        assert 'value="Braine-l&#39;Alleud" label="Province du Brabant Wallon"' in html
    assert len(geography.communes_by_province()["Province de Namur"]) == 38
