"""The schedule filters of a search: day of the week, part of the day, "cette semaine".

`meets(schedule, days, moment, week_of)` answers for one place:
- True: its schedule says it meets as asked;
- False: its schedule is known and says it does not;
- None: its schedule is not known well enough to say (not understood, by appointment
  only, no hour where a part of the day is asked): the search leaves it out and says
  how many it left out, never silently.

days: weekday numbers (0 = Monday); moment: "matin" (before 12 h), "apres-midi"
(12-18 h), "soir" (from 18 h), by the meeting's start time (or the part of the day the
text gives without an hour); week_of: a date: a meeting from that day to 6 days later.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Optional

from .model import RECURRING, Rule, Schedule
from .recurrence import next_occurrences
from ..translatable import N_

MOMENTS = ("matin", "apres-midi", "soir")
WEEK_DAYS = 7


def part_of_day(hhmm: str) -> str:
    """'09:30' → 'matin', '14:00' → 'apres-midi', '18:00' → 'soir'."""
    hour = int(hhmm.split(":")[0])
    return "matin" if hour < 12 else "apres-midi" if hour < 18 else "soir"


def _combine(answers) -> Optional[bool]:
    """True if any says yes; otherwise None if any cannot say; otherwise False."""
    unknown = False
    for answer in answers:
        if answer:
            return True
        unknown = unknown or answer is None
    return None if unknown else False


def _moment_ok(part: str, moment: Optional[str]) -> Optional[bool]:
    if not moment:
        return True
    return None if not part else part == moment


def meets(schedule: Optional[Schedule], days: frozenset[int] = frozenset(),
          moment: Optional[str] = None, week_of: Optional[date] = None) -> Optional[bool]:
    if schedule is None or schedule.status != RECURRING or not schedule.rules:
        return None
    # Every 7 days hold each weekday once: a weekly rule without exceptions meets within
    # any week; only the others need their dates (about 0.2 ms per place).
    dated = tuple(r for r in schedule.rules if week_of is not None and not _every_week(r))
    answers = [_moment_ok(part_of_day(r.start) if r.start else r.part_of_day, moment)
               for r in schedule.rules
               if r not in dated and (not days or set(r.weekdays) & days)]
    if dated:
        end = week_of + timedelta(days=WEEK_DAYS)
        found = next_occurrences([replace(schedule, rules=dated)], week_of,
                                 count=WEEK_DAYS * len(dated), horizon_days=WEEK_DAYS + 1)
        answers += [
            _moment_ok(part_of_day(o.start.strftime("%H:%M")) if o.start else o.part_of_day,
                       moment)
            for o in found if o.day < end and (not days or o.day.weekday() in days)]
    return _combine(answers)


def _every_week(rule: Rule) -> bool:
    return rule.weekly and not rule.skip_school_holidays and not rule.skip_months

# Services with no place have no meeting to filter: shown under a schedule filter, said so.
EVERYWHERE_ANY_TIME = N_("Les services accessibles de partout (téléphone, internet) n'ont "
                          "pas d'horaire de réunion : ils sont affichés quel que soit le jour "
                          "ou le moment choisi. Leurs heures d'ouverture sont à vérifier "
                          "auprès d'eux.")
