"""What a page in Dutch, German or English says when something typed is not understood:
the place typed (gazetteer messages, translatable.Said), bad parameters, the field errors
of the public forms (validation's messages), the error page's title, the API's errors."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from
from tests.test_fielderrors import status, summary_links, title
from tests.test_pages import text_of


def field_message(html: str, field: str) -> str:
    """The message its aria-describedby names first; the field must be invalid."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag, tag
    ref = re.search(r'aria-describedby="([^" ]+)', tag).group(1)
    return text_of(re.search(rf'<(\w+) class="field-error" id="{ref}">(.*?)</\1>', html,
                             re.S).group(2))


@pytest.mark.parametrize("postcode, lang, words, french", [
    ("Namr", "de", "Keine Gemeinde und keine Ortschaft in der Wallonie oder in Brüssel "
                   "heißt „Namr“.", "Aucune commune"),
    ("9000", "en", "Postcode 9000 is in Flanders: this directory covers Wallonia and "
                   "Brussels.", "est en Flandre"),
    ("75001", "nl", "‘75001’ lijkt op een buitenlandse postcode", "ressemble à"),
    ("5000 Paris", "en", "‘Paris’ is not a locality of postcode 5000 (Namur)",
     "n'est pas une localité"),
    ("0999", "de", "Die Postleitzahl 0999 gibt es in Belgien nicht.", "n'existe pas"),
])
def test_a_place_not_understood_is_said_in_the_page_language(client, postcode, lang, words,
                                                              french):
    html = client.get("/", query_string={"postcode": postcode, "lang": lang}).get_data(
        as_text=True)
    message = field_message(html, "postcode")
    assert message.startswith(words), message
    first = {"de": "Fehler", "en": "Error", "nl": "Fout"}[lang]
    assert title(html).startswith(f"{first}: {words.split('. ')[0].rstrip('.')[:40]}")
    assert status(html).startswith(f"{first}:")
    assert french not in html


def test_the_french_message_is_unchanged(client):
    html = client.get("/?postcode=Namr").get_data(as_text=True)
    assert field_message(html, "postcode") .startswith(
        "Aucune commune ni localité de Wallonie ou de Bruxelles ne s'appelle « Namr ».")


def test_a_page_of_results_that_does_not_exist_in_english(client):
    response = client.get("/?page=999&lang=en")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r"This page of results does not exist: there are \d+\.", html)
    assert title(html).startswith("Error: ")
    assert "Erreur" not in title(html) and "n'existe pas" not in html


def test_a_bad_parameter_in_german(client):
    html = client.get("/?radius_km=abc&lang=de").get_data(as_text=True)
    assert title(html).startswith("Fehler: ")
    assert "Erreur" not in title(html)


def test_the_proposal_form_says_its_errors_in_dutch(client):
    page = client.get("/proposer?lang=nl").get_data(as_text=True)
    response = client.post("/proposer?lang=nl", data={
        "csrf_token": csrf_from(page), "name": "", "chapter": "maladie", "kind": "entraide",
        "email": "pas une adresse", "phone": "abc", "website": "ftp://x",
        "description": "Wat de persoon typte"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_message(html, "f-name") == "verplichte waarde ontbreekt."
    assert field_message(html, "f-email").startswith(
        "e-mailadres geweigerd ‘pas une adresse’: het adres bevat een spatie")
    assert field_message(html, "f-phone") == "ongeldig telefoonnummer ‘abc’."
    assert field_message(html, "f-website") == (
        "webadres geweigerd ‘ftp://x’: het moet beginnen met http:// of https://.")
    assert title(html).startswith("Fout: 4 velden te verbeteren")
    links = dict(summary_links(html))
    assert links["#f-phone"].startswith("Telefoon") and "ongeldig telefoonnummer" in \
        links["#f-phone"]
    for french in ("obligatoire manquante", "refusée", "invalide"):
        assert french not in html
    assert "Wat de persoon typte" in html                    # nothing lost


def test_the_report_form_in_english(client):
    slug = "alzheimer-cafe-d-ans-ligue-alzheimer"
    url = f"/groupes/{slug}/signaler?lang=en"
    page = client.get(url).get_data(as_text=True)
    html = client.post(url, data={"csrf_token": csrf_from(page), "email": "x@"}).get_data(
        as_text=True)
    assert field_message(html, "f-email") == ("e-mail address refused ‘x@’: the domain ‘’ "
                                              "is not valid (e.g. example.be).")
    assert title(html).startswith("Error: ")
    assert "refusée" not in html and "n'est pas valide" not in html


# ----- the API ---------------------------------------------------------------------------

@pytest.mark.parametrize("url, headers, status_code, code, words", [
    ("/api/v1/search?postcode=Namr&lang=en", {}, 422, "origin_not_found",
     "No municipality or locality in Wallonia or Brussels is called ‘Namr’."),
    ("/api/v1/locate?q=9000", {"Accept-Language": "de-BE"}, 422, "place_outside",
     "Die Postleitzahl 9000 liegt in Flandern"),
    ("/api/v1/search?limit=abc&lang=nl", {}, 400, "invalid_parameter",
     "De limiet moet een geheel getal tussen 1 en 500 zijn."),
    ("/api/v1/locate?lang=en", {}, 400, "missing_parameter",
     "Enter a postcode, a locality or a municipality (parameter q)."),
    ("/api/v1/search?chapter=x&lang=en", {}, 400, "invalid_parameter",
     "This subject does not exist."),
    ("/api/v1/groups?chapter=x&lang=de", {}, 400, "invalid_parameter",
     "Dieses Kapitel gibt es nicht. Zulässige Werte: maladie,"),
    ("/api/v1/search?page=0&lang=en", {}, 400, "invalid_parameter", "Page number not valid."),
])
def test_api_errors_in_the_asked_language_with_stable_codes(client, url, headers,
                                                            status_code, code, words):
    response = client.get(url, headers=headers)
    assert response.status_code == status_code
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(words), error["message"]


def test_api_notices_in_english(client):
    data = client.get("/api/v1/search?commune=Namur&postcode=5000&lang=en").get_json()
    messages = {n["code"]: n["message"] for n in data["notices"]}
    assert messages["demo_data"].startswith("Demonstration data: this directory")
    assert messages["radius_not_applied"] == ("The search is limited to the municipality of "
                                              "Namur: the maximum distance is not applied.")
    french = client.get("/api/v1/search?commune=Namur&postcode=5000").get_json()
    assert {n["code"]: n["message"] for n in french["notices"]}["radius_not_applied"] == (
        "La recherche se limite à la commune de Namur : la distance maximale n'est pas "
        "appliquée.")


def test_api_answers_chosen_by_the_browser_say_so_to_caches(client):
    response = client.get("/api/v1/locate?q=Namr", headers={"Accept-Language": "en"})
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_too_many_proposals_in_german(make_app):
    from tests.test_proposals import NEW, submit
    client = make_app(PROPOSAL_LIMIT="1/hour").test_client()
    assert submit(client, "/proposer?lang=de", NEW).status_code == 200
    blocked = submit(client, "/proposer?lang=de", NEW)
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Zu viele Vorschläge auf einmal" in html
    assert re.search(r"Versuchen Sie es in \d+\u00a0Minuten? erneut", html)
    assert "Trop de propositions" not in html and "Réessayez" not in html


def test_a_calendar_without_dates_in_english(client):
    response = client.get("/groupes/fondation-contre-le-cancer/agenda.ics?lang=en")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "No date to add" in html and "there is nothing to add to a calendar" in html
    assert "Pas de date" not in html
    missing = client.get("/groupes/fondation-contre-le-cancer/lieux/99/agenda.ics?lang=nl")
    assert missing.status_code == 404 and "Plaats niet gevonden" in missing.get_data(
        as_text=True)
