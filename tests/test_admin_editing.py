"""Editing the inventory in the browser: the import's rules, history and undo, freshness."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

from finder.inventory_file import parse
from finder.models import content_hash
from finder.web.render import french_date

from .conftest import ADMIN_EMAIL, EDITOR_EMAIL, csrf_from, group_row

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def form_post(client, url: str, data: dict, slug: str = SLUG):
    """POST from the group's edit page, with its CSRF token and version."""
    html = page(client, f"/admin/groupes/{slug}")
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    return client.post(url, data={"csrf_token": csrf_from(html), "version": version, **data})


def group_fields(client, slug: str = SLUG) -> dict:
    html = page(client, f"/admin/groupes/{slug}")
    form = html[html.index('id="group-form"'):html.index("</form>", html.index('id="group-form"'))]
    fields = dict(re.findall(r'<input id="[^"]+" name="([a-z_]+)" type="text" value="([^"]*)"', form))
    for name in ("description", "notes"):
        fields[name] = re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', form).group(1)
    for name in ("chapter", "kind"):
        select = re.search(rf'name="{name}">(.*?)</select>', form, re.S).group(1)
        fields[name] = re.search(r'<option value="([^"]+)" selected>', select).group(1)
    if 'name="demo" value="oui" checked' in form:
        fields["demo"] = "oui"
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in fields.items()}


def stored(app, slug: str = SLUG):
    with app.app_context():
        from finder.db import get_writer
        return get_writer().group_by_slug(slug)


def test_find_a_group_by_name_commune_chapter_and_freshness(editor_client):
    by_name = page(editor_client, "/admin/?nom=alzheimer")
    assert f"/admin/groupes/{SLUG}" in by_name
    assert "Alcooliques" not in by_name
    by_commune = page(editor_client, "/admin/?commune=ans")
    assert f"/admin/groupes/{SLUG}" in by_commune
    by_chapter = page(editor_client, "/admin/?chapitre=dependance")
    assert f"/admin/groupes/{SLUG}" not in by_chapter and "groupe(s) trouvé(s)" in by_chapter
    assert "Aucun groupe ne correspond" in page(editor_client, "/admin/?fraicheur=ancienne")
    fields = group_fields(editor_client) | {"checked_on": "2020-03-01"}
    assert form_post(editor_client, f"/admin/groupes/{SLUG}", fields).status_code == 302
    stale = page(editor_client, "/admin/?fraicheur=ancienne")
    assert f"/admin/groupes/{SLUG}" in stale and "plus de 12 mois" in stale
    public = page(editor_client, f"/groupes/{SLUG}")
    assert "Informations vérifiées le 1er mars 2020" in public
    assert "il y a plus d'un an" in public


def test_edit_shows_the_importers_messages_and_changes_nothing(editor_client, admin_app):
    before = content_hash(stored(admin_app))
    fields = group_fields(editor_client) | {"email": "pas une adresse", "phone": "appelez-nous"}
    response = form_post(editor_client, f"/admin/groupes/{SLUG}", fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    _, problems = parse([(2, group_row(email="pas une adresse", phone="appelez-nous"))],
                        lambda lat, lon: True)
    for problem in problems:                       # the very words of the import
        assert problem.message.replace("'", "&#39;") in html
    assert 'aria-invalid="true"' in html and "Rien n'a été enregistré" in unescape(html)
    assert content_hash(stored(admin_app)) == before


def test_an_edit_is_public_on_the_next_request_and_recorded(editor_client, admin_app):
    assert "02 000 00 00" not in page(editor_client, f"/groupes/{SLUG}")
    fields = group_fields(editor_client) | {"phone": "02 000 00 00"}
    assert form_post(editor_client, f"/admin/groupes/{SLUG}", fields).status_code == 302
    assert "02 000 00 00" in page(editor_client, f"/groupes/{SLUG}")
    api = editor_client.get(f"/api/v1/groups/{SLUG}").get_json()
    assert "02 000 00 00" in str(api)
    history = page(editor_client, f"/admin/groupes/{SLUG}/historique")
    assert EDITOR_EMAIL in history and "fiche modifiée" in history and "02 000 00 00" in history


def test_an_edit_keeps_the_notes_and_a_place_can_be_marked_as_an_office(editor_client,
                                                                         admin_app):
    notes = stored(admin_app).notes
    assert "inauguration le jeudi 17 février" in notes        # the demo's doubt about Ans
    fields = group_fields(editor_client) | {"phone": "02 000 00 00"}
    assert form_post(editor_client, f"/admin/groupes/{SLUG}", fields).status_code == 302
    assert stored(admin_app).notes == notes
    place = stored(admin_app).places[0]
    assert place.address_kind == "reunion"
    moved = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/0", {
        "place_label": place.label, "street": place.street, "postcode": place.postcode,
        "locality": place.locality, "commune": place.commune_name, "show_exact": "oui",
        "schedule": place.schedule, "address_kind": "siege"})
    assert moved.status_code == 302 and stored(admin_app).places[0].address_kind == "siege"
    assert "Siège de l&#39;association (pas un lieu de réunion)" in page(editor_client,
                                                                          f"/groupes/{SLUG}")


def test_verified_today_in_one_click(editor_client):
    response = form_post(editor_client, f"/admin/groupes/{SLUG}/verifie", {})
    assert response.status_code == 302
    today = french_date(dt.date.today().isoformat())
    assert f"Informations vérifiées le {today}" in page(editor_client, f"/groupes/{SLUG}")
    assert "vérifié" in page(editor_client, f"/admin/groupes/{SLUG}/historique")


def test_places_added_edited_hidden_and_removed(editor_client, admin_app):
    count = len(stored(admin_app).places)
    bad = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/{count}",
                    {"postcode": "75001", "schedule": "le lundi"})
    assert bad.status_code == 400
    assert "code postal invalide « 75001 » (4 chiffres attendus)" in bad.get_data(as_text=True)
    added = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/{count}", {
        "place_label": "Salle des fêtes", "street": "Rue de la Station 12", "postcode": "5000",
        "locality": "Namur", "show_exact": "oui", "schedule": "le 1er jeudi du mois"})
    assert added.status_code == 302
    group = stored(admin_app)
    assert len(group.places) == count + 1
    assert group.places[-1].commune_name == "Namur" and group.places[-1].precision == "locality"
    assert "Rue de la Station 12" in page(editor_client, f"/groupes/{SLUG}")
    hidden = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/{count}", {
        "place_label": "Salle des fêtes", "street": "Rue de la Station 12", "postcode": "5000",
        "locality": "Namur", "schedule": "le 1er jeudi du mois"})          # box unticked
    assert hidden.status_code == 302 and stored(admin_app).places[-1].show_exact is False
    public = page(editor_client, f"/groupes/{SLUG}")
    assert "Rue de la Station 12" not in public and "Lieu exact non publié" in public
    assert "Rue de la Station" not in str(editor_client.get(f"/api/v1/groups/{SLUG}").get_json())
    removed = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/{count}/retirer", {})
    assert removed.status_code == 302 and len(stored(admin_app).places) == count
    assert "lieu retiré" in page(editor_client, f"/admin/groupes/{SLUG}/historique")


def test_typed_coordinates_make_the_place_exact_with_who_and_when(editor_client, admin_app):
    place = stored(admin_app).places[0]
    assert place.precision != "exact"
    response = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/0", {
        "postcode": place.postcode, "locality": place.locality, "commune": place.commune_name,
        "lat": "50,6610", "lon": "5,5200", "show_exact": "oui", "schedule": place.schedule})
    assert response.status_code == 302
    moved = stored(admin_app).places[0]
    assert moved.precision == "exact" and (moved.lat, moved.lon) == (50.661, 5.52)
    assert moved.placed_by == EDITOR_EMAIL and moved.placed_at[:10] == dt.date.today().isoformat()
    outside = form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/0", {
        "postcode": place.postcode, "lat": "48.85", "lon": "2.35", "show_exact": "oui"})
    assert outside.status_code == 400
    assert "hors de Wallonie et de Bruxelles" in outside.get_data(as_text=True)


def test_history_restores_the_previous_state(editor_client, admin_app):
    original = stored(admin_app)
    fields = group_fields(editor_client) | {"name": "Nom changé par erreur", "cost": "5 €"}
    assert form_post(editor_client, f"/admin/groupes/{SLUG}", fields).status_code == 302
    assert form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/0/retirer", {}).status_code == 302
    with admin_app.app_context():
        from finder.db import get_writer
        first, second = sorted(get_writer().changes(SLUG), key=lambda c: c.id)
    history = page(editor_client, f"/admin/groupes/{SLUG}/historique")
    token = csrf_from(history)
    refused = editor_client.post(f"/admin/historique/{first.id}/annuler",
                                 data={"csrf_token": token})
    assert refused.status_code == 302
    assert "annulez d&#39;abord les modifications plus récentes" in page(
        editor_client, f"/admin/groupes/{SLUG}/historique")
    for change in (second, first):                      # newest first
        assert editor_client.post(f"/admin/historique/{change.id}/annuler",
                                  data={"csrf_token": token}).status_code == 302
    restored = stored(admin_app)
    assert content_hash(restored) == content_hash(original)
    assert "Nom changé par erreur" not in page(editor_client, f"/groupes/{SLUG}")
    assert original.name in page(editor_client, f"/groupes/{SLUG}")


def test_an_edit_on_an_outdated_form_is_refused(editor_client, admin_app):
    html = page(editor_client, f"/admin/groupes/{SLUG}")
    old_version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    fields = group_fields(editor_client)
    # Someone else changes the group meanwhile (not "vérifié aujourd'hui": the demo row
    # may already carry today's date, and then that changes nothing).
    other = form_post(editor_client, f"/admin/groupes/{SLUG}", fields | {"phone": "02 111 11 11"})
    assert other.status_code == 302
    before = content_hash(stored(admin_app))
    late = editor_client.post(f"/admin/groupes/{SLUG}", data={
        **fields, "name": "Écrase tout", "csrf_token": csrf_from(html), "version": old_version})
    assert late.status_code == 302
    assert content_hash(stored(admin_app)) == before
    assert "modifié entre-temps" in page(editor_client, f"/admin/groupes/{SLUG}")


def test_no_edit_without_session_or_csrf(admin_app, admin_client):
    anonymous = admin_app.test_client()
    assert anonymous.get(f"/admin/groupes/{SLUG}").status_code == 302
    token = csrf_from(anonymous.get("/admin/connexion").get_data(as_text=True))
    for url in (f"/admin/groupes/{SLUG}", f"/admin/groupes/{SLUG}/verifie",
                f"/admin/groupes/{SLUG}/lieux/0", f"/admin/groupes/{SLUG}/lieux/0/retirer",
                f"/admin/groupes/{SLUG}/supprimer", f"/admin/groupes/{SLUG}/demander-suppression",
                "/admin/propositions/1/accepter", "/admin/propositions/1/rejeter",
                "/admin/historique/1/annuler"):
        assert anonymous.post(url, data={"csrf_token": token}).status_code == 401
        assert admin_client.post(url, data={"name": "x"}).status_code == 400     # no token
    assert stored(admin_app).name != "x"


def test_places_to_refine_worst_first_and_gone_once_exact(editor_client, admin_app):
    html = page(editor_client, "/admin/lieux-a-preciser")
    cells = re.findall(r"<tr><td>(commune|localité)</td>", html)
    assert cells and cells == sorted(cells, key=lambda c: c != "commune")
    assert f"/admin/groupes/{SLUG}#lieu-1" in html
    place = stored(admin_app).places[0]
    assert form_post(editor_client, f"/admin/groupes/{SLUG}/lieux/0", {
        "postcode": place.postcode, "locality": place.locality, "commune": place.commune_name,
        "lat": "50.6610", "lon": "5.5200", "show_exact": "oui"}).status_code == 302
    assert f"/admin/groupes/{SLUG}#lieu-1" not in page(editor_client, "/admin/lieux-a-preciser")


def test_the_edit_form_refuses_links_that_lie_with_the_import_s_reasons(editor_client, admin_app):
    before = content_hash(stored(admin_app))
    for field, value, says in (
            ("website", "https://www.alzheimer.be@evil.example/", "evil.example"),
            ("website", "https://www.аlzheimer.be/", "mélange plusieurs écritures"),
            ("source_url", "https://www.alzheimer.be/\u202egpj.exe", "U+202E (RLO)"),
            ("website", "https://www.alzheimer.be\u200f/", "bidirectionnel"),
            ("email", "info%0Abcc:tous@alzheimer.be", "retour à la ligne encodé")):
        fields = group_fields(editor_client) | {field: value}
        response = form_post(editor_client, f"/admin/groupes/{SLUG}", fields)
        assert response.status_code == 400, (field, value)
        html = response.get_data(as_text=True)
        assert says.replace("'", "&#39;") in html, (field, value)
    assert content_hash(stored(admin_app)) == before


def test_editors_ask_for_deletions_and_admins_accept_them(editor_client, admin_client, admin_app):
    assert form_post(editor_client, f"/admin/groupes/{SLUG}/supprimer", {}).status_code == 403
    asked = form_post(editor_client, f"/admin/groupes/{SLUG}/demander-suppression",
                      {"reason": "fermé depuis juin"})
    assert asked.status_code == 302 and stored(admin_app) is not None
    listed = page(admin_client, "/admin/propositions")
    assert "Correction" in listed
    with admin_app.app_context():
        from finder.db import get_writer
        [request] = get_writer().proposals()
    assert EDITOR_EMAIL in request.message and "fermé depuis juin" in request.message
    assert form_post(admin_client, f"/admin/groupes/{SLUG}/supprimer", {}).status_code == 302
    assert stored(admin_app) is None
    assert editor_client.get(f"/groupes/{SLUG}").status_code == 404
    history = page(admin_client, f"/admin/groupes/{SLUG}/historique")
    assert "groupe supprimé" in history and ADMIN_EMAIL in history
    change = max(c.id for c in get_changes(admin_app))
    token = csrf_from(history)
    assert admin_client.post(f"/admin/historique/{change}/annuler",
                             data={"csrf_token": token}).status_code == 302
    assert stored(admin_app) is not None                    # undone: the group is back


def get_changes(app):
    with app.app_context():
        from finder.db import get_writer
        return get_writer().changes(SLUG)
