"""Accounts, managed in the browser by administrators (editors get a 403)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ... import accounts
from ...db import get_writer
from ...models import ROLES
from . import bp
from .auth import admin_required, current_account


FORM_LABELS = {"email": "Adresse e-mail", "role": "Rôle",
               "password": "Mot de passe (au moins 12 caractères)",
               "password2": "Encore une fois"}


@bp.get("/comptes")
@admin_required
def accounts_page(error: str = "", status: int = 200, field: str = ""):
    """field: the "Créer un compte" field the error is about ("" for the page)."""
    return render_template("admin/accounts.html", accounts=get_writer().accounts(),
                           roles=ROLES, error="" if field else error,
                           errors={field: error} if field else {}, labels=FORM_LABELS,
                           form=request.form), status


@bp.post("/comptes")
@admin_required
def add_account():
    form = request.form
    if form.get("password", "") != form.get("password2", ""):
        return accounts_page("Les deux mots de passe ne sont pas identiques.", 400,
                             "password2")
    try:
        account = accounts.add(get_writer(), form.get("email", ""), form.get("role", ""),
                               form.get("password", ""))
    except accounts.AccountError as exc:
        return accounts_page(str(exc), 400, exc.field)
    flash(f"Compte créé : {account.email} ({ROLES[account.role]}).")
    return redirect(url_for("admin.accounts_page"))


@bp.post("/comptes/retirer")
@admin_required
def remove_account():
    email = request.form.get("email", "")
    if email.strip().lower() == current_account().email:
        return accounts_page("Vous ne pouvez pas retirer votre propre compte.", 400)
    try:
        accounts.remove(get_writer(), email)
    except accounts.AccountError as exc:         # about the account's row, not the form
        return accounts_page(str(exc), 400)
    flash(f"Compte retiré : {email.strip().lower()}.")
    return redirect(url_for("admin.accounts_page"))
