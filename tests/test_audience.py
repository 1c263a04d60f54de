"""For whom / what it offers / free of charge: normalised at import, filtered everywhere."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from finder.audience import audience_kinds
from finder.textindex import is_free
from tests.test_pages import Page


@pytest.mark.parametrize("items, kinds", [
    (["personnes atteintes de SEP", "proches"], ["concernes", "proches"]),
    (["familles et amis de personnes alcooliques"], ["proches"]),
    (["parents ayant perdu un bébé"], ["parents"]),
    (["adolescents (Alateen)"], ["jeunes"]),
    (["jeunes aidants proches (moins de 25 ans)"], ["proches", "jeunes"]),
    (["professionnels", "grand public"], []),
    (["associations de patients et de proches"], []),
    (["toute personne ayant la volonté d'arrêter de boire"], ["concernes"]),
])
def test_audience_text_is_normalised_into_the_fixed_list(items, kinds):
    assert audience_kinds(items) == kinds


@pytest.mark.parametrize("cost, free", [
    ("groupe de parole gratuit", True), ("Gratuit, don libre", True),
    ("ligne d'écoute gratuite", True), ("groupe de parole quasi gratuit", False),
    ("activités à coût réduit", False), ("", False),
])
def test_free_only_where_the_source_says_so(cost, free):
    assert is_free(cost) is free


def api(client, query: str, status: int = 200) -> dict:
    response = client.get("/api/v1/search?" + query)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_for_whom_filter_keeps_the_original_wording(client):
    everyone = api(client, "limit=500")
    relatives = api(client, "audience=proches&limit=500")
    assert 0 < relatives["count"] < everyone["count"]
    for r in relatives["results"] + relatives["everywhere"]:
        group = r.get("group", r)
        assert "proches" in group["audience_kinds"]
        assert group["audience"]          # as written by the source
    young = api(client, "audience=jeunes&limit=500")
    assert young["count"] + len(young["everywhere"]) > 0


def test_offers_and_free_filters(client):
    listening = api(client, "service=ecoute&limit=500")
    assert listening["count"] + len(listening["everywhere"]) > 0
    for r in listening["results"]:
        assert "ecoute" in r["group"]["services"]
    free = api(client, "free=1&limit=500")
    groups = [r["group"] for r in free["results"]] + free["everywhere"]
    assert groups and all(is_free(g["cost"]) for g in groups)
    assert not any("quasi" in g["cost"] for g in groups)


def test_filters_combine_with_words(client):
    both = api(client, "q=fibromyalgie&free=1")
    assert [r["group"]["name"] for r in both["results"]] == ["My Fibro (cafés-fibro)"]


@pytest.mark.parametrize("query", ["audience=martiens", "service=massage", "free=peut-etre"])
def test_unknown_filter_values_are_a_french_400(client, query):
    error = api(client, query, status=400)["error"]
    assert error["code"] == "invalid_parameter" and error["message"]
    assert client.get("/?" + query).status_code == 400


def test_the_page_lists_active_filters_each_with_a_link_that_removes_it(client):
    html = client.get("/?q=deuil&audience=proches&service=groupe-de-parole&free=1"
                      "&postcode=1000").get_data(as_text=True)
    page = Page(html)
    removes = [a["href"] for a in page.with_class("filter-remove", "a")]
    assert len(removes) == 4
    removed = [set(parse_qs(urlsplit(h).query)) for h in removes]
    full = {"q", "audience", "service", "free", "postcode"}
    for name in ("q", "audience", "service", "free"):
        assert full - {name} <= set().union(*removed)
        assert any(name not in r and (full - {name}) <= r | {"radius_km"} for r in removed)
    assert "Filtres actifs" in html


def test_the_form_offers_every_filter_and_works_without_javascript(client):
    page = Page(client.get("/").get_data(as_text=True))
    assert page.find("input", name="q", type="text")
    assert "q" in page.labels_for
    assert {o["value"] for o in page.find("option") if o.get("value") in
            ("concernes", "proches", "jeunes", "parents")} == {"concernes", "proches",
                                                               "jeunes", "parents"}
    assert page.find("select", name="service") and page.find("input", name="free",
                                                              type="checkbox")


def test_embed_presets_and_locks_for_every_filter(client):
    html = client.get("/embed?q=deuil&audience=proches&service=groupe-de-parole&free=1"
                      "&lock=q,audience,service,free").get_data(as_text=True)
    page = Page(html)
    for name, value in (("q", "deuil"), ("audience", "proches"),
                        ("service", "groupe-de-parole"), ("free", "1")):
        assert page.find("input", type="hidden", name=name, value=value), name
    assert not page.find("input", type="text", name="q")
    assert not page.with_class("filter-remove", "a")      # locked: nothing to remove
    builder = Page(client.get("/embed/builder").get_data(as_text=True))
    for name in ("q", "audience", "service", "free"):
        assert builder.find("input", type="checkbox", name="lock", value=name)
