"""Every form of the site says its errors the same way (templates/partials/errors.html):
the title starts with "Erreur", an error summary first links to each field in error by
its label, each such field has aria-invalid="true" and is described by its message,
which comes right after it; nothing typed is lost."""
from __future__ import annotations

import re
from html import unescape

from tests.conftest import ADMIN_EMAIL, csrf_from, login, post_form
from tests.test_fielderrors import summary_links, title
from tests.test_pages import text_of

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"


def invalid_fields(html: str) -> dict[str, str]:
    """id → the text of what describes it, for every field marked invalid; each message
    must come right after its field."""
    found = {}
    for tag in re.finditer(r"<(input|select|textarea)\b[^>]*>", html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))
        if attrs.get("aria-invalid") != "true":
            continue
        ids = attrs["aria-describedby"].split()
        texts = []
        for ref in ids:
            match = re.search(rf'<(\w+) class="field-error" id="{ref}">(.*?)</\1>', html, re.S)
            assert match, f"{attrs['id']} is described by {ref}, which is not in the page"
            texts.append(text_of(match.group(2)))
        closing = f"</{tag.group(1)}>" if tag.group(1) != "input" else ""
        rest = html[tag.end():]
        if closing:
            rest = rest.split(closing, 1)[1]
        if ids[0] != "login-error":            # the login's message follows the password
            assert rest.lstrip().startswith(f'<span class="field-error" id="{ids[0]}">'), \
                f"the message of {attrs['id']} is not right after it"
        found[attrs["id"]] = " ".join(texts)
    return found


def label_of(html: str, field_id: str) -> str:
    return text_of(re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
                   .group(1))


def assert_summary_names_the_fields(html: str, invalid: dict[str, str]) -> None:
    assert html.index("data-error-summary") < html.index('aria-invalid="true"')
    links = dict(summary_links(html))
    for field_id, message in invalid.items():
        text = links.get(f"#{field_id}")
        assert text is not None, f"the summary does not link to {field_id}"
        label = label_of(html, field_id).replace(" (obligatoire)", "")
        assert text.startswith(f"{label} : "), (text, label)
        assert message.split(" : ")[-1][:30] in text


def test_proposal_sent_with_mistakes(client):
    html = client.get("/proposer").get_data(as_text=True)
    response = client.post("/proposer", data={
        "csrf_token": csrf_from(html), "name": "", "chapter": "maladie", "kind": "groupe",
        "email": "pas une adresse", "description": "Un texte que la personne a tapé"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    invalid = invalid_fields(html)
    assert {"f-name", "f-email"} <= set(invalid)
    assert title(html).startswith(f"Erreur : {len(invalid)} champs à corriger · Proposer un groupe")
    assert "obligatoire" in invalid["f-name"]
    assert_summary_names_the_fields(html, invalid)
    assert "Un texte que la personne a tapé" in html          # nothing lost


def test_a_refused_select_is_marked_too(client):
    html = client.get("/proposer").get_data(as_text=True)
    html = client.post("/proposer", data={"csrf_token": csrf_from(html), "name": "Groupe",
                                          "chapter": "pas-un-sujet", "kind": "groupe"}
                       ).get_data(as_text=True)
    invalid = invalid_fields(html)
    assert "f-chapter" in invalid
    assert_summary_names_the_fields(html, invalid)


def test_report_form_with_mistakes(client):
    url = f"/groupes/{SLUG}/signaler"
    html = client.get(url).get_data(as_text=True)
    assert not title(html).startswith("Erreur")
    html = client.post(url, data={"csrf_token": csrf_from(html), "email": "x@"}
                       ).get_data(as_text=True)
    assert title(html).startswith("Erreur : ")
    invalid = invalid_fields(html)
    assert invalid
    assert_summary_names_the_fields(html, invalid)


def test_login_refused(admin_app):
    client = admin_app.test_client()
    response = login(client, ADMIN_EMAIL, "pas le bon mot de passe")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert title(html).startswith("Erreur : connexion refusée")
    invalid = invalid_fields(html)
    assert set(invalid) == {"email", "password"}
    assert all("Adresse e-mail ou mot de passe incorrect" in m for m in invalid.values())
    assert [h for h, _ in summary_links(html)] == ["#email"]
    assert f'value="{ADMIN_EMAIL}"' in html                   # the address is kept


def test_admin_group_edit_refused(admin_client):
    page = f"/admin/groupes/{SLUG}"
    html = admin_client.get(page).get_data(as_text=True)
    assert "data-error-summary" not in html and not title(html).startswith("Erreur")
    version = re.search(r'name="version" value="([^"]*)"', html).group(1)
    response = post_form(admin_client, page, {
        "version": version, "name": "", "chapter": "maladie", "kind": "groupe",
        "email": "pas une adresse", "source_url": "https://example.org",
        "checked_on": "2026-01-01"}, page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    invalid = invalid_fields(html)
    assert {"name", "email"} <= set(invalid)
    assert title(html).startswith(f"Erreur : {len(invalid)} champs à corriger")
    assert_summary_names_the_fields(html, invalid)


def test_admin_place_edit_refused_links_to_that_places_fields(admin_client):
    page = f"/admin/groupes/{SLUG}"
    html = admin_client.get(page).get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]*)"', html).group(1)
    html = post_form(admin_client, f"{page}/lieux/0", {"version": version, "postcode": "12"},
                     page=page).get_data(as_text=True)
    assert title(html).startswith("Erreur : ")
    invalid = invalid_fields(html)
    assert "p0-postcode" in invalid
    assert_summary_names_the_fields(html, invalid)
    assert len(re.findall(r'id="(error-summary[^"]*-title)"', html)) == \
        len(set(re.findall(r'id="(error-summary[^"]*-title)"', html)))


def test_account_form_refused_at_its_field(admin_client):
    response = post_form(admin_client, "/admin/comptes", {
        "email": "nouvelle@example.org", "role": "editor", "password": "x" * 12,
        "password2": "y" * 12}, page="/admin/comptes")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert title(html).startswith("Erreur : ")
    invalid = invalid_fields(html)
    assert set(invalid) == {"new-password2"}
    assert "pas identiques" in invalid["new-password2"]
    assert_summary_names_the_fields(html, invalid)
    assert 'value="nouvelle@example.org"' in html

    html = post_form(admin_client, "/admin/comptes", {
        "email": "pas-une-adresse", "role": "editor", "password": "x" * 12,
        "password2": "x" * 12}, page="/admin/comptes").get_data(as_text=True)
    assert set(invalid_fields(html)) == {"new-email"}


def test_removing_ones_own_account_is_said_at_the_top(admin_client):
    html = post_form(admin_client, "/admin/comptes/retirer", {"email": ADMIN_EMAIL},
                     page="/admin/comptes").get_data(as_text=True)
    assert title(html).startswith("Erreur : Vous ne pouvez pas retirer votre propre compte")
    assert "aria-invalid" not in html
    assert "Vous ne pouvez pas retirer votre propre compte" in unescape(
        html.split("data-error-summary", 1)[1].split("</div>", 1)[0])


def test_error_pages_are_titled_erreur(client):
    for url, status, words in (("/nulle-part", 404, "Page introuvable"),
                               ("/?radius_km=7", 400, "Recherche impossible"),
                               ("/groupes/pas-un-groupe", 404, "Groupe introuvable")):
        response = client.get(url)
        assert response.status_code == status
        assert title(response.get_data(as_text=True)).startswith(f"Erreur : {words}"), url
