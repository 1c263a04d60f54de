"""Proposals from the public: a new group, or a correction of one group.

What a proposer types is checked with the import's rules (finder/validation.py) and kept
as text; nothing is public until an editor accepts it, and accepting applies it as one
recorded change, to the group it was made for only (a correction names its group by the
page it was sent from, stored server-side; a new group never takes an existing one's
identifier). No Flask here.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from . import editing
from .importer import locate_place
from .models import Group, Proposal
from .text import slugify
from .translatable import N_, Said
from .validation import (MAX_CELL, PLACE_FIELDS, REQUIRED, check_row, email_problem,
                         email_refused, too_long)

NEW_GROUP_FIELDS = ("name", "chapter", "kind", "description", "phone", "email", "website")
NEW_PLACE_FIELDS = ("place_label", "street", "postcode", "locality", "commune", "schedule")
CORRECTION_FIELDS = ("name", "phone", "email", "website", "cost", "description")
PUBLIC_REQUIRED = ("name", "chapter", "kind")


def _problems(row: dict, in_service_area, required, keep) -> dict[str, str]:
    problems: dict[str, str] = {}

    def report(column: str, message: str) -> None:
        if column in keep:
            problems.setdefault(column, message)
    check_row(row, report, in_service_area, required=required)
    return problems


def _contact(form) -> tuple[dict[str, str], str, str]:
    problems = {}
    email = str(form.get("proposer_email", "") or "").strip()[:254]
    if email and (why := email_problem(email)):
        problems["proposer_email"] = email_refused(email, why)
    message = str(form.get("message", "") or "").strip()
    if len(message) > MAX_CELL:
        problems["message"] = too_long(len(message))
    return problems, email, message


def check_new(form, in_service_area) -> tuple[dict[str, str], dict, str, str]:
    """(problems by field, proposed values, proposer e-mail, message)."""
    data = editing.clean(form, NEW_GROUP_FIELDS + NEW_PLACE_FIELDS)
    problems = _problems(dict(data), in_service_area, PUBLIC_REQUIRED, set(data))
    contact, email, message = _contact(form)
    return problems | contact, data, email, message


def check_correction(form, group: Group, in_service_area) -> tuple[dict[str, str], dict, str, str]:
    data = editing.clean(form, CORRECTION_FIELDS)
    row = editing.group_form(group) | {"group_id": group.slug} | data
    problems = _problems(row, in_service_area, PUBLIC_REQUIRED, set(CORRECTION_FIELDS))
    contact, email, message = _contact(form)
    problems |= contact
    current = editing.group_form(group)
    if not message and all(data[c] == current[c] for c in CORRECTION_FIELDS):
        problems["message"] = Said(N_("Dites-nous ce qui est inexact ou a changé (ou corrigez "
                                      "un des champs ci-dessus)."))
    return problems, data, email, message


def review_values(store, proposal: Proposal, today: Optional[dt.date] = None) -> dict:
    """What the editor's form starts from: the proposal over the current data."""
    if proposal.kind == "correction":
        group = store.group_by_slug(proposal.group_slug)
        base = editing.group_form(group) if group else {}
        return base | {c: proposal.data.get(c, "") for c in CORRECTION_FIELDS}
    values = {c: "" for c in editing.GROUP_FIELDS + PLACE_FIELDS}
    values |= {c: proposal.data.get(c, "") for c in NEW_GROUP_FIELDS + NEW_PLACE_FIELDS}
    values |= {"checked_on": (today or dt.date.today()).isoformat(), "show_exact": "oui",
               "demo": "non", "address_kind": "reunion"}
    return values


def accept(store, geography, chain, proposal: Proposal, form, who: str) -> editing.Outcome:
    """Apply the editor's reviewed values as one recorded change, then delete the proposal."""
    if proposal.kind == "correction":
        if store.group_by_slug(proposal.group_slug) is None:
            raise editing.EditError("Le groupe de cette correction n'existe plus.")
        outcome = editing.edit_group(store, geography, proposal.group_slug, form, who,
                                     form.get("version", ""), action="proposal")
    else:
        outcome = _accept_new(store, geography, chain, form, who)
    if outcome.ok:
        store.delete_proposal(proposal.id)
    return outcome


def _accept_new(store, geography, chain, form, who: str) -> editing.Outcome:
    row = editing.clean(form, editing.GROUP_FIELDS + PLACE_FIELDS)
    row["demo"] = "oui" if row["demo"] in ("oui", "on") else "non"
    row["show_exact"] = "non" if row["show_exact"] in ("non", "") else "oui"
    slug = slugify(row["name"]) if row["name"] else ""
    row["group_id"] = slug
    problems: dict[str, str] = {}

    def report(column: str, message: str) -> None:
        problems.setdefault(column, message)
    checked = check_row(dict(row), report, geography.in_service_area, required=REQUIRED)
    if slug and store.group_by_slug(slug) is not None:
        problems.setdefault("name", f"un groupe de l'inventaire porte déjà l'identifiant "
                                    f"« {slug} » : changez le nom (par exemple avec la "
                                    "commune), ou rejetez la proposition si c'est le même.")
    if problems:
        return editing.Outcome(problems)
    group = checked.group
    if checked.place is not None:
        located = locate_place(chain, geography, checked.place)
        if not located.ok:
            return editing.Outcome({"commune": located.problem})
        group.places = [located.place]
    change = store.record(slug, before=None, after=group, who=who, action="proposal",
                          summary="nouveau groupe proposé par le public")
    return editing.Outcome(change_id=change)
