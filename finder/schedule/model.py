"""Schedules as data: what a place's schedule text means, as plain frozen dataclasses.

A `Schedule` keeps the maintainer's original text beside its structure (`rules`). It is
stored as JSON (`to_dict` / `from_dict`) next to the text, and crosses module boundaries
as is. Nothing here computes dates: see recurrence.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional

from ..translatable import N_

# Days as Python's date.weekday() numbers them: 0 = Monday.
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
# Parts of the day a text may give instead of hours ("tous les lundis soirs").
PARTS_OF_DAY = {"matin": N_("le matin"), "apres-midi": N_("l'après-midi"),
                "soir": N_("le soir")}

# Schedule.status values.
EMPTY = "empty"              # no text at all
RECURRING = "recurring"      # at least one rule: next dates can be computed
APPOINTMENT = "appointment"  # only "sur rendez-vous": no dates, ask by phone
UNKNOWN = "unknown"          # text not understood (or a frequency alone, or past dates)

ORIGIN_TEXT = "text"         # structure read from the French text by the parser
ORIGIN_COLUMNS = "columns"   # structure given by the maintainer in the structured columns


@dataclass(frozen=True)
class Rule:
    """One recurrence: weekly on some days, or monthly on the nth / last weekday(s).

    weekdays: 0 = Monday … 6 = Sunday. nths (monthly only): 1..5, -1 = the last.
    start / end: "HH:MM" local time in Europe/Brussels, "" when the text gives none.
    part_of_day: a key of PARTS_OF_DAY when the text says "le soir" but no hour.
    skip_school_holidays: "hors congés scolaires" (the FWB school calendar).
    skip_months: months without meetings (7, 8 for "sauf juillet et août").
    """
    freq: str                                  # "weekly" | "monthly"
    weekdays: tuple[int, ...]
    nths: tuple[int, ...] = ()
    start: str = ""
    end: str = ""
    part_of_day: str = ""
    skip_school_holidays: bool = False
    skip_months: tuple[int, ...] = ()

    @property
    def weekly(self) -> bool:
        return self.freq == "weekly"

    def to_dict(self) -> dict:
        out: dict = {"freq": self.freq, "weekdays": list(self.weekdays)}
        if self.nths:
            out["nths"] = list(self.nths)
        for key in ("start", "end", "part_of_day"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.skip_school_holidays:
            out["skip_school_holidays"] = True
        if self.skip_months:
            out["skip_months"] = list(self.skip_months)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Rule":
        return cls(freq=data["freq"], weekdays=tuple(data["weekdays"]),
                   nths=tuple(data.get("nths", ())), start=data.get("start", ""),
                   end=data.get("end", ""), part_of_day=data.get("part_of_day", ""),
                   skip_school_holidays=bool(data.get("skip_school_holidays", False)),
                   skip_months=tuple(data.get("skip_months", ())))


@dataclass(frozen=True)
class Schedule:
    """What a place's schedule text says, as far as it was understood.

    text: the original text, always shown. rules: the recurrences understood (several
    for "le mercredi de 9h à 12h30 et le jeudi de 15h à 19h"). by_appointment: the text
    says "sur rendez-vous". unparsed: the parts of the text that were not understood
    (reported to the maintainer; never turned into dates). reason: why nothing could be
    computed, in French, when status is UNKNOWN.
    """
    text: str = ""
    status: str = EMPTY
    rules: tuple[Rule, ...] = ()
    by_appointment: bool = False
    unparsed: tuple[str, ...] = ()
    reason: str = ""
    origin: str = ORIGIN_TEXT

    @property
    def understood(self) -> bool:
        return self.status in (RECURRING, APPOINTMENT)

    @property
    def weekly_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.weekly)

    def to_dict(self) -> dict:
        out: dict = {"status": self.status, "rules": [r.to_dict() for r in self.rules]}
        if self.by_appointment:
            out["by_appointment"] = True
        if self.unparsed:
            out["unparsed"] = list(self.unparsed)
        if self.reason:
            out["reason"] = self.reason
        if self.origin != ORIGIN_TEXT:
            out["origin"] = self.origin
        return out

    @classmethod
    def from_dict(cls, text: str, data: Optional[dict]) -> "Schedule":
        if not data:
            return cls(text=text, status=EMPTY if not text.strip() else UNKNOWN)
        return cls(text=text, status=data.get("status", UNKNOWN),
                   rules=tuple(Rule.from_dict(r) for r in data.get("rules", ())),
                   by_appointment=bool(data.get("by_appointment", False)),
                   unparsed=tuple(data.get("unparsed", ())), reason=data.get("reason", ""),
                   origin=data.get("origin", ORIGIN_TEXT))


@dataclass(frozen=True)
class Occurrence:
    """One meeting date. start/end are aware datetimes in Europe/Brussels when the hour
    is known; otherwise only `day` is (start is None).

    caveat: French, set when the date may not hold (a "hors congés scolaires" rule on a
    day the shipped school calendar does not cover).
    """
    day: date
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    part_of_day: str = ""
    rule: Optional[Rule] = field(default=None, compare=False)
    caveat: str = ""

