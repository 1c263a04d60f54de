"""Maintainers' accounts and the admin's locks: sessions, CSRF, rate limits, roles."""
from __future__ import annotations

import pytest

from finder import create_app
from finder.config import MissingSecretKey

from .conftest import (ADMIN_EMAIL, EDITOR_EMAIL, PASSWORD, add_account, csrf_from,
                       init_database, login, post_form)

ADMIN_PAGES = ["/admin/", "/admin/comptes"]
ADMIN_ACTIONS = ["/admin/comptes", "/admin/comptes/retirer", "/admin/deconnexion"]


def test_users_commands_add_list_reset_and_remove(app):
    runner = app.test_cli_runner()
    empty = runner.invoke(args=["users", "list"])
    assert "Aucun compte" in empty.output                     # no default account
    add_account(app, "Marie@Example.org", "editor")
    listed = runner.invoke(args=["users", "list"]).output
    assert "marie@example.org\teditor" in listed
    with app.app_context():
        from finder.db import get_writer
        stored = get_writer().account("marie@example.org")
        assert stored.password_hash.startswith("scrypt:") and PASSWORD not in stored.password_hash
    short = runner.invoke(args=["users", "reset-password", "marie@example.org"], input="court\n")
    assert short.exit_code == 2 and "trop court" in short.output
    again = runner.invoke(args=["users", "add", "marie@example.org", "--role", "admin"],
                          input=PASSWORD + "\n")
    assert again.exit_code == 2 and "existe déjà" in again.output
    changed = runner.invoke(args=["users", "reset-password", "marie@example.org"],
                            input="un tout autre mot de passe\n")
    assert changed.exit_code == 0, changed.output
    client = app.test_client()
    assert login(client, "marie@example.org").status_code == 400
    assert login(client, "marie@example.org", "un tout autre mot de passe").status_code == 302
    removed = runner.invoke(args=["users", "remove", "marie@example.org"])
    assert removed.exit_code == 0
    assert client.get("/admin/").status_code == 302           # the session ended with it
    bad_role = runner.invoke(args=["users", "add", "x@example.org", "--role", "root"],
                             input=PASSWORD + "\n")
    assert bad_role.exit_code != 0


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_no_admin_page_without_a_session(admin_app, url):
    response = admin_app.test_client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/connexion")


@pytest.mark.parametrize("url", ADMIN_ACTIONS)
def test_no_admin_action_without_a_session(admin_app, url):
    client = admin_app.test_client()
    token = csrf_from(client.get("/admin/connexion").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "email": EDITOR_EMAIL,
                                      "role": "admin", "password": PASSWORD,
                                      "password2": PASSWORD})
    assert response.status_code == 401
    assert "reconnectez-vous" in response.get_data(as_text=True)


def test_no_post_without_csrf_token(admin_client, admin_app):
    response = admin_client.post("/admin/comptes/retirer", data={"email": EDITOR_EMAIL})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.get_data(as_text=True)
    forged = admin_client.post("/admin/comptes/retirer",
                               data={"email": EDITOR_EMAIL, "csrf_token": "forged"})
    assert forged.status_code == 400
    listed = admin_app.test_cli_runner().invoke(args=["users", "list"]).output
    assert EDITOR_EMAIL in listed                               # nothing was removed
    assert admin_app.test_client().post("/admin/connexion", data={
        "email": ADMIN_EMAIL, "password": PASSWORD}).status_code == 400


def test_login_logout_and_the_admin_is_private(admin_app):
    client = admin_app.test_client()
    page = client.get("/admin/connexion")
    for response in (page,):
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
    wrong = login(client, ADMIN_EMAIL, "pas le bon mot de passe")
    assert wrong.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect" in wrong.get_data(as_text=True)
    unknown = login(client, "personne@example.org")
    assert "Adresse e-mail ou mot de passe incorrect" in unknown.get_data(as_text=True)
    ok = login(client, ADMIN_EMAIL)
    assert ok.status_code == 302
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    home = client.get("/admin/")
    assert home.status_code == 200 and ADMIN_EMAIL in home.get_data(as_text=True)
    assert "noindex" in home.headers["X-Robots-Tag"] and home.headers["Cache-Control"] == "no-store"
    assert post_form(client, "/admin/deconnexion", {}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_redirects_only_inside_the_admin(admin_app):
    client = admin_app.test_client()
    token = csrf_from(client.get("/admin/connexion").get_data(as_text=True))
    response = client.post("/admin/connexion", data={
        "email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": token,
        "next": "https://attacker.example/admin"})
    assert response.headers["Location"] == "/admin/"


def test_session_expires(admin_client, admin_app):
    with admin_client.session_transaction() as session:
        session["since"] -= admin_app.config["ADMIN_SESSION_HOURS"] * 3600 + 1
    assert admin_client.get("/admin/").status_code == 302


def test_secure_cookie_when_configured(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    add_account(app, ADMIN_EMAIL, "admin")
    assert "Secure" in login(app.test_client(), ADMIN_EMAIL).headers["Set-Cookie"]


def test_brute_force_login_gets_429_per_account(admin_app):
    client = admin_app.test_client()
    for _ in range(5):
        assert login(client, ADMIN_EMAIL, "mauvais mot de passe").status_code == 400
    blocked = login(client, ADMIN_EMAIL)              # even the right password now waits
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0
    assert login(client, EDITOR_EMAIL).status_code == 302   # another account still can


def test_brute_force_login_gets_429_per_client(make_app):
    app = make_app(LOGIN_LIMIT_CLIENT="3/15 minutes")
    client = app.test_client()
    for n in range(3):
        assert login(client, f"essai{n}@example.org", "x" * 12).status_code == 400
    assert login(client, "encore@example.org", "x" * 12).status_code == 429


def test_editor_cannot_manage_accounts(editor_client, admin_app):
    assert editor_client.get("/admin/").status_code == 200
    assert editor_client.get("/admin/comptes").status_code == 403
    response = post_form(editor_client, "/admin/comptes", {
        "email": "nouveau@example.org", "role": "admin", "password": PASSWORD,
        "password2": PASSWORD})
    assert response.status_code == 403
    assert post_form(editor_client, "/admin/comptes/retirer",
                     {"email": ADMIN_EMAIL}).status_code == 403
    listed = admin_app.test_cli_runner().invoke(args=["users", "list"]).output
    assert "nouveau@example.org" not in listed and ADMIN_EMAIL in listed


def test_admin_manages_accounts_in_the_browser(admin_client, admin_app):
    made = post_form(admin_client, "/admin/comptes", {
        "email": "nouveau@example.org", "role": "editor", "password": PASSWORD,
        "password2": PASSWORD}, page="/admin/comptes")
    assert made.status_code == 302
    page = admin_client.get("/admin/comptes").get_data(as_text=True)
    assert "nouveau@example.org" in page and "Compte créé" in page
    mismatch = post_form(admin_client, "/admin/comptes", {
        "email": "autre@example.org", "role": "editor", "password": PASSWORD,
        "password2": PASSWORD + "!"})
    assert mismatch.status_code == 400 and "pas identiques" in mismatch.get_data(as_text=True)
    assert post_form(admin_client, "/admin/comptes/retirer",
                     {"email": "nouveau@example.org"}).status_code == 302
    after = admin_client.get("/admin/comptes").get_data(as_text=True)
    assert "<td>nouveau@example.org</td>" not in after and "Compte retiré" in after


def test_production_start_up_refused_without_secret_key(tmp_path, geo_dir):
    config = {"DATABASE": str(tmp_path / "f.sqlite"), "GEO_DIR": str(geo_dir),
              "SECRET_KEY_FILE": str(tmp_path / "absent")}
    init_database(config["DATABASE"])
    with pytest.raises(MissingSecretKey) as refused:
        create_app(config)
    assert "FINDER_SECRET_KEY" in str(refused.value)
    (tmp_path / "secret").write_text("une valeur longue et aléatoire\n")
    app = create_app({**config, "SECRET_KEY_FILE": str(tmp_path / "secret")})
    assert app.secret_key == "une valeur longue et aléatoire"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_last_admin_cannot_be_removed_while_editors_remain(admin_app):
    runner = admin_app.test_cli_runner()
    refused = runner.invoke(args=["users", "remove", ADMIN_EMAIL])
    assert refused.exit_code == 2 and "dernier compte administrateur" in refused.output
    assert ADMIN_EMAIL in runner.invoke(args=["users", "list"]).output
