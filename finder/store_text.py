"""The store's text-search tables (group_text, FTS5): what a person may type about a group.

Part of the store (SQL lives in store*.py only). `Store` mixes this in; an import writes a
group's row here in the same transaction as the group itself.
"""
from __future__ import annotations

import sqlite3
from .models import SERVICE_LABELS, Group
from .text import fold

# bm25 weights, in group_text's column order: a word in the themes or the name says what
# the group is about; in the description it may be said in passing.
TEXT_COLUMNS = ("name", "organisation", "themes", "audience", "services", "description")
TEXT_WEIGHTS = (6.0, 3.0, 8.0, 3.0, 2.0, 1.0)


def text_row(group: Group) -> tuple[str, ...]:
    """The indexed text of a group, folded like the queries (text.fold)."""
    return (fold(group.name), fold(getattr(group, "organisation", "") or ""),
            " ; ".join(fold(t) for t in group.themes),
            " ; ".join(fold(a) for a in group.audience),
            " ; ".join(fold(SERVICE_LABELS.get(s, s)) for s in group.services),
            fold(group.description))


class TextStore:
    db: sqlite3.Connection

    def _write_group_text(self, group_id: int, group: Group) -> None:
        self.db.execute("DELETE FROM group_text WHERE rowid = ?", (group_id,))
        self.db.execute(
            "INSERT INTO group_text (rowid, name, organisation, themes, audience, services,"
            " description) VALUES (?, ?, ?, ?, ?, ?, ?)", (group_id,) + text_row(group))

    def _delete_orphan_text(self) -> None:
        self.db.execute("DELETE FROM group_text WHERE rowid NOT IN (SELECT id FROM groups)")

    def text_matches(self, match: str) -> list[tuple[int, float]]:
        """(group_id, score) of the groups matching an FTS5 query; higher is better.

        `match` is built by textindex from folded words (never a person's raw text)."""
        weights = ", ".join(str(w) for w in TEXT_WEIGHTS)
        try:
            rows = self.db.execute(
                f"SELECT rowid, -bm25(group_text, {weights}) FROM group_text"
                " WHERE group_text MATCH ?", (match,)).fetchall()
        except sqlite3.OperationalError:      # an expression FTS5 refuses: no match
            return []
        return [(r[0], r[1]) for r in rows]

    def text_match_ids(self, match: str) -> list[int]:
        """The rowids (group ids) matching an FTS5 query, unscored (textscore scores them)."""
        try:
            return [r[0] for r in self.db.execute(
                "SELECT rowid FROM group_text WHERE group_text MATCH ?", (match,))]
        except sqlite3.OperationalError:      # an expression FTS5 refuses: no match
            return []

    def text_instances(self) -> list[tuple[str, int, int, int]]:
        """(term, group id, column number in TEXT_COLUMNS, token offset) of every token
        of the text index, by term, group, column and offset (textscore.Bm25)."""
        number = {c: i for i, c in enumerate(TEXT_COLUMNS)}
        return [(term, doc, number[col], offset) for term, doc, col, offset in self.db.execute(
            "SELECT term, doc, col, offset FROM group_text_instances"
            " ORDER BY term, doc, col, offset")]

    def text_rows(self) -> int:
        return self.db.execute("SELECT count(*) FROM group_text").fetchone()[0]

    def text_terms(self) -> list[str]:
        """Every word of the text index (for prefix checks and spelling suggestions)."""
        return [r[0] for r in self.db.execute("SELECT term FROM group_text_terms")]

    def group_facets(self) -> list[tuple]:
        """(group_id, name, chapter, audience_kinds JSON, services JSON, cost, has_places,
        themes joined by '\\x1f') of every group: what filters and suggestions need."""
        return [tuple(r) for r in self.db.execute(
            "SELECT g.id, g.name, g.chapter, g.audience_kinds, g.services, g.cost,"
            " EXISTS (SELECT 1 FROM places p WHERE p.group_id = g.id),"
            " coalesce((SELECT group_concat(t.name, char(31)) FROM group_themes gt"
            "   JOIN themes t ON t.id = gt.theme_id WHERE gt.group_id = g.id), '')"
            " FROM groups g ORDER BY g.name, g.id")]

    def theme_counts(self) -> list[tuple[str, str, int]]:
        """(theme, chapter, groups) for every theme of the inventory, per chapter."""
        return [tuple(r) for r in self.db.execute(
            "SELECT t.name, g.chapter, count(*) FROM themes t"
            " JOIN group_themes gt ON gt.theme_id = t.id JOIN groups g ON g.id = gt.group_id"
            " GROUP BY t.name, g.chapter ORDER BY t.name")]
