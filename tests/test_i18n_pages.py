"""Pages in Dutch, German or English, parts the first translation missed: schedule doubts,
the embed builder's snippet, the brochure's 'en préparation' page and the results PDF
(which stays French, as its link says), province names."""
from __future__ import annotations

import json
from pathlib import Path
import re
import time
from html import unescape

import pytest

from tests.conftest import DEMO_INVENTORY, group_row, write_inventory
from tests.test_brochure import pages_text
from tests.test_i18n import html_lang, visible_text

NEUPRE = "alzheimer-cafe-de-neupre-ligue-alzheimer"       # "hors congés scolaires"


@pytest.fixture
def past_the_calendar(make_app):
    """The demo inventory, on a day after the school calendar's last known period: a
    'hors congés scolaires' meeting is shown with its doubt."""
    app = make_app(SCHEDULE_NOW="2027-09-01T09:00")
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    return app.test_client()


def test_a_schedule_doubt_in_english(past_the_calendar):
    text = visible_text(past_the_calendar.get(f"/groupes/{NEUPRE}?lang=en").get_data(
        as_text=True))
    assert re.search(r"Next meeting: \w+day \d{1,2} September, 14:00–16:00 \(to be checked: "
                     r"no meeting during the school holidays, and the school calendar for "
                     r"that period is not known here\)", text), text[:3000]
    assert "(to be checked)" in text                   # the list of the next dates
    assert "congés scolaires, et" not in text and "à vérifier" not in text


def test_a_schedule_doubt_in_a_german_popup(past_the_calendar):
    html = past_the_calendar.get(f"/groupes/{NEUPRE}?lang=de").get_data(as_text=True)
    config = json.loads(re.search(r"window\.FinderMap\.attach\(\w+, (\{.*?\})\);", html,
                                  re.S).group(1))
    details = config["places"]["details"]
    assert details and details[0]["caveat"].startswith("kein Treffen während der Schulferien")
    assert details[0]["next"].startswith("Nächstes Treffen: ")


def test_the_french_doubt_is_unchanged(past_the_calendar):
    text = visible_text(past_the_calendar.get(f"/groupes/{NEUPRE}").get_data(as_text=True)
                        ).replace("\u202f", " ")
    assert ("(à vérifier : pas de réunion pendant les congés scolaires, et le calendrier "
            "scolaire de cette période n'est pas connu ici)") in text


# ----- the embed builder -----------------------------------------------------------------

def _snippet(html: str) -> str:
    return unescape(re.search(r"data-snippet-iframe>(.*?)</textarea>", html, re.S).group(1))


def test_the_snippet_title_is_in_the_builder_language(client):
    html = client.get("/embed/builder?lang=nl").get_data(as_text=True)
    assert 'title="Een zelfhulp- of steungroep vinden (Zelfhulp Wallonië-Brussel)"' in \
        _snippet(html)
    french = client.get("/embed/builder").get_data(as_text=True)
    assert ('title="Trouver un groupe d&#39;entraide ou de soutien (Entraide '
            'Wallonie-Bruxelles)"') in _snippet(french)


def test_the_snippet_title_follows_a_fixed_embed_language(client):
    html = client.get("/embed/builder?lang=en&embed_lang=de").get_data(as_text=True)
    assert html_lang(html) == "en"
    assert 'title="Eine Selbsthilfe- oder Unterstützungsgruppe finden' in _snippet(html)
    # the builder's script gets every language's title, this page's as ""
    titles = json.loads(unescape(re.search(r"data-frame-titles='([^']+)'", html).group(1)))
    assert set(titles) == {"", "fr", "nl", "de", "en"}
    assert titles[""] == titles["en"] == ("Find a self-help or support group (Self-help "
                                          "Wallonia-Brussels)")


def test_a_bad_lock_is_said_in_english(client):
    response = client.get("/embed?lock=everything&lang=en")
    assert response.status_code == 400
    assert "Invalid ‘lock’ parameter: allowed values q, postcode" in unescape(
        response.get_data(as_text=True))


# ----- the printed inventory ------------------------------------------------------------

def test_the_preparing_page_in_german(make_app, tmp_path):
    from finder.printjobs import PrintJobs
    app = make_app()
    path = write_inventory(tmp_path / "inv.csv", [group_row(group_id="g1", demo="non")])
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    client = app.test_client()
    response = client.get("/inventaire.pdf?lang=de")
    try:
        assert response.status_code == 503
        html = response.get_data(as_text=True)
        assert html_lang(html) == "de"
        assert "<title>Die Broschüre wird vorbereitet" in html
        text = visible_text(html)
        assert "Diese Seite lädt sich alle 10 Sekunden von selbst neu" in text
        assert "La brochure" not in text and "préparation" not in text
    finally:
        jobs = PrintJobs.for_config(app.config)
        deadline = time.monotonic() + 180
        while jobs.running() and time.monotonic() < deadline:
            time.sleep(0.3)


@pytest.mark.parametrize("lang, words", [
    ("en", "Progress: 12 pages laid out of about 40 (130 groups and services), for 1 min 05 s."),
    ("nl", "Voortgang: 1 pagina opgemaakt"),
    ("fr", "Avancement : 12 pages mises en page sur environ 40 (130 groupes et services), "
           "depuis 1 min 05 s."),
])
def test_the_preparing_page_says_how_far_in_the_page_language(app, lang, words):
    from finder.printjobs import Edition
    from finder.web.brochure import preparing_response
    pages = 1 if lang == "nl" else 12
    with app.test_request_context(f"/inventaire.pdf?lang={lang}"):
        response = preparing_response(
            {"started": time.time() - 65, "pages": pages, "groups": 130},
            Edition(None, None), last={"pages": 40, "seconds": 200})
    text = visible_text(response.get_data(as_text=True)).replace("\u202f", " ")
    assert words in text, text


def test_the_results_pdf_stays_french_from_a_german_page(client):
    response = client.get("/resultats.pdf?postcode=5000&radius_km=20&lang=de")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pages_text(response.data))
    assert "Résultats de recherche" in text and "Prochaine réunion" in text
    for german in ("Treffpunkt", "Nächstes Treffen", "im Umkreis"):
        assert german not in text


# ----- provinces -------------------------------------------------------------------------

def _province_labels(html: str) -> set[str]:
    return set(re.findall(r'<option value="[^"]*" label="([^"]+)">', html))


def test_province_names_in_the_page_language(client):
    for _ in range(2):                       # the options are kept once per language
        nl = _province_labels(client.get("/?lang=nl").get_data(as_text=True))
        assert {"Provincie Luik", "Provincie Henegouwen", "Brussel-Hoofdstad"} <= nl
        fr = _province_labels(client.get("/").get_data(as_text=True))
        assert {"Province de Liège", "Province du Hainaut", "Bruxelles-Capitale"} <= fr
    de = _province_labels(client.get("/embed/builder?lang=de").get_data(as_text=True))
    assert {"Provinz Lüttich", "Provinz Wallonisch-Brabant", "Brüssel-Hauptstadt"} <= de
    en = _province_labels(client.get("/?lang=en").get_data(as_text=True))
    assert "Province of Luxembourg" in en and not any(p.startswith("Province d") for p in en)


# ----- what the scripts say (they read it from the page) ---------------------------------

def _said_by_scripts(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in
            re.findall(r'data-say-([\w-]+)="([^"]*)"', html)}


def test_what_the_scripts_say_comes_from_the_page_in_its_language(client):
    said = _said_by_scripts(client.get("/?lang=de").get_data(as_text=True))
    assert said["hint"].startswith("Während der Eingabe erscheinen Vorschläge")
    assert said["chosen"] == "Ausgewählt: {label}." and said["many"] == "{n} Vorschläge."
    assert said["theme"] == "(Thema)" and said["one"] == "1 Vorschlag."
    assert said["searching"] == "Ihre Position wird gesucht…"
    assert said["denied"].startswith("Sie haben die Standortbestimmung nicht erlaubt.")
    builder = _said_by_scripts(client.get("/embed/builder?lang=en").get_data(as_text=True))
    assert builder["copied"] == "Code copied."
    assert builder["copy-failed"] == "Select the code and copy it (Ctrl+C)."
    french = _said_by_scripts(client.get("/").get_data(as_text=True))
    assert french["chosen"] == "Choisi : {label}." and french["group"] == "(groupe)"
    for script in ("text-suggest.js", "locate-me.js", "embed-builder.js"):
        source = (Path(__file__).parent.parent / "finder" / "static" / "js" / script
                  ).read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)
        assert not re.search(r"\"[^\"]*[éèàêôû\u2019][^\"]*\"", code), script  # no French
