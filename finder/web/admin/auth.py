"""Sign in and out; who is signed in; who may do what.

The session (Flask's signed cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS) holds the
e-mail, a stamp that changes with the password (a reset or a removal ends the session) and
the time of sign-in (checked here too: a copied cookie stops working after
ADMIN_SESSION_HOURS). Failed sign-ins are limited per account and per client address.
"""
from __future__ import annotations

import time
from functools import wraps
from typing import Optional
from urllib.parse import urlsplit

from flask import (current_app, flash, g, redirect, render_template, request, session,
                   url_for)

from ... import accounts
from ...db import get_writer
from ...models import Account
from ..throttle import client, get_throttle, too_many
from . import bp

TOO_MANY_TITLE = "Trop de tentatives de connexion"
TOO_MANY = ("Trop de tentatives de connexion ont échoué pour ce compte ou depuis cette "
            "adresse. Par sécurité, réessayez dans %(delay)s. Si vous avez oublié votre mot "
            "de passe, un administrateur peut le changer (flask users reset-password).")


def current_account() -> Optional[Account]:
    if "account" in g:
        return g.account
    g.account = None
    email, stamp, since = session.get("email"), session.get("stamp"), session.get("since")
    if email and stamp and isinstance(since, (int, float)):
        lifetime = current_app.permanent_session_lifetime.total_seconds()
        account = get_writer().account(email)
        if (account is not None and time.time() - since < lifetime
                and stamp == accounts.session_stamp(account, current_app.secret_key)):
            g.account = account
    if g.account is None and email:
        session.clear()
    return g.account


def forbidden(status: int, message: str):
    body = render_template("admin/message.html", title="Accès refusé", message=message)
    return body, status


def admin_required(view):
    """Accounts and deletions: administrators only (403 for an editor)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        account = current_account()
        if account is None or not account.is_admin:
            return forbidden(403, "Cette action est réservée aux administrateurs.")
        return view(*args, **kwargs)
    return wrapper


def _safe_next(target: str) -> str:
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin") \
            or target.startswith("//") or "\\" in target:
        return url_for("admin.home")
    return target


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if current_account() is not None:
            return redirect(url_for("admin.home"))
        return render_template("admin/login.html", next=request.args.get("next", ""))
    email = (request.form.get("email") or "").strip().lower()[:254]
    password = request.form.get("password") or ""
    cfg = current_app.config
    budgets = {"login-client": (cfg["LOGIN_LIMIT_CLIENT"], client())}
    if email:
        budgets["login-account"] = (cfg["LOGIN_LIMIT_ACCOUNT"], email)
    throttle = get_throttle()
    wait = throttle.blocked(budgets)
    if wait:
        return too_many(TOO_MANY_TITLE, TOO_MANY, wait)
    account = get_writer().account(email) if email else None
    if not accounts.verify(account, password):
        throttle.spend(budgets)
        return render_template(
            "admin/login.html", next=request.form.get("next", ""), email=email,
            error="Adresse e-mail ou mot de passe incorrect."), 400
    session.clear()
    session.permanent = True
    session.update(email=account.email, since=time.time(),
                   stamp=accounts.session_stamp(account, current_app.secret_key))
    return redirect(_safe_next(request.form.get("next", "")))


@bp.post("/deconnexion")
def logout():
    session.clear()
    flash("Vous êtes déconnecté.")
    return redirect(url_for("admin.login"))
