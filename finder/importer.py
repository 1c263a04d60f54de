"""Import an inventory file into the store: validate, geocode, then apply in one transaction.

Nothing is written unless the whole file is valid (or `skip_invalid` is asked for).
Re-importing the same file changes nothing; a changed file updates groups in place,
keyed by their `group_id`. A crash at any point leaves the previous inventory.

Refused unless `force`: a file with no data row, and a file that would remove more than
half of the groups (a truncated export, the wrong file). Two imports at once: the write
phase takes the database's write lock (the second one waits) and reads what is stored
inside that transaction, so the last import to write is the whole inventory.
"""
from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .inventory_file import (ParsedGroup, Problem, file_version, parse, read_rows,
                             schedule_remarks)
from .models import Group, content_hash  # noqa: F401  (content_hash: re-exported)
from .store import Store
from .text import slugify

# progress(label, items) -> context manager yielding an iterator over items (click.progressbar).
Progress = Callable[[str, list], object]


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    remarks: list[Problem] = field(default_factory=list)   # placed, but worth a look
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped_groups: int = 0
    places_by_precision: Counter = field(default_factory=Counter)
    everywhere: int = 0
    schedules: Counter = field(default_factory=Counter)   # Schedule.status → places
    applied: bool = False
    refusal: str = ""          # why the file was not applied although valid (see `force`)
    vacuumed: bool = False
    # What the file would change (slugs), and those of them edited in the browser since the
    # file was exported: {slug: [Change, ...]}. Such an import is refused unless forced.
    plan: dict = field(default_factory=lambda: {"added": [], "updated": [], "removed": []})
    edited_since_export: dict = field(default_factory=dict)
    exported_version: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.applied


def _plain(label: str, items: list):
    return nullcontext(items)


# An import that removes more than this share of the groups is refused unless forced.
MAX_REMOVED_SHARE = 0.5
# ... and one that removes at least this share is followed by VACUUM (the file shrinks).
VACUUM_REMOVED_SHARE = 0.25


class _Refused(Exception):
    pass


def import_file(store: Store, geography, chain, path: str | Path, *,
                skip_invalid: bool = False, remove_missing: bool = True, force: bool = False,
                progress: Progress = _plain,
                on_wait: Callable[[], None] = lambda: None) -> ImportReport:
    """`on_wait()` is called once if another import holds the database and this one waits."""
    report = ImportReport()
    rows = list(read_rows(path))
    if not rows and not force:
        report.refusal = ("le fichier ne contient aucune ligne de données (seulement l'en-tête) : "
                          "l'importer viderait l'inventaire. Si c'est bien voulu, relancez avec "
                          "--force.")
        return report
    report.exported_version = file_version(rows)
    parsed, problems = parse(rows, geography.in_service_area)
    report.problems.extend(problems)

    located: list[Group] = []
    with progress("Géolocalisation des lieux", parsed) as items:
        for pg in items:
            group = _locate(pg, chain, geography, report)
            if group is not None:
                located.append(group)

    groups_with_rows = {r.get("group_id") or slugify(r.get("name", "")) for _, r in rows}
    if report.problems:
        bad_keys = {g for g in groups_with_rows} - {g.slug for g in located}
        report.skipped_groups = len(bad_keys)
        if not skip_invalid:
            return report
    report.problems.sort(key=lambda p: (p.row, p.column))
    _apply(store, located, report, source=str(path), remove_missing=remove_missing,
           keep=groups_with_rows, progress=progress, force=force, on_wait=on_wait)
    return report


def _locate(pg: ParsedGroup, chain, geography, report: ImportReport) -> Optional[Group]:
    group = pg.group
    ok = True
    for rp in pg.places:
        report.remarks.extend(schedule_remarks(rp.row, rp.place))
        outcome = locate_place(chain, geography, rp.place)
        if not outcome.ok:
            report.problems.append(Problem(rp.row, "commune", outcome.problem))
            ok = False
        else:
            if outcome.note:
                report.remarks.append(Problem(rp.row, "", outcome.note))
            group.places.append(outcome.place)
    return group if ok else None


def locate_place(chain, geography, place):
    """chain.locate(place), plus the point the public may see (the commune's point when
    the exact location is hidden). The import and the admin's forms both place this way."""
    outcome = chain.locate(place)
    if outcome.ok:
        place = outcome.place
        if place.show_exact:
            place.public_lat, place.public_lon = place.lat, place.lon
        else:
            lat, lon = geography.representative_point(place.commune_nis)
            place.public_lat, place.public_lon = round(lat, 5), round(lon, 5)
    return outcome


def _apply(store: Store, groups: list[Group], report: ImportReport, *, source: str,
           remove_missing: bool, keep: set, progress: Progress, force: bool,
           on_wait: Callable[[], None]) -> None:
    try:
        with store.transaction(wait=True, on_wait=on_wait):
            _write(store, groups, report, source=source, remove_missing=remove_missing,
                   keep=keep, progress=progress, force=force)
    except _Refused:
        return
    if report.vacuumed:
        report.vacuumed = store.vacuum()
    for group in groups:
        if not group.places:
            report.everywhere += 1
        for place in group.places:
            report.places_by_precision[place.precision] += 1
            if place.schedule_parsed is not None and place.schedule_parsed.text:
                report.schedules[place.schedule_parsed.status] += 1
    report.applied = True


FILE_VERSION_KEY = "file_import_version"     # the inventory version of the last import


def _check_browser_edits(store: Store, report: ImportReport, force: bool) -> None:
    """Refuse (unless forced) to overwrite groups edited in the browser after the file was
    exported; a file without its version is compared with the last import."""
    since = report.exported_version
    if since is None:
        since = int(store.get_meta(FILE_VERSION_KEY, "0") or 0)
    edited = store.edited_since(since)
    touched = {s for kind in report.plan.values() for s in kind}
    report.edited_since_export = {slug: changes for slug, changes in edited.items()
                                  if slug in touched}
    if report.edited_since_export and not force:
        count = len(report.edited_since_export)
        origin = (f"exporté à la version {report.exported_version} de l'inventaire"
                  if report.exported_version is not None else
                  "sans version d'inventaire (il ne vient pas de « flask export »)")
        report.refusal = (
            f"ce fichier, {origin}, écraserait {count} groupe(s) modifié(s) dans le "
            "navigateur depuis : ces modifications seraient perdues. Exportez l'inventaire "
            "actuel (flask --app finder export) et reportez-y vos changements, ou relancez "
            "avec --force pour remplacer quand même.")
        raise _Refused


def _write(store: Store, groups: list[Group], report: ImportReport, *, source: str,
           remove_missing: bool, keep: set, progress: Progress, force: bool) -> None:
    """Inside the write transaction: what is stored is read here, never before."""
    existing = store.group_hashes()
    gone: list[str] = []
    if remove_missing:
        # A group whose rows are invalid (skip_invalid) is kept as it was, not removed.
        new = {g.slug for g in groups}
        gone = [slug for slug in existing if slug not in keep and slug not in new]
        if len(gone) > MAX_REMOVED_SHARE * len(existing) and not force:
            report.refusal = (
                f"ce fichier retirerait {len(gone)} des {len(existing)} groupes de "
                f"l'inventaire (il n'en garde que {len(existing) - len(gone)}). Est-ce bien le "
                "bon fichier, et complet ? Si c'est voulu, relancez avec --force.")
            raise _Refused
    digests = {g.slug: content_hash(g) for g in groups}
    report.plan = {
        "added": [g.slug for g in groups if g.slug not in existing],
        "updated": [g.slug for g in groups
                    if g.slug in existing and existing[g.slug] != digests[g.slug]],
        "removed": list(gone)}
    _check_browser_edits(store, report, force)
    with progress("Écriture de l'inventaire", groups) as items:
        for group in items:
            digest = digests[group.slug]
            if group.slug not in existing:
                report.added += 1
            elif existing[group.slug] != digest:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            store.write_group(group, digest)
    store.delete_groups(gone)
    report.removed = len(gone)
    report.vacuumed = bool(gone) and len(gone) >= VACUUM_REMOVED_SHARE * len(existing)
    if report.added or report.updated or report.removed:
        store.bump_inventory_version(source)
        store.set_meta(FILE_VERSION_KEY, str(store.inventory_version()))
