"""The store's reads for the map: what a marker is called. Part of the store (SQL lives
in store*.py only); `Store` mixes this in."""
from __future__ import annotations

import sqlite3
from typing import Iterable


class MapStore:
    db: sqlite3.Connection

    def marker_names(self, place_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """place_id -> (group name, where, nis) of the places that exist; `where` is the
        locality, or the commune when the place has no locality or must not be shown
        exactly (like serialize.public_place, which keeps only the commune then); nis is
        the commune's code when `where` is the commune's name (a page in another language
        may name it its own way: 'Elsene'), else ''."""
        ids = list(dict.fromkeys(int(i) for i in place_ids))
        out: dict[int, tuple[str, str]] = {}
        cursor = self.db.cursor()
        cursor.row_factory = None
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            for pid, name, locality, commune, nis, show_exact in cursor.execute(
                    "SELECT p.id, g.name, p.locality, p.commune_name, p.commune_nis,"
                    " p.show_exact FROM places p JOIN groups g ON g.id = p.group_id"
                    f" WHERE p.id IN ({marks})", chunk):
                where = (locality if show_exact else "") or commune
                out[pid] = (name, where, (nis or "") if where == commune else "")
        return out
