"""The groups and their places in the store: writing them (an import, the admin) and
reading them (search, pages, exports, the catalog). A mixin of `Store` (store.py); SQL
lives in store*.py only.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator, Optional

from .models import Group, Place
from .schedule import Schedule, parse_schedule


class GroupsMixin:
    db: sqlite3.Connection

    # -- writing (an import, the admin) --------------------------------------------
    def group_hashes(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT slug, content_hash FROM groups")}

    def write_group(self, group: Group, content_hash: str) -> None:
        """Insert or update one group (by slug) and replace its places and themes.

        Call inside `transaction()`.
        """
        values = (group.name, group.chapter, group.kind, json.dumps(group.audience),
                  json.dumps(group.audience_kinds), json.dumps(group.services), group.cost,
                  group.description, group.phone, group.email, group.website,
                  group.source_url, group.source_date, group.checked_on, int(group.demo),
                  group.notes, content_hash)
        row = self.db.execute("SELECT id FROM groups WHERE slug = ?", (group.slug,)).fetchone()
        if row:
            group_id = row[0]
            self.db.execute(
                "UPDATE groups SET name=?, chapter=?, kind=?, audience=?, audience_kinds=?,"
                " services=?, cost=?,"
                " description=?, phone=?, email=?, website=?, source_url=?, source_date=?,"
                " checked_on=?, demo=?, notes=?, content_hash=? WHERE id=?", values + (group_id,))
            # Who placed a place by hand survives a rewrite that keeps its point (an import
            # of the exported file has no such column).
            placed = {(round(r[0], 6), round(r[1], 6)): (r[2], r[3]) for r in self.db.execute(
                "SELECT lat, lon, placed_by, placed_at FROM places WHERE group_id = ?"
                " AND placed_by != ''", (group_id,))}
            for p in group.places:
                if not p.placed_by and p.precision == "exact" and p.located:
                    p.placed_by, p.placed_at = placed.get(
                        (round(p.lat, 6), round(p.lon, 6)), ("", ""))
            self.db.execute("DELETE FROM places WHERE group_id = ?", (group_id,))
            self.db.execute("DELETE FROM group_themes WHERE group_id = ?", (group_id,))
        else:
            group_id = self.db.execute(
                "INSERT INTO groups (name, chapter, kind, audience, audience_kinds, services,"
                " cost, description, phone, email, website, source_url, source_date,"
                " checked_on, demo, notes, content_hash, slug)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                values + (group.slug,)).lastrowid
        for theme in dict.fromkeys(t for t in group.themes if t):
            self.db.execute("INSERT OR IGNORE INTO themes (name) VALUES (?)", (theme,))
            self.db.execute(
                "INSERT OR IGNORE INTO group_themes (group_id, theme_id)"
                " SELECT ?, id FROM themes WHERE name = ?", (group_id, theme))
        self._write_group_text(group_id, group)
        self.db.executemany(
            "INSERT INTO places (group_id, position, label, street, postcode, locality,"
            " commune_nis, commune_name, lat, lon, precision, show_exact, schedule,"
            " public_lat, public_lon, schedule_data, placed_by, placed_at, address_kind)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(group_id, i, p.label, p.street, p.postcode, p.locality, p.commune_nis,
              p.commune_name, p.lat, p.lon, p.precision, int(p.show_exact), p.schedule,
              p.public_lat, p.public_lon, _schedule_json(p), p.placed_by, p.placed_at,
              p.address_kind)
             for i, p in enumerate(group.places)])

    def delete_groups(self, slugs: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM groups WHERE slug = ?", [(s,) for s in slugs])
        self._delete_orphan_text()
        self.db.execute(
            "DELETE FROM themes WHERE id NOT IN (SELECT theme_id FROM group_themes)")

    # -- reading --------------------------------------------------------------------
    def chapters(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT c.slug, c.title, c.colour, count(g.id) AS groups FROM chapters c"
            " LEFT JOIN groups g ON g.chapter = c.slug GROUP BY c.slug ORDER BY c.position")
        return [dict(r) for r in rows]

    def themes(self, chapter: Optional[str] = None) -> list[str]:
        sql = ("SELECT DISTINCT t.name FROM themes t JOIN group_themes gt ON gt.theme_id = t.id"
               " JOIN groups g ON g.id = gt.group_id")
        args: tuple = ()
        if chapter:
            sql += " WHERE g.chapter = ?"
            args = (chapter,)
        return [r[0] for r in self.db.execute(sql + " ORDER BY t.name", args)]

    def themes_by_chapter(self) -> dict[str, list[str]]:
        """Chapter slug → `themes(slug)`, in one query (chapters without themes left out)."""
        out: dict[str, list[str]] = {}
        for chapter, name in self.db.execute(
                "SELECT DISTINCT g.chapter, t.name FROM themes t"
                " JOIN group_themes gt ON gt.theme_id = t.id JOIN groups g ON g.id = gt.group_id"
                " ORDER BY t.name, g.chapter"):
            out.setdefault(chapter, []).append(name)
        return out

    def counts(self) -> dict:
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM groups) AS groups,"
            " (SELECT count(*) FROM places) AS places,"
            " (SELECT count(*) FROM places WHERE address_kind = 'reunion') AS meeting_places,"
            " (SELECT count(*) FROM groups WHERE demo = 1) AS demo_groups").fetchone()
        out = dict(row)
        out["by_precision"] = {r[0]: r[1] for r in self.db.execute(
            "SELECT precision, count(*) FROM places GROUP BY precision")}
        out["everywhere"] = self.db.execute(
            "SELECT count(*) FROM groups g WHERE NOT EXISTS"
            " (SELECT 1 FROM places p WHERE p.group_id = g.id)").fetchone()[0]
        return out

    def is_demo(self) -> bool:
        """True while any group of the inventory is demonstration data (Inventory.demo
        keeps the answer for its version)."""
        return self.db.execute(
            "SELECT 1 FROM groups WHERE demo = 1 LIMIT 1").fetchone() is not None

    def _filters(self, chapter: Optional[str], theme: Optional[str],
                 commune_nis: Optional[str]) -> tuple[list[str], list]:
        where: list[str] = []
        args: list = []
        if chapter:
            where.append("g.chapter = ?")
            args.append(chapter)
        if theme:
            where.append("g.id IN (SELECT gt.group_id FROM group_themes gt"
                         " JOIN themes t ON t.id = gt.theme_id WHERE t.name = ?)")
            args.append(theme)
        if commune_nis:
            where.append("p.commune_nis = ?")
            args.append(commune_nis)
        return where, args

    def places_by_name(self, *, chapter: Optional[str] = None, theme: Optional[str] = None,
                       commune_nis: Optional[str] = None) -> list[tuple[int, int, int]]:
        """(place_id, group_id, 1 for a meeting place / 0 for another address) of places
        matching the filters, by commune then group name (the list shown when there is no
        origin to measure from)."""
        where, args = self._filters(chapter, theme, commune_nis)
        sql = ("SELECT p.id, p.group_id, p.address_kind = 'reunion' FROM places p"
               " JOIN groups g ON g.id = p.group_id")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._plain_rows(sql + " ORDER BY p.commune_name, g.name, p.id", args)

    def place_points(self) -> list[tuple[int, int, float, float, str, str, int]]:
        """(place_id, group_id, public lat, public lon, chapter, commune_nis, 1 for a
        meeting place / 0 for another address) of every place.

        The public point: search never ranks or measures by a hidden place's own point.
        """
        return self._plain_rows(
            "SELECT p.id, p.group_id, p.public_lat, p.public_lon, g.chapter, p.commune_nis,"
            " p.address_kind = 'reunion'"
            " FROM places p JOIN groups g ON g.id = p.group_id"
            " WHERE p.public_lat IS NOT NULL", ())

    def group_ids_with_theme(self, theme: str) -> list[int]:
        return [r[0] for r in self._plain_rows(
            "SELECT gt.group_id FROM group_themes gt JOIN themes t ON t.id = gt.theme_id"
            " WHERE t.name = ?", (theme,))]

    def _plain_rows(self, sql: str, args) -> list[tuple]:
        cursor = self.db.cursor()
        cursor.row_factory = None       # plain tuples: several times faster than Row here
        return cursor.execute(sql, args).fetchall()

    def groups_without_places(self, *, chapter: Optional[str] = None,
                              theme: Optional[str] = None) -> list[Group]:
        where, args = self._filters(chapter, theme, None)
        where.append("NOT EXISTS (SELECT 1 FROM places p WHERE p.group_id = g.id)")
        ids = [r[0] for r in self.db.execute(
            "SELECT g.id FROM groups g WHERE " + " AND ".join(where) + " ORDER BY g.name", args)]
        groups = self.groups_by_id(ids, with_places=False)
        return [groups[i] for i in ids]

    def groups_by_id(self, ids: Iterable[int], *, with_places: bool = True) -> dict[int, Group]:
        ids = list(dict.fromkeys(ids))
        groups: dict[int, Group] = {}
        for chunk in _chunks(ids, 900):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT * FROM groups WHERE id IN ({marks})", chunk):
                groups[r["id"]] = _group_from_row(r)
            for gid, name in self.db.execute(
                    "SELECT gt.group_id, t.name FROM group_themes gt JOIN themes t"
                    f" ON t.id = gt.theme_id WHERE gt.group_id IN ({marks}) ORDER BY t.name",
                    chunk):
                groups[gid].themes.append(name)
            if with_places:
                for r in self.db.execute(
                        f"SELECT * FROM places WHERE group_id IN ({marks})"
                        " ORDER BY group_id, position", chunk):
                    groups[r["group_id"]].places.append(_place_from_row(r))
        return groups

    def all_places(self) -> dict[int, Place]:
        """Every place by id (Catalog.build: once per inventory version)."""
        return {r["id"]: _place_from_row(r) for r in self.db.execute("SELECT * FROM places")}

    def group_ids(self) -> list[int]:
        return [r[0] for r in self._plain_rows("SELECT id FROM groups ORDER BY id", ())]

    def places_by_id(self, ids: Iterable[int]) -> dict[int, Place]:
        ids = list(ids)
        out: dict[int, Place] = {}
        for chunk in _chunks(ids, 900):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT * FROM places WHERE id IN ({marks})", chunk):
                out[r["id"]] = _place_from_row(r)
        return out

    def group_by_slug(self, slug: str) -> Optional[Group]:
        row = self.db.execute("SELECT id FROM groups WHERE slug = ?", (slug,)).fetchone()
        return self.groups_by_id([row[0]])[row[0]] if row else None

    def all_groups(self, *, chapter: Optional[str] = None) -> list[Group]:
        sql, args = "SELECT id FROM groups", ()
        if chapter:
            sql, args = sql + " WHERE chapter = ?", (chapter,)
        ids = [r[0] for r in self.db.execute(sql + " ORDER BY name, id", args)]
        groups = self.groups_by_id(ids)
        return [groups[i] for i in ids]

    def map_points(self, place_ids: Optional[Iterable[int]] = None) -> list[tuple]:
        """(place_id, chapter, lat, lon, precision, show_exact, commune_nis, public_lat,
        public_lon) of these places (all places when None), in the order given: what a
        map marker needs (through serialize.public_place)."""
        sql = ("SELECT p.id, g.chapter, p.lat, p.lon, p.precision, p.show_exact,"
               " p.commune_nis, p.public_lat, p.public_lon"
               " FROM places p JOIN groups g ON g.id = p.group_id")
        if place_ids is None:
            return self._plain_rows(sql, ())
        ids = list(place_ids)
        found: dict[int, tuple] = {}
        for chunk in _chunks(ids, 900):
            marks = ",".join("?" * len(chunk))
            for row in self._plain_rows(sql + f" WHERE p.id IN ({marks})", chunk):
                found[row[0]] = row
        return [found[i] for i in ids if i in found]

    def group_ids_of_places(self, place_ids: Iterable[int]) -> dict[int, int]:
        """place_id -> group_id for the places that exist (map popups look groups up)."""
        ids = list(dict.fromkeys(place_ids))
        out: dict[int, int] = {}
        for chunk in _chunks(ids, 900):
            marks = ",".join("?" * len(chunk))
            out.update(self._plain_rows(
                f"SELECT id, group_id FROM places WHERE id IN ({marks})", chunk))
        return out


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _group_from_row(r: sqlite3.Row) -> Group:
    return Group(
        id=r["id"], slug=r["slug"], name=r["name"], chapter=r["chapter"], kind=r["kind"],
        audience=json.loads(r["audience"]), audience_kinds=json.loads(r["audience_kinds"]),
        services=json.loads(r["services"]),
        cost=r["cost"], description=r["description"], phone=r["phone"], email=r["email"],
        website=r["website"], source_url=r["source_url"], source_date=r["source_date"],
        checked_on=r["checked_on"], demo=bool(r["demo"]), notes=r["notes"])


def _place_from_row(r: sqlite3.Row) -> Place:
    return Place(
        id=r["id"], label=r["label"], street=r["street"], postcode=r["postcode"],
        locality=r["locality"], commune_nis=r["commune_nis"], commune_name=r["commune_name"],
        lat=r["lat"], lon=r["lon"], precision=r["precision"], show_exact=bool(r["show_exact"]),
        schedule=r["schedule"], public_lat=r["public_lat"], public_lon=r["public_lon"],
        schedule_parsed=_schedule_from_row(r["schedule"], r["schedule_data"]),
        placed_by=r["placed_by"], placed_at=r["placed_at"],
        address_kind=r["address_kind"])


def _schedule_json(place: Place) -> str:
    if place.schedule_parsed is None:
        return ""
    return json.dumps(place.schedule_parsed.to_dict(), ensure_ascii=False, sort_keys=True)


def _schedule_from_row(text: str, data: str) -> Schedule:
    if not data:                      # stored by an older version: read the text now
        return parse_schedule(text)
    return Schedule.from_dict(text, json.loads(data))
