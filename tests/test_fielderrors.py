"""Errors that are heard, server side: what the search form did not understand is the
first thing said (title, error summary, status), at the field it concerns, in the words
of the form's own labels; and the list of every place is never presented as a search
that worked. The browser side (focus, accessible description): tests/e2e/test_errors_browser.py.
"""
from __future__ import annotations

import re
from html import unescape

import pytest

from finder.web.fielderrors import LABELS
from tests.test_pages import Page, get, text_of


def title(html: str) -> str:
    return " ".join(unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
                    .replace("\u202f", " ").replace("\u00a0", " ").split())


def status(html: str) -> str:
    return text_of(re.search(r'<p class="summary" role="status">(.*?)</p>', html, re.S)
                   .group(1))


def field(html: str, name: str) -> dict:
    found = Page(html).find("input", id=name)
    assert found, f"no field {name}"
    return found[0]


def after_field(html: str, name: str) -> str:
    """The markup right after the field's <input …> tag (the message must be there)."""
    return html.split(f'<input id="{name}"', 1)[1].split(">", 1)[1].lstrip()


def summary_links(html: str) -> list[tuple[str, str]]:
    box = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    return [(href, text_of(t)) for href, t in re.findall(r'<a href="([^"]*)">(.*?)</a>', box, re.S)]


@pytest.mark.parametrize("postcode,message", [
    ("Namr", "Aucune commune ni localité de Wallonie ou de Bruxelles ne s'appelle « Namr »"),
    ("4000+Maastricht", "« Maastricht » n'est pas une localité du code postal 4000 (Liège)"),
    ("9000", "Le code postal 9000 est en Flandre"),
    ("6211+AB", "ressemble à un code postal néerlandais"),
    ("1234", "Le code postal 1234 ne figure pas dans notre liste"),
])
def test_a_place_not_understood_is_said_first_and_at_its_field(client, postcode, message):
    html = get(client, f"/?postcode={postcode}&radius_km=20")
    assert title(html).startswith("Erreur : ") and message in title(html)
    # The field: invalid, described by its message, which comes right after it.
    box = field(html, "postcode")
    assert box["aria-invalid"] == "true"
    assert box["aria-describedby"].split()[0] == "postcode-error"
    assert after_field(html, "postcode").startswith('<div class="field-error" id="postcode-error">')
    assert message in text_of(after_field(html, "postcode").split("</div>", 1)[0])
    # The summary, first in the form, links to the field and names it as labelled.
    form = html.split('<form class="search-form"', 1)[1]
    assert form.index("data-error-summary") < form.index('<input id="q"')
    [(href, text)] = summary_links(html)
    assert href == "#postcode" and text.startswith("Code postal, localité ou commune : ")
    # The status says plainly that no distance was applied to the list shown.
    said = status(html)
    assert said.startswith("Erreur : le lieu n'a pas été compris, aucune distance n'est appliquée.")
    assert "dans tout le répertoire" in said and "à moins de" not in said
    assert "sans distance" in text_of(html.split('id="resultats-titre"', 1)[1].split("</h2>")[0])


def test_an_understood_search_has_no_error_anywhere(client):
    html = get(client, "/?postcode=5000&radius_km=20")
    assert not title(html).startswith("Erreur")
    assert "aria-invalid" not in html and "data-error-summary" not in html
    assert 'id="postcode-error"' not in html
    assert "postcode-error" not in field(html, "postcode")["aria-describedby"]
    # "13 lieux de réunion …", or "13 adresses (dont 11 lieux de réunion) …" when offices
    # are among the results (tests/test_honest_counts.py)
    assert re.match(r"\d+ (lieux? de réunion|adresses? \(dont \d+ lieux? de réunion\)) "
                    r"à moins de 20 km de 5000 Namur", status(html))


def test_suggestions_sit_in_the_message_and_redo_the_search(client):
    html = get(client, "/?postcode=Namr&chapter=maladie")
    message = after_field(html, "postcode").split("</div>", 1)[0]
    assert "Vouliez-vous dire" in text_of(message)
    links = re.findall(r'<a href="([^"]*)">', message)
    assert links and all("chapter=maladie" in unescape(u) for u in links)
    assert "5000" in text_of(get(client, unescape(links[0])))


def test_outside_points_to_the_commune_field_as_the_form_shows_it(client):
    html = get(client, "/?postcode=9000")
    message = text_of(after_field(html, "postcode").split("</div>", 1)[0])
    assert "choisissez une commune dans « Commune » ci-dessous" in message
    # It is there, below, unfolded, labelled so.
    assert html.index('for="commune"') > html.index('id="postcode-error"')
    assert "open" in Page(html).with_class("more-criteria", "details")[0]


def test_labels_named_by_the_messages_are_the_forms_labels(client):
    html = get(client, "/?commune=x")
    for name, label in LABELS.items():
        written = re.search(rf'<label for="{name}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert text_of(written) == " ".join(label.replace("\u202f", " ").split()), name


def test_unknown_commune_and_words_are_errors_of_their_fields(client):
    html = get(client, "/?commune=Xyz&postcode=5000&q=le")
    assert title(html).startswith("Erreur : Votre recherche « le » ne contient que des mots")
    assert "(et 1 autre erreur)" in title(html)
    for name in ("q", "commune"):
        assert field(html, name)["aria-invalid"] == "true"
        assert field(html, name)["aria-describedby"].startswith(f"{name}-error ")
        assert after_field(html, name).startswith(f'<div class="field-error" id="{name}-error">')
    assert field(html, "postcode").get("aria-invalid") is None     # 5000 was understood
    assert [h for h, _ in summary_links(html)] == ["#q", "#commune"]
    said = status(html)
    assert "vos mots n'ont pas été cherchés" in said
    assert "aucun filtre de commune n'est appliqué" in said
    assert "à moins de 20 km de 5000 Namur" in said        # the distance was applied
    assert "Commune inconnue : « Xyz »." in text_of(after_field(html, "commune"))


def test_embed_says_it_the_same_way(client):
    html = get(client, "/embed?postcode=Namr")
    assert title(html).startswith("Erreur : ")
    assert field(html, "postcode")["aria-invalid"] == "true"
    assert status(html).startswith("Erreur : le lieu n'a pas été compris")


def test_embed_with_the_place_locked_says_who_chose_it(client):
    html = get(client, "/embed?postcode=9000&lock=postcode,commune")
    assert title(html).startswith("Erreur : Le code postal 9000 est en Flandre")
    text = text_of(html)
    assert "Ce critère est fixé par le site qui vous propose cette recherche" in text
    # No link to a field the page does not have, no advice to use a field that is locked.
    assert not [h for h, _ in summary_links(html) if h]
    assert "« Commune » ci-dessous" not in text
