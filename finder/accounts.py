"""Maintainers' accounts: roles, password rules and hashing (werkzeug's scrypt).

No Flask here: the CLI (`flask users …`) and the admin's login both call these. There is
no default account and no default password: the first admin is made with `users add`.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Optional

from werkzeug.security import check_password_hash, generate_password_hash

from .models import ROLES, Account
from .validation import email_problem

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
HASH_METHOD = "scrypt"
# Checked when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password, never valid", method=HASH_METHOD)


class AccountError(ValueError):
    """A refused account operation; the message is French, for the maintainer. `field`
    names the form field it is about ("email", "role", "password"), or is ""."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    problem = email_problem(email) or ("adresse trop longue." if len(email) > 254 else None)
    if problem:
        raise AccountError(f"Adresse e-mail invalide « {email} » : {problem}", "email")
    return email.lower()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu « {role} » : admin ou editor.", "role")
    return role


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mot de passe trop court : au moins {MIN_PASSWORD} caractères.",
                           "password")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Mot de passe trop long : au plus {MAX_PASSWORD} caractères.",
                           "password")
    return generate_password_hash(password, method=HASH_METHOD)


def verify(account: Optional[Account], password: str) -> bool:
    """True when `password` is the account's; always costs one hash check."""
    if account is None or len(password) > MAX_PASSWORD:
        check_password_hash(_DUMMY_HASH, password[:MAX_PASSWORD])
        return False
    return check_password_hash(account.password_hash, password)


def session_stamp(account: Account, secret: str) -> str:
    """Kept in the session: changes with the password, so a reset or a removal ends every
    session of that account."""
    return hmac.new(secret.encode(), f"{account.email}\n{account.password_hash}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def add(store, email: str, role: str, password: str) -> Account:
    email, role = normalise_email(email), check_role(role)
    if store.account(email) is not None:
        raise AccountError(f"Un compte existe déjà pour {email}.", "email")
    return store.add_account(email, role, hash_password(password))


def reset_password(store, email: str, password: str) -> None:
    email = normalise_email(email)
    if not store.set_password(email, hash_password(password)):
        raise AccountError(f"Aucun compte pour {email}.")


def remove(store, email: str) -> None:
    email = normalise_email(email)
    account = store.account(email)
    if account is None:
        raise AccountError(f"Aucun compte pour {email}.")
    if account.is_admin and store.count_admins() == 1 and store.accounts() != [account]:
        raise AccountError("C'est le dernier compte administrateur : créez-en un autre "
                           "avant de retirer celui-ci.")
    store.remove_account(email)
