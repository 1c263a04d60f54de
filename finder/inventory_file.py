"""The inventory file format (CSV or XLSX): reading, validating, writing.

One row per meeting place; the group columns are repeated on each of its rows.
A group with no meeting place is one row with every place column empty.
The format is documented for maintainers in data/README.md.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .models import Group, Place
from .schedule.columns import columns_from_schedule
# The row rules live in finder/validation.py, shared with the admin's forms.
from .validation import (MAX_CELL, REQUIRED, SERVICES, char_name, check_row,  # noqa: F401
                         visible)

GROUP_COLUMNS = (
    "group_id", "name", "chapter", "kind", "themes", "audience", "services", "cost",
    "description", "phone", "email", "website", "source_url", "source_date", "checked_on",
    "demo", "notes",
)
PLACE_COLUMNS = (
    "place_label", "street", "postcode", "locality", "commune", "lat", "lon", "show_exact",
    "schedule", "schedule_rule", "schedule_except", "address_kind",
)
COLUMNS = GROUP_COLUMNS + PLACE_COLUMNS
# Written by `flask export` only: the inventory version the file comes from, so an import
# can tell which groups were edited in the browser since (the import refuses to undo
# those unless --force). Optional, ignored otherwise.
VERSION_COLUMN = "inventory_version"
# A cell beginning with one of these is a formula once the file is opened in a spreadsheet.
FORMULA_TRIGGERS = "=+-@\t\r"
_NEUTRALISED = re.compile("^'*[" + re.escape(FORMULA_TRIGGERS) + "]")
_TO_RESTORE = re.compile("^'+[" + re.escape(FORMULA_TRIGGERS) + "]")


def neutralise(value: str) -> str:
    """A cell as written to a CSV file: one apostrophe before a would-be formula.

    "=HYPERLINK(…)" → "'=HYPERLINK(…)", "+32 2 …" → "'+32 2 …"; a value that already
    starts with apostrophes before such a character gets one more, so `_unneutralise`
    (on import) gives back exactly the value written. Anything else is left alone.
    """
    return "'" + value if _NEUTRALISED.match(value) else value


def _unneutralise(value: str) -> str:
    """The inverse of `neutralise`, applied to every cell read (CSV and XLSX)."""
    return value[1:] if _TO_RESTORE.match(value) else value


class InventoryFileError(Exception):
    """The file cannot be read at all (format, encoding, header). French message."""


@dataclass
class Problem:
    row: int            # line number as a spreadsheet shows it (header = 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.row}" + (f", colonne « {self.column} »" if self.column else "")
        return visible(f"{where} : {self.message}")


@dataclass
class RowPlace:
    """A place as read from a row, before geocoding."""
    row: int
    place: Place


@dataclass
class ParsedGroup:
    group: Group
    rows: list[int]
    places: list[RowPlace] = field(default_factory=list)


def read_rows(path: str | Path) -> Iterator[tuple[int, dict]]:
    """(line number, {column: text}) for each data row of a CSV or XLSX file."""
    path = Path(path)
    if not path.is_file():
        raise InventoryFileError(f"Fichier introuvable : {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        yield from _read_csv(path)
    else:
        raise InventoryFileError(
            f"Format non reconnu ({suffix or 'sans extension'}) : utilisez un fichier .csv ou .xlsx.")


def _check_header(header: list[str]) -> list[str]:
    header = [(h or "").strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in ("group_id", "name", "chapter") if c not in header]
    if missing:
        raise InventoryFileError(
            "En-tête incomplet : colonne(s) manquante(s) " + ", ".join(missing)
            + ". Colonnes attendues : " + ", ".join(COLUMNS) + ".")
    unknown = [h for h in header if h and h not in COLUMNS and h != VERSION_COLUMN]
    if unknown:
        raise InventoryFileError("Colonne(s) inconnue(s) : "
                                 + ", ".join(f"« {visible(h)} »" for h in unknown) + ".")
    return header


def _read_csv(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryFileError(
            f"Le fichier n'est pas en UTF-8 (octet {exc.start}) : enregistrez-le en « CSV UTF-8 ».")
    # Python's csv refuses a cell over csv.field_size_limit() (131,072 characters) with a
    # bare csv.Error: read with a limit no cell of this file can exceed, and let parse()
    # report an over-long cell (MAX_CELL) with its line and column, like any other.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = _check_header(next(reader))
        except StopIteration:
            raise InventoryFileError("Le fichier est vide.") from None
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise InventoryFileError(
                    f"ligne {reader.line_num} : {len(values)} valeurs pour {len(header)} "
                    "colonnes (une virgule de trop, ou un texte avec virgule sans guillemets ?).")
            yield reader.line_num, {h: _unneutralise((v or "").strip())
                                    for h, v in zip(header, values)}
    finally:
        csv.field_size_limit(limit)


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise InventoryFileError(f"Classeur XLSX illisible : {exc}") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        sources = formulas.worksheets[0].iter_rows(values_only=True)
        try:
            header = _check_header([str(h or "") for h in next(rows)])
            next(sources, None)
        except StopIteration:
            raise InventoryFileError("La première feuille du classeur est vide.") from None
        found, uncomputed = [], []
        for number, (values, written) in enumerate(zip(rows, sources), start=2):
            for h, value, source in zip(header, values, written):
                if h and value is None and isinstance(source, str) and source.startswith("="):
                    uncomputed.append(f"ligne {number}, colonne « {h} » ({source[:60]})")
            cells = ["" if v is None else _cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                found.append((number, {h: _unneutralise(c.strip())
                                       for h, c in zip(header, cells) if h}))
    finally:
        book.close()
        formulas.close()
    if uncomputed:
        raise InventoryFileError(
            "Le classeur contient des formules dont la valeur n'a jamais été calculée (il a "
            "sans doute été écrit par un programme) : " + "; ".join(uncomputed[:10])
            + (f" et {len(uncomputed) - 10} autre(s)" if len(uncomputed) > 10 else "")
            + ". Ouvrez-le dans un tableur, qui calcule les formules, et enregistrez-le, ou "
              "remplacez chaque formule par sa valeur.")
    yield from found


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    return str(value)


def parse(rows: Iterable[tuple[int, dict]],
          in_service_area) -> tuple[list[ParsedGroup], list[Problem]]:
    """Validate every row in one pass; group the rows by group_id.

    Returns the groups that are valid and every problem found (row, column, message).
    A group with any problem is left out of the returned list.
    """
    problems: list[Problem] = []
    groups: dict[str, ParsedGroup] = {}
    signatures: dict[str, tuple] = {}
    bad: set[str] = set()

    for number, row in rows:
        row_problems: list[Problem] = []

        def report(column: str, message: str) -> None:
            row_problems.append(Problem(number, column, message))

        checked = check_row(row, report, in_service_area)
        key, group, place = checked.key, checked.group, checked.place
        signature = tuple(row.get(c, "") for c in GROUP_COLUMNS if c != "group_id")
        if key in signatures and signatures[key] != signature:
            first = groups[key].rows[0] if key in groups else "?"
            differing = [c for c, a, b in zip(
                [c for c in GROUP_COLUMNS if c != "group_id"], signatures[key], signature) if a != b]
            report(differing[0] if differing else "group_id",
                   f"le groupe « {key} » a d'autres valeurs à la ligne {first} "
                   f"({', '.join(differing)}) : les colonnes du groupe doivent être identiques "
                   "sur chacune de ses lignes.")
        signatures.setdefault(key, signature)

        problems.extend(row_problems)
        if not key:
            continue
        if row_problems:
            bad.add(key)
        parsed = groups.setdefault(key, ParsedGroup(group=group, rows=[]))
        parsed.rows.append(number)
        if place is not None:
            parsed.places.append(RowPlace(number, place))

    return [g for k, g in groups.items() if k not in bad], problems


def schedule_remarks(row: int, place: Place) -> list[Problem]:
    """What the import tells the maintainer about a schedule it did not fully understand
    (the place is imported all the same; its text is shown as written)."""
    schedule = place.schedule_parsed
    if schedule is None or not schedule.text:
        return []
    if schedule.status == "unknown":
        return [Problem(row, "schedule", f"horaire non compris, gardé tel quel et affiché "
                                         f"« horaire à confirmer par téléphone » : "
                                         f"« {schedule.text} » ({schedule.reason.rstrip('.')}).")]
    return [Problem(row, "schedule", f"partie de l'horaire non comprise, gardée comme texte "
                                     f"(aucune date n'en est tirée) : « {part} »")
            for part in schedule.unparsed]


def group_rows(group: Group) -> list[dict]:
    """The rows that describe one group in the file format (inverse of parse)."""
    base = {
        "group_id": group.slug, "name": group.name, "chapter": group.chapter,
        "kind": group.kind, "themes": "; ".join(group.themes),
        "audience": "; ".join(group.audience), "services": "; ".join(group.services),
        "cost": group.cost, "description": group.description, "phone": group.phone,
        "email": group.email, "website": group.website, "source_url": group.source_url,
        "source_date": group.source_date, "checked_on": group.checked_on,
        "demo": "oui" if group.demo else "non", "notes": group.notes,
    }
    if not group.places:
        return [dict(base, **{c: "" for c in PLACE_COLUMNS})]
    rows = []
    for p in group.places:
        exact = p.precision == "exact"
        rows.append(dict(
            base, place_label=p.label, street=p.street, postcode=p.postcode,
            locality=p.locality, commune=p.commune_name,
            lat=f"{p.lat:.6f}" if exact else "", lon=f"{p.lon:.6f}" if exact else "",
            show_exact="oui" if p.show_exact else "non", schedule=p.schedule,
            **dict(zip(("schedule_rule", "schedule_except"),
                       columns_from_schedule(p.schedule_parsed))),
            address_kind=p.address_kind))
    return rows


def write_csv(groups: Iterable[Group], out, *, lineterminator: str = "\n",
              version: Optional[int] = None) -> None:
    """The import format, every cell through `neutralise`: a spreadsheet that opens the file
    runs no formula, and importing it gives back exactly what was exported. `version`: the
    inventory version, written in VERSION_COLUMN on every row (the maintainer's export)."""
    fields = COLUMNS + ((VERSION_COLUMN,) if version is not None else ())
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator=lineterminator)
    writer.writeheader()
    extra = {VERSION_COLUMN: str(version)} if version is not None else {}
    for group in groups:
        writer.writerows({k: neutralise(v) for k, v in row.items()} | extra
                         for row in group_rows(group))


def file_version(rows: list[tuple[int, dict]]) -> Optional[int]:
    """The inventory version a file was exported from (its first row says), or None."""
    for _, row in rows[:1]:
        value = row.pop(VERSION_COLUMN, "") if VERSION_COLUMN in row else ""
        for _, other in rows:
            other.pop(VERSION_COLUMN, None)
        return int(value) if value.isdigit() else None
    return None
