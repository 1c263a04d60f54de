"""Maintainers' accounts in the inventory database (SQL for the `accounts` table only).

A mixin of `Store`; the rules (roles, password hashing) live in finder/accounts.py.
"""
from __future__ import annotations

import time
from typing import Optional

from .models import Account


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _account(row) -> Account:
    return Account(id=row["id"], email=row["email"], role=row["role"],
                   password_hash=row["password_hash"], created_at=row["created_at"],
                   password_changed_at=row["password_changed_at"])


class AccountsMixin:
    db: "object"

    def accounts(self) -> list[Account]:
        return [_account(r) for r in self.db.execute(
            "SELECT * FROM accounts ORDER BY email COLLATE NOCASE")]

    def account(self, email: str) -> Optional[Account]:
        row = self.db.execute("SELECT * FROM accounts WHERE email = ?", (email,)).fetchone()
        return _account(row) if row else None

    def add_account(self, email: str, role: str, password_hash: str) -> Account:
        now = _now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO accounts (email, role, password_hash, created_at,"
                " password_changed_at) VALUES (?, ?, ?, ?, ?)",
                (email, role, password_hash, now, now))
        return self.account(email)

    def set_password(self, email: str, password_hash: str) -> bool:
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE accounts SET password_hash = ?, password_changed_at = ?"
                " WHERE email = ?", (password_hash, _now(), email))
        return cursor.rowcount == 1

    def remove_account(self, email: str) -> bool:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM accounts WHERE email = ?", (email,))
        return cursor.rowcount == 1

    def count_admins(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM accounts WHERE role = 'admin'").fetchone()[0]
