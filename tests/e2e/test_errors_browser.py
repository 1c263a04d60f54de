"""Errors that are heard, in a real Chromium: a person types a place we do not understand
and the first thing the page gives is the error (title, focus on the summary), the field
is marked invalid with the message as its description, the message sits right below it,
the summary's link takes the focus to the field, and the status says no distance applied.
The same in the embed and in the site's other forms."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import ADMIN_EMAIL
from tests.e2e.test_admin_browser import admin_server  # noqa: F401  (fixture)

NAMR = "Aucune commune ni localité de Wallonie ou de Bruxelles ne s'appelle « Namr »"


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {id: e.id, tag: e.tagName, summary: e.hasAttribute('data-error-summary'),
                text: e.innerText || ''}; }""")


def assert_message_below(page, field_id: str, message_id: str) -> None:
    """In the DOM right after the field, and on screen just under it."""
    assert page.evaluate(f"document.getElementById('{field_id}').nextElementSibling.id") \
        == message_id
    field = page.locator(f"#{field_id}").bounding_box()
    message = page.locator(f"#{message_id}").bounding_box()
    assert 0 <= message["y"] - (field["y"] + field["height"]) <= 24, (field, message)
    assert abs(message["x"] - field["x"]) <= 8, (field, message)


def test_a_place_not_understood_is_the_first_thing_said(demo_server, page):
    page.goto(demo_server + "/")
    page.get_by_label("Code postal, localité ou commune").fill("Namr")
    with page.expect_navigation():
        page.get_by_role("button", name="Chercher").click()

    assert norm(page.title()).startswith(f"Erreur : {NAMR}")
    # Focus is on the error summary: a screen reader starts with it.
    now = focused(page)
    assert now["summary"] and NAMR in norm(now["text"]), now
    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    link = summary.get_by_role("link", name=re.compile("^Code postal, localité ou commune"))
    expect(link).to_have_count(1)

    field = page.get_by_label("Code postal, localité ou commune")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(NAMR)))
    expect(field).to_have_value("Namr")
    assert_message_below(page, "postcode", "postcode-error")
    # The "Autour de moi" button stays beside the field, the message comes after both.
    button = page.locator("[data-locate]")
    if button.is_visible():
        assert page.locator("#postcode-error").bounding_box()["y"] > \
            button.bounding_box()["y"] + button.bounding_box()["height"] - 1

    status = norm(page.get_by_role("status").filter(has_text="Erreur").inner_text())
    assert status.startswith("Erreur : le lieu n'a pas été compris, aucune distance n'est "
                             "appliquée.") and "dans tout le répertoire" in status

    link.click()
    assert focused(page)["id"] == "postcode"
    # Correcting it: the error is gone from the title, the field, the page.
    field.fill("5000")
    with page.expect_navigation():
        page.get_by_role("button", name="Chercher").click()
    assert not norm(page.title()).startswith("Erreur")
    expect(page.get_by_label("Code postal, localité ou commune")).not_to_have_attribute(
        "aria-invalid", "true")
    expect(page.locator("[data-error-summary]")).to_have_count(0)


def test_a_folded_field_in_error_is_reached_from_the_summary(demo_server, page):
    page.goto(demo_server + "/?commune=Namurr&postcode=5000")
    assert norm(page.title()).startswith("Erreur : Commune inconnue : « Namurr »")
    commune = page.get_by_label("Commune", exact=True)
    expect(commune).to_have_attribute("aria-invalid", "true")
    expect(commune).to_have_accessible_description(re.compile("Commune inconnue"))
    assert_message_below(page, "commune", "commune-error")
    page.locator("details.more-criteria > summary").click()        # a person folds it
    page.locator("[data-error-summary]").get_by_role("link").click()
    assert focused(page)["id"] == "commune"
    expect(commune).to_be_visible()


def test_the_embed_says_it_too(demo_server, page):
    page.goto(demo_server + "/embed?postcode=Namr")
    assert norm(page.title()).startswith(f"Erreur : {NAMR}")
    field = page.get_by_label("Code postal, localité ou commune")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(NAMR)))
    assert focused(page)["summary"]
    assert_message_below(page, "postcode", "postcode-error")


def test_a_proposal_with_mistakes_says_them_first(demo_server, page):
    page.goto(demo_server + "/proposer")
    page.get_by_label("Nom du groupe").fill("Groupe de parole du mardi")
    page.get_by_label("Courriel du groupe").fill("pas une adresse")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la proposition").click()
    assert norm(page.title()).startswith("Erreur : un champ à corriger · Proposer un groupe")
    assert focused(page)["summary"]
    expect(page.get_by_label("Nom du groupe")).not_to_have_attribute("aria-invalid", "true")
    email = page.get_by_label("Courriel du groupe")
    expect(email).to_have_accessible_description(re.compile("pas une adresse"))
    expect(email).to_have_value("pas une adresse")             # nothing typed is lost
    assert_message_below(page, "f-email", "f-email-error")
    page.locator("[data-error-summary]").get_by_role(
        "link", name=re.compile("^Courriel du groupe")).click()
    assert focused(page)["id"] == "f-email"


def test_a_refused_login_says_it_first(admin_server, page):  # noqa: F811
    page.goto(admin_server + "/admin/connexion")
    page.get_by_label("Adresse e-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Mot de passe").fill("pas le bon")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert norm(page.title()).startswith("Erreur : connexion refusée")
    assert focused(page)["summary"]
    for label in ("Adresse e-mail", "Mot de passe"):
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("mot de passe incorrect"))
    page.locator("[data-error-summary]").get_by_role("link").click()
    assert focused(page)["id"] == "email"
