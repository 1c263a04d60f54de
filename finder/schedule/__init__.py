"""Schedules as data: the French text a maintainer writes, its structure, its next dates.

How to use it (plain functions of plain data; nothing here imports Flask or SQL):

- A place's schedule: `place.schedule` is the original text; `place.schedule_parsed` is a
  `Schedule` (model.py) — filled by the import, stored beside the text, read back by the
  store. `parse_schedule(text)` gives one from any text.

- The next occurrences of a place's schedules after datetime X:
      next_occurrences([place.schedule_parsed], X, count=5)
  → list of `Occurrence` (day; start/end aware datetimes in Europe/Brussels, or None when
  the text gives no hour; part_of_day; caveat). X may be an aware datetime, a naive one
  (read as Brussels time) or a date. Several schedules (several places) may be passed.
  Nothing is cached: pass the request's moment (`local_now()`), or a fixed one in tests.

- Is this schedule weekly, on which days/times:
      schedule.weekly_rules  → the `Rule`s with freq "weekly"; rule.weekdays (0 = Monday),
      rule.start / rule.end ("HH:MM" or ""), rule.part_of_day ("matin", "apres-midi",
      "soir" or ""). Monthly rules (rule.freq == "monthly", rule.nths: 1..5, -1 = last)
      are never weekly. rule.skip_school_holidays, rule.skip_months: the exceptions.
  `rule_rrule(rule, start, until)` is the dateutil rrule (for an .ics RRULE, say);
  school holidays are applied on top of it (school.py).

- What people read: `schedule_view(schedule, moment, count=n)` (display.py):
  "Prochaine réunion : mardi 15 décembre, 14 h–16 h", the next n dates, or the note
  "horaire à confirmer par téléphone" / "sur rendez-vous…" when there is no date.

Modules: model (dataclasses), parser (French text → Schedule), columns (the inventory
file's exact columns), recurrence (rrule, Europe/Brussels), school (FWB school calendar),
display (French formatting).
"""
from .display import (BY_APPOINTMENT, TO_CONFIRM, ScheduleView, occurrence_fr,
                      schedule_view)
from .model import (APPOINTMENT, EMPTY, RECURRING, UNKNOWN, Occurrence, Rule, Schedule)
from .parser import parse_schedule
from .recurrence import TZ, current_moment, local_now, next_occurrence, next_occurrences, rule_rrule
from .school import SchoolCalendar, load_calendar

__all__ = [
    "APPOINTMENT", "BY_APPOINTMENT", "EMPTY", "RECURRING", "TO_CONFIRM", "TZ", "UNKNOWN",
    "current_moment", "Occurrence", "Rule", "Schedule", "ScheduleView", "SchoolCalendar", "load_calendar",
    "local_now", "next_occurrence", "next_occurrences", "occurrence_fr", "parse_schedule",
    "rule_rrule", "schedule_view",
]
