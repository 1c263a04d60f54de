"""Edits from the admin: a form's values → a checked group → one recorded change.

The rules are the import's (finder/validation.py): a form's fields are named after the
file's columns, so each message lands beside its field. No Flask here; the store records
every change (who, when, before, after) and bumps the inventory version.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from typing import Optional

from .importer import locate_place
from .inventory_file import GROUP_COLUMNS, group_rows
from .models import Change, Group, Place, content_hash, group_from_data
from .validation import PLACE_FIELDS, check_row

GROUP_FIELDS = tuple(c for c in GROUP_COLUMNS if c != "group_id")
STALE_DAYS = 365


class EditError(Exception):
    """A refused edit (conflict, nothing to undo...). French message."""


@dataclass
class Outcome:
    problems: dict[str, str] = field(default_factory=dict)      # column → message
    change_id: Optional[int] = None
    note: str = ""                                              # a remark, French

    @property
    def ok(self) -> bool:
        return not self.problems


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def is_stale(group: Group, today: Optional[dt.date] = None) -> bool:
    """Not checked for more than a year (or never)."""
    try:
        checked = dt.date.fromisoformat(group.checked_on)
    except ValueError:
        return True
    return ((today or dt.date.today()) - checked).days > STALE_DAYS


def group_form(group: Group) -> dict:
    """The group's fields as the form (and the file) writes them."""
    return {c: group_rows(group)[0][c] for c in GROUP_FIELDS}


def place_form(group: Group, index: int) -> dict:
    if index >= len(group.places):
        return {c: "" for c in PLACE_FIELDS} | {"show_exact": "oui"}
    row = group_rows(replace(group, places=[group.places[index]]))[0]
    return {c: row[c] for c in PLACE_FIELDS}


def clean(form, fields) -> dict:
    """Only the known fields, as stripped text (a form may post anything)."""
    return {c: str(form.get(c, "") or "").strip() for c in fields}


def _check(row: dict, in_service_area) -> tuple[dict[str, str], Group, Optional[Place]]:
    problems: dict[str, str] = {}

    def report(column: str, message: str) -> None:
        problems.setdefault(column, message)
    checked = check_row(row, report, in_service_area)
    return problems, checked.group, checked.place


def _current(store, slug: str, expected_hash: str = "") -> Group:
    group = store.group_by_slug(slug)
    if group is None:
        raise EditError("Ce groupe n'existe plus dans l'inventaire.")
    if expected_hash and content_hash(group) != expected_hash:
        raise EditError("Ce groupe a été modifié entre-temps (par quelqu'un d'autre, ou un "
                        "import) : rechargez la page pour voir la version actuelle, puis "
                        "refaites votre modification. Rien n'a été enregistré.")
    return group


def edit_group(store, geography, slug: str, form, who: str, expected_hash: str = "",
               action: str = "edit") -> Outcome:
    current = _current(store, slug, expected_hash)
    row = clean(form, GROUP_FIELDS) | {"group_id": slug}
    row["demo"] = "oui" if row["demo"] in ("oui", "on") else "non"
    problems, checked, _ = _check(row, geography.in_service_area)
    if problems:
        return Outcome(problems)
    updated = replace(checked, places=current.places, id=current.id)
    if content_hash(updated) == content_hash(current):
        return Outcome(note="Aucune modification : rien n'a été enregistré.")
    return Outcome(change_id=store.record(slug, before=current, after=updated, who=who,
                                          action=action, summary=_changed(current, updated)))


def verify_today(store, slug: str, who: str, today: Optional[dt.date] = None) -> Outcome:
    current = _current(store, slug)
    updated = replace(current, checked_on=(today or dt.date.today()).isoformat())
    return Outcome(change_id=store.record(slug, before=current, after=updated, who=who,
                                          action="verify",
                                          summary=f"vérifié le {updated.checked_on}"))


def edit_place(store, geography, chain, slug: str, index: int, form, who: str,
               expected_hash: str = "", action: str = "") -> Outcome:
    """Change place `index` of the group, or add one when index == number of places."""
    current = _current(store, slug, expected_hash)
    if not 0 <= index <= len(current.places):
        raise EditError("Ce lieu n'existe pas (ou plus) pour ce groupe.")
    row = group_form(current) | {"group_id": slug} | clean(form, PLACE_FIELDS)
    row["show_exact"] = "non" if row["show_exact"] in ("non", "") else "oui"
    problems, _, place = _check(row, geography.in_service_area)
    problems = {c: m for c, m in problems.items() if c in PLACE_FIELDS}
    if place is None:
        problems.setdefault("commune", "Indiquez au moins un code postal, une localité ou "
                                       "une commune.")
    if problems:
        return Outcome(problems)
    outcome = locate_place(chain, geography, place)
    if not outcome.ok:
        return Outcome({"commune": outcome.problem})
    located = outcome.place
    adding = index == len(current.places)
    old = None if adding else current.places[index]
    if located.precision == "exact" and row["lat"]:
        same_point = (old is not None and old.precision == "exact"
                      and (round(old.lat, 6), round(old.lon, 6))
                      == (round(located.lat, 6), round(located.lon, 6)))
        if same_point:
            located.placed_by, located.placed_at = old.placed_by, old.placed_at
        else:
            located.placed_by, located.placed_at = who, now_iso()
    places = list(current.places)
    if adding:
        places.append(located)
    else:
        places[index] = located
    updated = replace(current, places=places)
    if content_hash(updated) == content_hash(current) and not adding:
        return Outcome(note="Aucune modification : rien n'a été enregistré.")
    moved = old is not None and located.placed_at and located.placed_by == who \
        and located.placed_at != old.placed_at
    action = action or ("place_add" if adding else "place_moved" if moved else "place_edit")
    where = located.address_line() or located.commune_name
    return Outcome(change_id=store.record(slug, before=current, after=updated, who=who,
                                          action=action, summary=where),
                   note=outcome.note)


def remove_place(store, slug: str, index: int, who: str, expected_hash: str = "") -> Outcome:
    current = _current(store, slug, expected_hash)
    if not 0 <= index < len(current.places):
        raise EditError("Ce lieu n'existe pas (ou plus) pour ce groupe.")
    gone = current.places[index]
    updated = replace(current, places=[p for i, p in enumerate(current.places) if i != index])
    return Outcome(change_id=store.record(slug, before=current, after=updated, who=who,
                                          action="place_remove",
                                          summary=gone.address_line() or gone.commune_name))


def undo(store, change_id: int, who: str, *, may_delete: bool) -> Outcome:
    """Put the group back as it was before `change_id`, as a new recorded change.

    Only while the group is still as that change left it: otherwise later changes would
    be lost silently, so those must be undone first.
    """
    change: Optional[Change] = store.change(change_id)
    if change is None:
        raise EditError("Cette modification n'existe pas.")
    if change.undone_by is not None:
        raise EditError("Cette modification a déjà été annulée.")
    current = store.group_by_slug(change.group_slug)
    after = group_from_data(change.after) if change.after is not None else None
    if (current is None) != (after is None) or (
            current is not None and content_hash(current) != content_hash(after)):
        raise EditError("Le groupe a changé depuis cette modification : annulez d'abord les "
                        "modifications plus récentes (en haut de l'historique).")
    restored = group_from_data(change.before) if change.before is not None else None
    if restored is None and not may_delete:
        raise EditError("Annuler cet ajout supprimerait le groupe : seul un administrateur "
                        "peut le faire.")
    if restored is not None and current is not None:
        restored.id = current.id
    return Outcome(change_id=store.record(
        change.group_slug, before=current, after=restored, who=who, action="undo",
        summary=f"annule la modification du {change.at[:10]} ({change.who})",
        undoes=change.id))


def _changed(before: Group, after: Group) -> str:
    a, b = group_form(before), group_form(after)
    return ", ".join(c for c in GROUP_FIELDS if a[c] != b[c])


def diff(change: Change) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field a change touched; places as one line each."""
    before = group_from_data(change.before) if change.before else None
    after = group_from_data(change.after) if change.after else None
    rows: list[tuple[str, str, str]] = []
    fa = group_form(before) if before else {c: "" for c in GROUP_FIELDS}
    fb = group_form(after) if after else {c: "" for c in GROUP_FIELDS}
    rows += [(c, fa[c], fb[c]) for c in GROUP_FIELDS if fa[c] != fb[c]]
    pa = [_place_line(p) for p in (before.places if before else [])]
    pb = [_place_line(p) for p in (after.places if after else [])]
    for i in range(max(len(pa), len(pb))):
        x = pa[i] if i < len(pa) else ""
        y = pb[i] if i < len(pb) else ""
        if x != y:
            rows.append((f"lieu {i + 1}", x, y))
    return rows


def _place_line(p: Place) -> str:
    parts = [p.address_line() if p.show_exact else f"{p.commune_name} (adresse cachée)"]
    if p.located:
        parts.append(f"{p.lat:.5f}, {p.lon:.5f} ({p.precision})")
    if p.placed_by:
        parts.append(f"placé par {p.placed_by}")
    if p.schedule:
        parts.append(p.schedule)
    return " · ".join(parts)
