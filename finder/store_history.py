"""Changes made in the browser: each one written with who, when, before and after (SQL for
the `changes` table, and the writes that record one). A mixin of `Store`.

Every recorded change bumps the inventory version in the same transaction, so visitors
see it on their next request (finder/snapshot.py) and an import can tell which groups
were edited since a file was exported (`edited_since`).
"""
from __future__ import annotations

import json
import time
from typing import Optional

from .models import Change, Group, content_hash, group_data

ACTIONS = {
    "edit": "fiche modifiée",
    "verify": "vérifié",
    "place_edit": "lieu modifié",
    "place_add": "lieu ajouté",
    "place_remove": "lieu retiré",
    "place_moved": "lieu placé sur la carte",
    "create": "groupe ajouté",
    "delete": "groupe supprimé",
    "proposal": "proposition acceptée",
    "undo": "modification annulée",
}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _change(row) -> Change:
    return Change(
        id=row["id"], group_slug=row["group_slug"], at=row["at"], who=row["who"],
        action=row["action"], summary=row["summary"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
        version=row["version"], undoes=row["undoes"], undone_by=row["undone_by"])


class HistoryMixin:
    db: "object"

    def record(self, slug: str, *, before: Optional[Group], after: Optional[Group],
               who: str, action: str, summary: str = "",
               undoes: Optional[int] = None) -> int:
        """Write `after` in place of `before` (None: create / delete) as one change."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        with self.transaction():
            if after is not None:
                self.write_group(after, content_hash(after))
            else:
                self.delete_groups([slug])
            self.bump_inventory_version(f"navigateur : {who}")
            version = self.inventory_version()
            change_id = self.db.execute(
                "INSERT INTO changes (group_slug, at, who, action, summary, before, after,"
                " version, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (slug, _now(), who, action, summary,
                 json.dumps(group_data(before), ensure_ascii=False) if before else None,
                 json.dumps(group_data(after), ensure_ascii=False) if after else None,
                 version, undoes)).lastrowid
            if undoes is not None:
                self.db.execute("UPDATE changes SET undone_by = ? WHERE id = ?",
                                (change_id, undoes))
        return change_id

    def changes(self, slug: Optional[str] = None, limit: int = 200) -> list[Change]:
        sql, args = "SELECT * FROM changes", []
        if slug is not None:
            sql, args = sql + " WHERE group_slug = ?", [slug]
        return [_change(r) for r in self.db.execute(sql + " ORDER BY id DESC LIMIT ?",
                                                    args + [limit])]

    def change(self, change_id: int) -> Optional[Change]:
        row = self.db.execute("SELECT * FROM changes WHERE id = ?", (change_id,)).fetchone()
        return _change(row) if row else None

    def edited_since(self, version: int) -> dict[str, list[Change]]:
        """Group slug → the browser changes made after inventory version `version`."""
        out: dict[str, list[Change]] = {}
        for row in self.db.execute(
                "SELECT * FROM changes WHERE version > ? ORDER BY id", (version,)):
            out.setdefault(row["group_slug"], []).append(_change(row))
        return out
