"""The school calendar of the Fédération Wallonie-Bruxelles, for "hors congés scolaires".

Read from a CSV file (by default data/school-calendar-fwb.csv, see data/README.md): one
row per school year (`kind` = `annee`, from the first day of school to the day before the
next one) and one row per holiday period (`kind` = `conge`), each with its source. A day
inside no `annee` row is not covered: the calendar cannot say whether schools are closed,
and a "hors congés scolaires" meeting on that day is shown with a caveat, never dropped
or confirmed silently.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

FILE_NAME = "school-calendar-fwb.csv"
COLUMNS = ("kind", "name", "start", "end", "source_url")

SCHOOL_DAY = "school"
HOLIDAY = "holiday"
NOT_COVERED = "not_covered"


class SchoolCalendarError(Exception):
    """The calendar file is malformed (French message naming the line)."""


@dataclass(frozen=True)
class Period:
    kind: str          # "annee" | "conge"
    name: str
    start: date
    end: date          # inclusive
    source_url: str = ""


@dataclass(frozen=True)
class SchoolCalendar:
    years: tuple[Period, ...] = ()
    holidays: tuple[Period, ...] = ()

    def status(self, day: date) -> str:
        """SCHOOL_DAY, HOLIDAY, or NOT_COVERED when no school year of the file holds it."""
        if not any(y.start <= day <= y.end for y in self.years):
            return NOT_COVERED
        if any(h.start <= day <= h.end for h in self.holidays):
            return HOLIDAY
        return SCHOOL_DAY

    def coverage(self) -> str:
        """The school years covered, in French ("2025-2026, 2026-2027"), or "aucune"."""
        return ", ".join(y.name for y in self.years) or "aucune"


def read_calendar(path: str | Path) -> SchoolCalendar:
    years, holidays = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for number, row in enumerate(rows, start=2):
            try:
                period = Period(kind=row["kind"].strip(), name=row["name"].strip(),
                                start=date.fromisoformat(row["start"].strip()),
                                end=date.fromisoformat(row["end"].strip()),
                                source_url=(row.get("source_url") or "").strip())
            except (KeyError, ValueError, AttributeError) as exc:
                raise SchoolCalendarError(
                    f"{path}, ligne {number} : période illisible ({exc}).") from None
            if period.end < period.start or period.kind not in ("annee", "conge"):
                raise SchoolCalendarError(
                    f"{path}, ligne {number} : « kind » doit être annee ou conge, et la fin "
                    "ne peut précéder le début.")
            (years if period.kind == "annee" else holidays).append(period)
    return SchoolCalendar(years=tuple(sorted(years, key=lambda p: p.start)),
                          holidays=tuple(sorted(holidays, key=lambda p: p.start)))


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> SchoolCalendar:
    return read_calendar(path)


def load_calendar(path: str | Path | None = None) -> SchoolCalendar:
    """The calendar file (the packaged one by default), read once per version of it."""
    if path is None:
        from ..config import data_file
        path = data_file(FILE_NAME)
    path = Path(path)
    if not path.is_file():
        return SchoolCalendar()
    return _cached(str(path), path.stat().st_mtime_ns)
