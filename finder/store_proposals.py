"""Proposals from the public (SQL for the `proposals` table only). A mixin of `Store`.

Nothing here is public: the inventory changes only when an editor accepts a proposal
(through HistoryMixin.record). Accepting or rejecting deletes the proposal, and with it
the proposer's e-mail address.
"""
from __future__ import annotations

import json
import time
from typing import Optional

from .models import Proposal


def _proposal(row) -> Proposal:
    return Proposal(id=row["id"], kind=row["kind"], group_slug=row["group_slug"],
                    data=json.loads(row["data"]), message=row["message"], email=row["email"],
                    created_at=row["created_at"])


class ProposalsMixin:
    db: "object"

    def add_proposal(self, kind: str, group_slug: Optional[str], data: dict, message: str,
                     email: str) -> int:
        with self.transaction():
            return self.db.execute(
                "INSERT INTO proposals (kind, group_slug, data, message, email, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, group_slug, json.dumps(data, ensure_ascii=False), message, email,
                 time.strftime("%Y-%m-%dT%H:%M:%S%z"))).lastrowid

    def proposals(self) -> list[Proposal]:
        return [_proposal(r) for r in self.db.execute("SELECT * FROM proposals ORDER BY id")]

    def proposal(self, proposal_id: int) -> Optional[Proposal]:
        row = self.db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        return _proposal(row) if row else None

    def delete_proposal(self, proposal_id: int) -> bool:
        with self.transaction():
            cursor = self.db.execute("DELETE FROM proposals WHERE id = ?", (proposal_id,))
        return cursor.rowcount == 1
