"""Free-text search ("De quoi s'agit-il ?"): real queries on the demonstration inventory,
the ranking of relevance against distance, spelling, and what the search understood."""
from __future__ import annotations

import pytest

from finder.search import RELEVANCE_KM
from finder.text import fold
from tests.conftest import group_row
from tests.test_pages import import_rows, text_of


def api(client, query: str, status: int = 200) -> dict:
    response = client.get("/api/v1/search?" + query)
    assert response.status_code == status, (query, response.get_json())
    return response.get_json()


def themes(result) -> str:
    return fold(" ".join(result["group"]["themes"]))


@pytest.mark.parametrize("query, postcode, theme_word", [
    ("parkinson", "5000", "parkinson"),
    ("alzheimer", "4000", "alzheimer"),
    ("deuil", "1000", "deuil"),
])
def test_the_right_group_comes_first_near_the_person(client, query, postcode, theme_word):
    found = api(client, f"q={query}&postcode={postcode}&radius_km=100")
    results = found["results"]
    assert results, found
    first = results[0]
    assert theme_word in themes(first)
    # No group about it is both nearer and at least as relevant as the one shown first.
    for other in results[1:]:
        assert not (other["distance_km"] < first["distance_km"]
                    and other["relevance"] >= first["relevance"]), other["group"]["name"]
    # Both figures are given, and the order is the one the README describes.
    ranks = [r["rank_km"] for r in results]
    assert ranks == sorted(ranks)
    for r in results:
        assert r["rank_km"] == pytest.approx(
            r["distance_km"] + RELEVANCE_KM * (1 - r["relevance"]), abs=0.06)  # shown: 0.1 km


def test_parkinson_near_namur_is_the_namur_group(client):
    first = api(client, "q=parkinson&postcode=5000")["results"][0]
    assert first["place"]["commune"]["name"] == "Namur"
    assert "Parkinson" in first["group"]["name"]


def test_alzheimer_near_liege_is_the_liege_league(client):
    first = api(client, "q=Alzheimer&postcode=4000")["results"][0]
    assert first["place"]["commune"]["name"] == "Liège"
    assert first["distance_km"] < 1


def test_unaccented_sclerose_finds_multiple_sclerosis(client):
    plain = api(client, "q=sclerose")
    accented = api(client, "q=SCLÉROSE")
    assert plain["count"] >= 1
    assert all("sclerose en plaques" in themes(r) for r in plain["results"])
    assert [r["place"] for r in plain["results"]] == [r["place"] for r in accented["results"]]


def test_a_prefix_finds_the_word(client):
    names = {r["group"]["name"] for r in api(client, "q=fibro")["results"]}
    assert {"My Fibro (cafés-fibro)", "Focus Fibromyalgie Belgique"} <= names
    alzh = api(client, "q=alzh&postcode=4000")["results"]
    assert alzh and all("alzheimer" in themes(r) for r in alzh)


def test_hyphens_and_apostrophes_do_not_matter(client):
    a = api(client, "q=cafés-fibro")["results"]
    b = api(client, "q=cafes fibro")["results"]
    assert a and [r["group"]["slug"] for r in a] == [r["group"]["slug"] for r in b]
    assert api(client, "q=d’Alzheimer")["count"] == api(client, "q=d'alzheimer")["count"] > 0


def test_a_misspelling_is_corrected_and_said(client):
    found = api(client, "q=alzeimer&postcode=4000")
    assert found["results"] and "alzheimer" in themes(found["results"][0])
    assert {"typed": "alzeimer", "searched_for": "alzheimer"} in found["text"]["corrections"]
    html = client.get("/?q=alzeimer&postcode=4000").get_data(as_text=True)
    assert "nous avons aussi cherché" in html and "alzheimer" in html


def test_text_combines_with_the_other_filters(client):
    everything = api(client, "q=deuil")
    in_ottignies = api(client, "q=deuil&commune=Ottignies-Louvain-la-Neuve")
    assert 0 < in_ottignies["count"] < everything["count"]
    assert all(r["place"]["commune"]["name"] == "Ottignies-Louvain-la-Neuve"
               for r in in_ottignies["results"])
    chapter = api(client, "q=deuil&chapter=troubles-du-comportement")["results"]
    assert chapter and all(r["group"]["chapter"] == "troubles-du-comportement" for r in chapter)


def test_the_page_and_the_embed_search_the_same_words(client):
    api_names = [r["group"]["name"] for r in api(client, "q=parkinson&postcode=5000")["results"]]
    for path in ("/", "/embed"):
        html = client.get(f"{path}?q=parkinson&postcode=5000").get_data(as_text=True)
        assert "pour « parkinson »" in html.replace("\u00a0", " ")
        for name in api_names:
            assert name in html


def _two_places(app, tmp_path, strong_where: dict, weak_where: dict):
    """A group about bereavement (theme) and one mentioning it once in its description."""
    return import_rows(app, tmp_path, [
        group_row(group_id="strong", name="Groupe deuil", themes="deuil", **strong_where),
        group_row(group_id="weak", name="Café des voisins", themes="isolement",
                  description="On y parle de tout, parfois aussi de deuil.", **weak_where),
        group_row(group_id="other", name="Groupe diabète", themes="diabète"),
    ])


def test_a_weak_match_nearby_is_not_buried_under_a_strong_match_far_away(make_app, tmp_path):
    app = _two_places(make_app(), tmp_path,
                      dict(postcode="6700", locality="Arlon", commune="Arlon"),
                      dict(postcode="5000", locality="Namur", commune="Namur"))
    results = api(app.test_client(), "q=deuil&postcode=5000&radius_km=100")["results"]
    assert [r["group"]["slug"] for r in results] == ["weak"]   # Arlon is > 100 km away
    results = api(app.test_client(), "q=deuil&postcode=5000")["results"]
    assert [r["group"]["slug"] for r in results] == ["weak"]
    both = api(app.test_client(), "q=deuil&lat=50.4669&lon=4.8675&radius_km=100")
    assert both["count"] == 1
    # Without a radius (commune chosen, or no origin) both show, the strong first.
    no_origin = api(app.test_client(), "q=deuil")["results"]
    assert [r["group"]["slug"] for r in no_origin] == ["strong", "weak"]
    assert no_origin[0]["relevance"] == 1 and no_origin[1]["relevance"] < 1


def test_a_strong_match_at_the_same_distance_comes_first(make_app, tmp_path):
    namur = dict(postcode="5000", locality="Namur", commune="Namur")
    app = _two_places(make_app(), tmp_path, namur, namur)
    results = api(app.test_client(), "q=deuil&postcode=5000")["results"]
    assert [r["group"]["slug"] for r in results] == ["strong", "weak"]
    assert results[0]["distance_km"] == results[1]["distance_km"]
    assert results[0]["rank_km"] < results[1]["rank_km"]


def test_a_weak_match_nearby_comes_before_a_strong_one_far_away_both_in_range(
        make_app, tmp_path):
    app = _two_places(make_app(), tmp_path,
                      dict(postcode="7000", locality="Mons", commune="Mons"),
                      dict(postcode="5100", locality="Jambes", commune="Namur"))
    found = api(app.test_client(), "q=deuil&postcode=5000&radius_km=100")["results"]
    assert [r["group"]["slug"] for r in found] == ["weak", "strong"]
    weak, strong = found
    assert weak["distance_km"] < 10 and strong["distance_km"] > 50
    assert weak["relevance"] < strong["relevance"] == 1
    # From Mons, the strong match is the nearer one too: it comes first.
    from_mons = api(app.test_client(), "q=deuil&postcode=7000&radius_km=100")["results"]
    assert [r["group"]["slug"] for r in from_mons] == ["strong", "weak"]


# ----- no result, bad input, hostile input ---------------------------------------------

def test_no_result_says_so_and_offers_what_exists(client):
    found = api(client, "q=mucoviscidose&postcode=5000")
    assert found["count"] == 0 and found["text"]["matched_groups"] == 0
    assert found["everywhere"], "the services reachable from everywhere are offered"
    html = client.get("/?q=mucoviscidose&postcode=5000").get_data(as_text=True)
    text = text_of(html)
    assert "Aucun groupe pour « mucoviscidose » à moins de 20 km" in text
    assert "Aucun groupe du répertoire ne parle de « mucoviscidose »" in text
    assert "Chercher à moins de" not in text     # no distance would find it
    assert 'href="tel:107"' in html.split('class="no-match"')[1]    # crisis lines, there
    assert "Accessibles de partout" in html


def test_no_result_offers_the_nearest_groups_of_the_chapter_the_words_point_to(
        make_app, tmp_path):
    app = import_rows(make_app(), tmp_path, [
        group_row(group_id="diabete-namur", name="Groupe diabète", themes="diabète"),
        group_row(group_id="diabete-liege", name="Diabète Liège", themes="diabète",
                  postcode="4000", locality="Liège", commune="Liège"),
        group_row(group_id="deuil", name="Groupe deuil", chapter="situation-sociale",
                  themes="deuil"),
    ])
    client = app.test_client()
    # "alzheimer" is in the thesaurus (chapter maladie); no group of this inventory has it.
    found = api(client, "q=alzheimer&postcode=4000")
    assert found["count"] == 0 and found["text"]["chapter"] == "maladie"
    assert [r["group"]["slug"] for r in found["suggested"]] == ["diabete-liege",
                                                                "diabete-namur"]
    html = client.get("/?q=alzheimer&postcode=4000").get_data(as_text=True)
    assert "Les groupes les plus proches du sujet" in html and "Diabète Liège" in html
    assert "Groupe deuil" not in html
    # The closest themes that exist are offered as links.
    nearby = api(client, "q=diabetes")["text"]
    assert nearby["matched_groups"] > 0 or "diabète" in nearby["closest_themes"]


@pytest.mark.parametrize("q", ["x" * 101, "%%% !!! ???", "<<<>>>", "…", "le groupe de la"])
def test_too_long_or_symbols_only_is_a_french_message_never_a_500(client, q):
    from urllib.parse import quote
    error = api(client, "q=" + quote(q), status=400)["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == "q"
    assert "recherche" in error["message"].lower()
    response = client.get("/?q=" + quote(q))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error["message"].replace("'", "&#39;") in html or error["message"] in html
    assert client.get("/embed?q=" + quote(q)).status_code == 200


XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>deuil"\''


def test_an_xss_payload_in_q_is_text_everywhere(client):
    from urllib.parse import quote
    for path in ("/", "/embed", "/embed/builder"):
        html = client.get(f"{path}?q={quote(XSS)}").get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        if path != "/embed/builder":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    found = client.get(f"/api/v1/search?q={quote(XSS)}")
    assert found.status_code == 200 and found.mimetype == "application/json"
    assert found.get_json()["text"]["query"] == XSS         # data, not markup
    assert client.get(f"/api/v1/suggest?q={quote(XSS)}").mimetype == "application/json"
    html = client.get(f"/?q={quote(XSS)}&postcode=1000").get_data(as_text=True)
    assert "<script>alert(1)" not in html
