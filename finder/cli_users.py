"""`flask --app finder users add|list|remove|reset-password`: the maintainers' accounts.

The password is read from standard input when it is not a terminal (`… < file`, a pipe),
prompted twice otherwise; it never appears on the command line.
"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from . import accounts
from .db import get_writer
from .models import ROLES

users = AppGroup("users", help="Gérer les comptes des mainteneurs (admin, editor).")


def _read_password() -> str:
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=
                                "Encore une fois")
    return password


def _run(action) -> None:
    try:
        action()
    except accounts.AccountError as exc:
        click.echo(f"Refusé : {exc}", err=True)
        sys.exit(2)


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(tuple(ROLES)), required=True,
              help="admin (gère aussi les comptes) ou editor.")
def add_command(email: str, role: str) -> None:
    """Créer un compte (mot de passe demandé, ou lu sur l'entrée standard)."""
    def action():
        account = accounts.add(get_writer(), email, role, _read_password())
        click.echo(f"Compte créé : {account.email} ({ROLES[account.role]}).")
    _run(action)


@users.command("list")
def list_command() -> None:
    """Lister les comptes."""
    found = get_writer().accounts()
    if not found:
        click.echo("Aucun compte. Créez-en un : flask --app finder users add EMAIL --role admin")
    for account in found:
        click.echo(f"{account.email}\t{account.role}\tcréé le {account.created_at[:10]}")


@users.command("remove")
@click.argument("email")
def remove_command(email: str) -> None:
    """Retirer un compte (ses sessions ouvertes prennent fin)."""
    def action():
        accounts.remove(get_writer(), email)
        click.echo(f"Compte retiré : {email.strip().lower()}.")
    _run(action)


@users.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Changer le mot de passe d'un compte (ses sessions ouvertes prennent fin)."""
    def action():
        accounts.reset_password(get_writer(), email, _read_password())
        click.echo(f"Mot de passe changé pour {email.strip().lower()}.")
    _run(action)
