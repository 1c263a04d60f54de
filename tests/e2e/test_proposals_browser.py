"""Proposals in a real Chromium: a visitor proposes (no JavaScript needed), an editor
accepts one and it is published, rejects another and it is gone; a proposal full of
payloads stays text in every admin page."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_admin_browser import admin_server, sign_in  # noqa: F401  (fixture)

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
SVG = '"><svg onload="window.__pwned=3">'


def propose(context, base: str, name: str, *, description: str = "", message: str = "",
            schedule: str = "le 2e mardi du mois", javascript: bool = True) -> None:
    page = context.new_page()
    page.goto(base + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Proposer un groupe").click()
    page.get_by_label("Nom du groupe").fill(name)
    page.get_by_label("Sujet").select_option("dependance")
    page.get_by_label("Description").fill(description)
    page.get_by_label("Code postal").fill("4000")
    page.get_by_label("Localité").fill("Liège")
    page.get_by_label("Quand se réunit-il ?").fill(schedule)
    page.get_by_label("Votre message").fill(message)
    page.get_by_label("Votre adresse e-mail").fill("proposant@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    page.close()


def review(page, base: str, name: str) -> None:
    page.goto(base + "/admin/propositions")
    with page.expect_navigation():
        page.get_by_role("row").filter(has_text=name).get_by_role("link", name="Examiner").click()


def test_accept_one_proposal_and_reject_another(admin_server, browser, page):
    visitor = browser.new_context(locale="fr-BE", java_script_enabled=False)
    propose(visitor, admin_server, "Entraide des joueurs de Liège")
    propose(visitor, admin_server, "Groupe qui n'existe pas")
    sign_in(page, admin_server)
    review(page, admin_server, "Entraide des joueurs de Liège")
    expect(page.get_by_text("proposant@example.org")).to_be_visible()
    form = page.locator("#review-form")
    form.get_by_label("Source (adresse web)").fill("https://example.org/joueurs-liege")
    with page.expect_navigation():
        form.get_by_role("button", name="Accepter et publier").click()
    expect(page.get_by_text("Proposition acceptée et publiée")).to_be_visible()
    review(page, admin_server, "Groupe qui n'existe pas")
    with page.expect_navigation():
        page.get_by_role("button", name="Rejeter").click()
    expect(page.get_by_text("Aucune proposition en attente.")).to_be_visible()

    public = visitor.new_page()
    public.goto(admin_server + "/?postcode=4000&chapter=dependance&radius_km=10")
    expect(public.get_by_role("link", name="Entraide des joueurs de Liège", exact=True)).to_be_visible()
    expect(public.get_by_text("Groupe qui n'existe pas")).to_have_count(0)
    public.goto(admin_server + "/groupes/entraide-des-joueurs-de-liege")
    expect(public.get_by_text("le 2e mardi du mois")).to_be_visible()
    expect(public.get_by_text("proposant@example.org")).to_have_count(0)
    assert public.goto(admin_server + "/groupes/groupe-qui-n-existe-pas").status == 404
    visitor.close()


def test_a_proposal_full_of_payloads_never_runs_in_the_admin(admin_server, browser, page):
    visitor = browser.new_context(locale="fr-BE")
    name = "Groupe " + PAYLOAD
    propose(visitor, admin_server, name, description=SCRIPT + SVG, message=SVG + PAYLOAD,
            schedule=SCRIPT)
    visitor.close()
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, admin_server)
    page.goto(admin_server + "/admin/propositions")
    expect(page.get_by_text(name)).to_be_visible()                # shown as text
    review(page, admin_server, name)
    expect(page.locator(".proposal-message")).to_contain_text(PAYLOAD)
    form = page.locator("#review-form")
    form.get_by_label("Source (adresse web)").fill("https://example.org/source")
    with page.expect_navigation():
        form.get_by_role("button", name="Accepter et publier").click()
    page.goto(admin_server + "/admin/?nom=groupe")
    with page.expect_navigation():
        page.locator("#groupes a").filter(has_text="onerror").click()
    expect(page.locator("h1")).to_have_text(name)
    page.get_by_role("link", name="Historique").first.click()
    expect(page.locator("main")).to_contain_text(SCRIPT)
    for url in ("/admin/propositions", page.url):
        page.goto(url if url.startswith("http") else admin_server + url)
        assert page.evaluate("window.__pwned") is None
    assert page.locator("main img[src='x'], main svg[onload]").count() == 0
    assert dialogs == []
