"""The inventory file's optional exact schedule columns, for maintainers who want to be exact.

`schedule_rule`: one or more RFC 5545 recurrence rules (FREQ=WEEKLY or FREQ=MONTHLY with
BYDAY), each optionally followed by its hours, separated by " | ":
    FREQ=MONTHLY;BYDAY=3TH 14:00-16:00 | FREQ=WEEKLY;BYDAY=MO,WE 19:30
`schedule_except`: `;`-separated: "congés scolaires" and/or months (names or numbers):
    congés scolaires; juillet; août
When `schedule_rule` is given it is the structure (origin "columns"); the `schedule` text
is still shown to people. Export writes these columns back only for such places.
"""
from __future__ import annotations

import re
from typing import Optional

from .model import APPOINTMENT, MONTHS_FR, ORIGIN_COLUMNS, RECURRING, Rule, Schedule
from .parser import normalize, parse_schedule

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})(?:-(\d{1,2}):(\d{2}))?$")
_MONTH_KEYS = [normalize(m) for m in MONTHS_FR]


class ColumnError(ValueError):
    """A structured column cannot be read: (column, French message)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def _hhmm(h: str, m: str) -> str:
    if int(h) > 23 or int(m) > 59:
        raise ValueError
    return f"{int(h):02d}:{int(m):02d}"


def _rule(text: str, school: bool, months: tuple[int, ...]) -> Rule:
    parts = text.split()
    if not parts or len(parts) > 2:
        raise ColumnError("schedule_rule", f"« {text} » : une règle puis, si connues, ses heures "
                                           "(par ex. FREQ=WEEKLY;BYDAY=TU 15:00-17:00).")
    fields = {}
    for item in parts[0].upper().split(";"):
        key, _, value = item.partition("=")
        fields[key] = value
    freq = fields.pop("FREQ", "")
    byday = fields.pop("BYDAY", "")
    if freq not in ("WEEKLY", "MONTHLY") or not byday or fields:
        raise ColumnError("schedule_rule", f"« {parts[0]} » : seules FREQ=WEEKLY ou FREQ=MONTHLY "
                                           "avec BYDAY sont comprises (par ex. "
                                           "FREQ=MONTHLY;BYDAY=3TH).")
    days, nths = set(), set()
    for code in byday.split(","):
        m = _BYDAY.match(code)
        if not m or (freq == "WEEKLY") == bool(m.group(1)) or m.group(1) in ("0", "+0", "-0"):
            raise ColumnError("schedule_rule", f"« {code} » : jour invalide (MO…SU, précédé du "
                                               "rang pour FREQ=MONTHLY : 1TU, -1SU).")
        days.add(_DAY_CODES.index(m.group(2)))
        if m.group(1):
            n = int(m.group(1))
            if not (1 <= n <= 5 or n == -1):
                raise ColumnError("schedule_rule", f"« {code} » : rang de 1 à 5, ou -1 (le dernier).")
            nths.add(n)
    if freq == "MONTHLY" and len(days) > 1 and len(nths) > 1:
        raise ColumnError("schedule_rule", f"« {parts[0]} » : écrivez une règle par jour de la "
                                           "semaine, séparées par « | ».")
    start = end = ""
    if len(parts) == 2:
        m = _HOURS.match(parts[1])
        try:
            if not m:
                raise ValueError
            start = _hhmm(m.group(1), m.group(2))
            end = _hhmm(m.group(3), m.group(4)) if m.group(3) else ""
        except ValueError:
            raise ColumnError("schedule_rule", f"« {parts[1]} » : heures attendues comme 14:00 ou "
                                               "14:00-16:00.") from None
        if end and end <= start:
            raise ColumnError("schedule_rule", f"« {parts[1]} » : la fin précède le début.")
    return Rule(freq=freq.lower(), weekdays=tuple(sorted(days)),
                nths=tuple(sorted(nths, key=lambda n: (n < 0, n))), start=start, end=end,
                skip_school_holidays=school, skip_months=months)


def _exceptions(text: str) -> tuple[bool, tuple[int, ...]]:
    school, months = False, set()
    for item in (i.strip() for i in text.split(";")):
        if not item:
            continue
        key = normalize(item)
        if key in ("conges scolaires", "vacances scolaires"):
            school = True
        elif key.isdigit() and 1 <= int(key) <= 12:
            months.add(int(key))
        elif key in _MONTH_KEYS:
            months.add(_MONTH_KEYS.index(key) + 1)
        else:
            raise ColumnError("schedule_except", f"« {item} » : écrivez « congés scolaires » ou "
                                                 "un mois (juillet, 8…), séparés par « ; ».")
    return school, tuple(sorted(months))


def schedule_from_columns(text: str, rule_text: str, except_text: str) -> Optional[Schedule]:
    """The Schedule the exact columns describe, or None when `schedule_rule` is empty.

    Raises ColumnError (column, French message) when they cannot be read.
    """
    if not rule_text.strip():
        if except_text.strip():
            raise ColumnError("schedule_except", "des exceptions sans « schedule_rule » : "
                                                 "écrivez aussi la règle.")
        return None
    school, months = _exceptions(except_text)
    rules = tuple(_rule(part.strip(), school, months) for part in rule_text.split("|"))
    appointment = parse_schedule(text).by_appointment
    return Schedule(text=text.strip(), status=RECURRING if rules else APPOINTMENT, rules=rules,
                    by_appointment=appointment, origin=ORIGIN_COLUMNS)


def columns_from_schedule(schedule: Optional[Schedule]) -> tuple[str, str]:
    """(schedule_rule, schedule_except) for export: only for a structure given in columns."""
    if schedule is None or schedule.origin != ORIGIN_COLUMNS or not schedule.rules:
        return "", ""
    rules = []
    for rule in schedule.rules:
        if rule.weekly:
            days = ",".join(_DAY_CODES[d] for d in rule.weekdays)
        else:
            days = ",".join(f"{n}{_DAY_CODES[d]}" for d in rule.weekdays for n in rule.nths)
        text = f"FREQ={rule.freq.upper()};BYDAY={days}"
        if rule.start:
            text += f" {rule.start}" + (f"-{rule.end}" if rule.end else "")
        rules.append(text)
    first = schedule.rules[0]
    exceptions = (["congés scolaires"] if first.skip_school_holidays else []) + \
        [MONTHS_FR[m - 1] for m in first.skip_months]
    return " | ".join(rules), "; ".join(exceptions)
