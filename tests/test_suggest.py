"""Suggestions while typing in "De quoi s'agit-il ?" (/api/v1/suggest and the combobox)."""
from __future__ import annotations

from tests.test_pages import Page


def suggest(client, q: str, status: int = 200) -> dict:
    response = client.get("/api/v1/suggest", query_string={"q": q})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_themes_then_group_names_for_the_start_of_a_word(client):
    found = suggest(client, "park")["suggestions"]
    groups = client.get("/api/v1/groups").get_json()["groups"]
    with_theme = sum("maladie de Parkinson" in g["themes"] for g in groups)
    assert with_theme and found[0] == {"label": "maladie de Parkinson", "kind": "theme",
                                       "groups": with_theme}
    assert any(s["kind"] == "group" and "Parkinson" in s["label"] for s in found)
    kinds = [s["kind"] for s in found]
    assert kinds == sorted(kinds, key=lambda k: k != "theme")


def test_accents_case_and_several_words(client):
    assert [s["label"] for s in suggest(client, "SCLÉRO")["suggestions"]][0] == \
        "sclérose en plaques"
    labels = [s["label"] for s in suggest(client, "deuil péri")["suggestions"]]
    assert labels[0] == "deuil périnatal"


def test_a_thesaurus_word_suggests_the_theme_it_maps_to(client):
    labels = [s["label"] for s in suggest(client, "sep")["suggestions"]]
    assert "sclérose en plaques" in labels


def test_nothing_for_empty_or_one_letter_and_400_for_too_long(client):
    assert suggest(client, "")["suggestions"] == []
    assert suggest(client, "a")["suggestions"] == []
    assert suggest(client, "zzzzzz")["count"] == 0
    error = suggest(client, "x" * 101, status=400)["error"]
    assert error["code"] == "invalid_parameter"


def test_the_field_is_a_plain_text_field_that_the_script_makes_a_combobox(client):
    page = Page(client.get("/").get_data(as_text=True))
    (field,) = page.find("input", name="q")
    assert field["type"] == "text" and "role" not in field       # no JS: a text field
    assert field["data-suggest-url"] == "/api/v1/suggest"
    (listbox,) = page.find("ul", role="listbox")
    assert listbox["id"] == "q-suggestions" and "hidden" in listbox
    assert page.find("p", role="status", **{"aria-live": "polite"})
    assert any("text-suggest.js" in (s.get("src") or "") for s in page.find("script"))
