"""Proposals from the public: forms without JavaScript, the import's messages, honeypot and
rate limit; nothing public until an editor accepts; the proposer's e-mail never shown."""
from __future__ import annotations

import re
from html import unescape

from .conftest import ADMIN_EMAIL, csrf_from, login

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"
NEW = {"name": "Groupe des aidants de Gembloux", "chapter": "maladie", "kind": "entraide",
       "description": "Rencontres entre proches de malades.", "phone": "081 00 00 00",
       "postcode": "5030", "locality": "Gembloux", "schedule": "le 1er lundi du mois",
       "proposer_email": "moi@example.org", "message": "Je le fréquente."}


def submit(client, url: str, data: dict):
    html = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data})


def stored_proposals(app):
    with app.app_context():
        from finder.db import get_writer
        return get_writer().proposals()


def test_every_public_page_links_to_propose_and_group_pages_to_report(client):
    for url in ("/", f"/groupes/{SLUG}", "/proposer", "/embed", "/nulle-part"):
        assert 'href="/proposer"' in client.get(url).get_data(as_text=True)
    assert f'href="/groupes/{SLUG}/signaler"' in client.get(f"/groupes/{SLUG}").get_data(as_text=True)


def test_a_proposal_waits_for_an_editor(client, demo_app):
    page = client.get("/proposer").get_data(as_text=True)
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]   # no JS needed
    response = submit(client, "/proposer", NEW)
    assert response.status_code == 200 and "Merci" in response.get_data(as_text=True)
    [proposal] = stored_proposals(demo_app)
    assert proposal.kind == "new" and proposal.data["name"] == NEW["name"]
    assert proposal.email == "moi@example.org"
    assert NEW["name"] not in client.get("/?postcode=5030").get_data(as_text=True)
    assert client.get("/groupes/groupe-des-aidants-de-gembloux").status_code == 404


def test_the_importers_messages_and_nothing_kept(client, demo_app):
    response = submit(client, "/proposer", NEW | {"name": "", "postcode": "75001",
                                                  "website": "javascript:alert(1)",
                                                  "proposer_email": "pas-une-adresse"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "valeur obligatoire manquante" in html
    assert "code postal invalide « 75001 » (4 chiffres attendus)" in html
    assert "adresse web refusée « javascript:alert(1) »" in html
    assert "adresse e-mail refusée « pas-une-adresse »" in html
    assert 'value="Je le fréquente."' not in html and "Je le fréquente." in html  # kept in the form
    assert stored_proposals(demo_app) == []


def test_honeypot_keeps_nothing_and_rate_limit_answers_429(make_app):
    app = make_app(PROPOSAL_LIMIT="2/hour")
    client = app.test_client()
    bot = submit(client, "/proposer", NEW | {"website_confirm": "http://spam.example"})
    assert bot.status_code == 200 and "Merci" in bot.get_data(as_text=True)
    assert stored_proposals(app) == []
    assert submit(client, "/proposer", NEW).status_code == 200
    blocked = submit(client, "/proposer", NEW)
    assert blocked.status_code == 429 and "Trop de propositions" in blocked.get_data(as_text=True)
    assert len(stored_proposals(app)) == 1


def test_no_proposal_without_csrf(client, demo_app):
    assert client.post("/proposer", data=NEW).status_code == 400
    assert client.post(f"/groupes/{SLUG}/signaler", data={"message": "x"}).status_code == 400
    assert stored_proposals(demo_app) == []


def review_form(client, proposal_id: int) -> dict:
    html = client.get(f"/admin/propositions/{proposal_id}").get_data(as_text=True)
    form = html[html.index('id="review-form"'):]
    form = form[:form.index("</form>")]
    values = dict(re.findall(r'name="([a-z_]+)" type="text" value="([^"]*)"', form))
    values |= dict(re.findall(r'<textarea id="[^"]+" name="([a-z_]+)"[^>]*>([^<]*)</textarea>', form))
    for name in ("chapter", "kind"):
        select = re.search(rf'name="{name}">(.*?)</select>', form, re.S).group(1)
        values[name] = re.search(r'<option value="([^"]+)" selected>', select).group(1)
    values["version"] = re.search(r'name="version" value="([^"]*)"', form).group(1)
    values["show_exact"] = "oui"
    values["csrf_token"] = csrf_from(html)
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in values.items()}


def test_editor_accepts_a_new_group_as_one_change_and_the_email_goes(admin_app, editor_client):
    visitor = admin_app.test_client()
    submit(visitor, "/proposer", NEW)
    [proposal] = stored_proposals(admin_app)
    page = editor_client.get(f"/admin/propositions/{proposal.id}").get_data(as_text=True)
    assert NEW["name"] in page and "moi@example.org" in page
    form = review_form(editor_client, proposal.id)
    missing = editor_client.post(f"/admin/propositions/{proposal.id}/accepter", data=form)
    assert missing.status_code == 400                     # the source is the editor's job
    assert "valeur obligatoire manquante" in missing.get_data(as_text=True)
    form["source_url"] = "https://example.org/aidants-gembloux"
    accepted = editor_client.post(f"/admin/propositions/{proposal.id}/accepter", data=form)
    assert accepted.status_code == 302
    assert stored_proposals(admin_app) == []
    public = visitor.get("/groupes/groupe-des-aidants-de-gembloux").get_data(as_text=True)
    assert NEW["name"] in public and "le 1er lundi du mois" in public
    assert "moi@example.org" not in public
    assert "moi@example.org" not in str(visitor.get("/api/v1/groups.csv").get_data(as_text=True))
    history = editor_client.get("/admin/groupes/groupe-des-aidants-de-gembloux/historique")
    assert "proposition acceptée" in history.get_data(as_text=True)
    with admin_app.app_context():
        from finder.db import get_writer
        dump = "\n".join(get_writer().db.iterdump())
    assert "moi@example.org" not in dump                  # deleted with the proposal


def test_a_new_proposal_can_never_replace_an_existing_group(admin_app, editor_client):
    visitor = admin_app.test_client()
    submit(visitor, "/proposer", NEW | {"name": "Alzheimer Café d'Ans (Ligue Alzheimer)"})
    [proposal] = stored_proposals(admin_app)
    form = review_form(editor_client, proposal.id) | {"source_url": "https://example.org/x",
                                                      "group_id": SLUG}
    with admin_app.app_context():
        from finder.db import get_writer
        from finder.models import content_hash
        before = content_hash(get_writer().group_by_slug(SLUG))
    refused = editor_client.post(f"/admin/propositions/{proposal.id}/accepter", data=form)
    assert refused.status_code == 400 and "porte déjà" in refused.get_data(as_text=True)
    with admin_app.app_context():
        assert content_hash(get_writer().group_by_slug(SLUG)) == before
    assert "Je le fréquente." not in visitor.get(f"/groupes/{SLUG}").get_data(as_text=True)


def test_a_correction_changes_only_its_group(admin_app, editor_client):
    with admin_app.app_context():
        from finder import editing
        from finder.db import get_geography, get_writer
        store = get_writer()
        form = editing.group_form(store.group_by_slug(SLUG)) | {"notes": "Accès PMR à vérifier."}
        assert editing.edit_group(store, get_geography(), SLUG, form, "x@example.org").change_id
    visitor = admin_app.test_client()
    html = visitor.get(f"/groupes/{SLUG}/signaler").get_data(as_text=True)
    as_shown = dict(re.findall(r'name="([a-z_]+)" type="text" value="([^"]*)"', html))
    as_shown["description"] = re.search(
        r'<textarea id="f-description" name="description"[^>]*>([^<]*)<', html).group(1)
    as_shown = {k: unescape(v) for k, v in as_shown.items()}
    empty = submit(visitor, f"/groupes/{SLUG}/signaler", as_shown)
    assert empty.status_code == 400 and "Dites-nous ce qui est inexact" in empty.get_data(as_text=True)
    sent = submit(visitor, f"/groupes/{SLUG}/signaler", as_shown | {
        "phone": "04 999 99 99", "message": "Le numéro a changé.", "group_id": "autre-groupe"})
    assert sent.status_code == 200
    [proposal] = stored_proposals(admin_app)
    assert proposal.kind == "correction" and proposal.group_slug == SLUG
    assert "04 999 99 99" not in visitor.get(f"/groupes/{SLUG}").get_data(as_text=True)
    page = editor_client.get(f"/admin/propositions/{proposal.id}").get_data(as_text=True)
    assert "Le numéro a changé." in page and "diff-changed" in page
    accepted = editor_client.post(f"/admin/propositions/{proposal.id}/accepter",
                                  data=review_form(editor_client, proposal.id))
    assert accepted.status_code == 302
    public = visitor.get(f"/groupes/{SLUG}").get_data(as_text=True)
    assert "04 999 99 99" in public and "Accès PMR à vérifier." in public   # notes kept


def test_reject_deletes_and_only_admins_remove_a_group(admin_app, editor_client):
    visitor = admin_app.test_client()
    html = visitor.get(f"/groupes/{SLUG}/signaler").get_data(as_text=True)
    name = unescape(re.search(r'name="name" type="text" value="([^"]*)"', html).group(1))
    submit(visitor, f"/groupes/{SLUG}/signaler", {"name": name,
                                                  "message": "Ce groupe n'existe plus."})
    [proposal] = stored_proposals(admin_app)
    token = csrf_from(editor_client.get(f"/admin/propositions/{proposal.id}").get_data(as_text=True))
    assert editor_client.post(f"/admin/propositions/{proposal.id}/supprimer-groupe",
                              data={"csrf_token": token}).status_code == 403
    admin = admin_app.test_client()
    login(admin, ADMIN_EMAIL)
    token = csrf_from(admin.get(f"/admin/propositions/{proposal.id}").get_data(as_text=True))
    assert admin.post(f"/admin/propositions/{proposal.id}/supprimer-groupe",
                      data={"csrf_token": token}).status_code == 302
    assert visitor.get(f"/groupes/{SLUG}").status_code == 404
    submit(visitor, "/proposer", NEW)
    [other] = stored_proposals(admin_app)
    token = csrf_from(editor_client.get(f"/admin/propositions/{other.id}").get_data(as_text=True))
    assert editor_client.post(f"/admin/propositions/{other.id}/rejeter",
                              data={"csrf_token": token}).status_code == 302
    assert stored_proposals(admin_app) == []
    assert admin_app.test_client().get("/admin/propositions").status_code == 302


def test_the_public_form_refuses_links_that_lie(client, demo_app):
    for field, value, says in (
            ("website", "https://www.cancer.be@evil.example/", "mène en réalité à « evil.example »"),
            ("website", "https://www.cаncer.be/", "mélange plusieurs écritures"),
            ("proposer_email", "moi%0Abcc:tous@example.org", "retour à la ligne encodé")):
        response = submit(client, "/proposer", NEW | {field: value})
        assert response.status_code == 400, (field, value)
        assert says in unescape(response.get_data(as_text=True)), (field, value)
    assert stored_proposals(demo_app) == []
