"""The thesaurus of lay words (data/thesaurus.csv): what people say finds the inventory's
groups, the same way in every output, and never claims what the data does not say."""
from __future__ import annotations

import pytest

from finder.config import data_file
from finder.db import get_inventory
from finder.text import fold
from finder.thesaurus import THESAURUS_NAME, ThesaurusError, read_thesaurus


def api(client, query: str) -> dict:
    response = client.get("/api/v1/search?" + query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def all_themes(found: dict) -> list[str]:
    return [fold(" ".join(r["group"]["themes"])) for r in found["results"]] + \
        [fold(" ".join(g["themes"])) for g in found["everywhere"]]


def test_the_shipped_thesaurus_reads_and_every_target_finds_a_group(demo_app):
    thesaurus = read_thesaurus(data_file(THESAURUS_NAME))
    assert len(thesaurus.entries) > 50
    with demo_app.app_context():
        inventory = get_inventory()
        store, index = inventory.store(), inventory.text_index
        dead = [t for t in thesaurus.targets()
                if not store.text_matches('"' + t + '"*')]
        assert index.thesaurus.entries == thesaurus.entries
    # A target that finds nothing in the inventory is a typo in the file, or a theme the
    # inventory lost: either way the maintainer should know (this test tells them).
    assert dead == []


@pytest.mark.parametrize("typed, theme_word", [
    ("boire", "alcool"),
    ("mon fils boit", "alcool entourage"),
    ("SEP", "sclerose en plaques"),
    ("perdu mon bébé", "deuil perinatal"),
    ("fausse couche", "deuil perinatal"),
    ("idées noires", "suicid"),
    ("cancer du sein", "cancer du sein"),
])
def test_lay_words_find_the_groups_of_the_theme(client, typed, theme_word):
    found = api(client, f"q={typed}")
    themes = all_themes(found)
    assert themes, typed
    assert theme_word in themes[0] or any(theme_word in t for t in themes[:3])
    assert found["text"]["expansions"], "the API says which expression it used"


def test_my_son_drinks_finds_the_groups_for_relatives_not_every_alcohol_group(client):
    found = api(client, "q=mon fils boit")
    names = [r["group"]["name"] for r in found["results"]]
    assert any("Al-Anon" in n for n in names)
    assert not any(n.startswith("Alcooliques Anonymes") for n in names)


def test_proche_finds_groups_for_relatives(client):
    found = api(client, "q=proche aidant")
    assert found["count"] > 0
    for r in found["results"]:
        said = fold(" ".join(r["group"]["audience"] + r["group"]["themes"]))
        assert "proches" in said or "entourage" in said


def test_the_page_says_what_the_thesaurus_searched(client):
    html = client.get("/?q=SEP").get_data(as_text=True).replace("\u00a0", " ")
    assert "Nous avons aussi cherché" in html and "→ sclérose en plaques" in html
    assert "Ligue belge de la sclérose en plaques" in html


def test_longest_expression_wins_and_files_are_checked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("expression,search_for,chapter,note\n"
                    "seul,isolement,,\nseul avec mes enfants,monoparental,situation-sociale,\n",
                    encoding="utf-8")
    thesaurus = read_thesaurus(path)
    words = ["je", "suis", "seul", "avec", "mes", "enfants"]
    assert thesaurus.find(words, 2).search_for == ("monoparental",)
    assert thesaurus.find(["seul"], 0).search_for == ("isolement",)
    path.write_text("expression,search_for,chapter\nboire,alcool,nulle-part\n", encoding="utf-8")
    with pytest.raises(ThesaurusError, match="ligne 2"):
        read_thesaurus(path)
    path.write_text("mot,cible\nboire,alcool\n", encoding="utf-8")
    with pytest.raises(ThesaurusError, match="colonnes manquantes"):
        read_thesaurus(path)


def test_a_broken_thesaurus_stops_start_up_with_a_french_message(make_app, tmp_path,
                                                                 monkeypatch):
    import finder.db
    from finder.db import StartupError
    bad = tmp_path / "thesaurus.csv"
    bad.write_text("expression,search_for\nboire,\n", encoding="utf-8")
    monkeypatch.setattr(finder.db, "data_file", lambda name: bad)
    with pytest.raises(StartupError, match="thésaurus illisible.*ligne 2"):
        make_app()
