"""Next dates of a schedule, with python-dateutil's rrule, in Europe/Brussels.

Rules are expanded on local dates; each date gets its wall-clock hours in Europe/Brussels
through zoneinfo, so a meeting "à 14 h" stays at 14 h across the change of time (its UTC
offset changes). Pure functions of (schedule, moment, calendar): nothing is cached here,
so a page computed at another moment never shows a stale "next meeting".
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Iterable, Optional, Union
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from .model import Occurrence, Rule, Schedule
from ..translatable import N_
from .school import HOLIDAY, NOT_COVERED, SchoolCalendar

TZ = ZoneInfo("Europe/Brussels")
HORIZON_DAYS = 400
SCHOOL_CAVEAT = N_("pas de réunion pendant les congés scolaires, et le calendrier scolaire de "
                   "cette période n'est pas connu ici")

Moment = Union[datetime, date]


def local_now() -> datetime:
    return datetime.now(TZ)


def current_moment() -> datetime:
    """Now in Europe/Brussels, to the hour: the moment pages compute next dates from.

    A page cache keyed on it (web/pagecache.py) never shows a meeting that ended more
    than an hour ago as the next one.
    """
    return local_now().replace(minute=0, second=0, microsecond=0)


def _local(moment: Moment) -> datetime:
    """An aware datetime in Europe/Brussels (a date is the start of that day; a naive
    datetime is read as Brussels wall-clock time)."""
    if isinstance(moment, datetime):
        return moment.astimezone(TZ) if moment.tzinfo else moment.replace(tzinfo=TZ)
    return datetime.combine(moment, time(0), tzinfo=TZ)


def _clock(value: str) -> Optional[time]:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def rule_rrule(rule: Rule, start: date, until: date) -> rrule:
    """The dateutil rule of `rule` over [start, until] (dates at midnight, local)."""
    if rule.weekly:
        days = [weekday(d) for d in rule.weekdays]
        freq = WEEKLY
    else:
        days = [weekday(d, n) for d in rule.weekdays for n in rule.nths]
        freq = MONTHLY
    months = [m for m in range(1, 13) if m not in rule.skip_months] or None
    return rrule(freq, byweekday=days, bymonth=months,
                 dtstart=datetime.combine(start, time(0)),
                 until=datetime.combine(until, time(0)))


def rule_occurrences(rule: Rule, after: Moment, *, calendar: SchoolCalendar,
                     count: int = 5, horizon_days: int = HORIZON_DAYS) -> list[Occurrence]:
    moment = _local(after)
    first = moment.date()
    start_clock, end_clock = _clock(rule.start), _clock(rule.end)
    found: list[Occurrence] = []
    for stamp in rule_rrule(rule, first, first + timedelta(days=horizon_days)):
        day = stamp.date()
        start = datetime.combine(day, start_clock, tzinfo=TZ) if start_clock else None
        end = datetime.combine(day, end_clock, tzinfo=TZ) if end_clock else None
        if start is not None and (end or start) <= moment:
            continue                     # already over (or started, when no end is known)
        caveat = ""
        if rule.skip_school_holidays:
            status = calendar.status(day)
            if status == HOLIDAY:
                continue
            if status == NOT_COVERED:
                caveat = SCHOOL_CAVEAT
        found.append(Occurrence(day=day, start=start, end=end, part_of_day=rule.part_of_day,
                                rule=rule, caveat=caveat))
        if len(found) >= count:
            break
    return found


def next_occurrences(schedules: Iterable[Schedule], after: Moment, *,
                     calendar: Optional[SchoolCalendar] = None, count: int = 5,
                     horizon_days: int = HORIZON_DAYS) -> list[Occurrence]:
    """The next `count` meetings of these schedules after `after`, soonest first.

    Only rules give dates: a schedule not understood, by appointment only, or naming past
    dates gives none. `calendar` defaults to the packaged school calendar.
    """
    if calendar is None:
        from .school import load_calendar
        calendar = load_calendar()
    found: dict[tuple, Occurrence] = {}
    for schedule in schedules:
        for rule in schedule.rules:
            for occ in rule_occurrences(rule, after, calendar=calendar, count=count,
                                        horizon_days=horizon_days):
                found.setdefault((occ.day, occ.start, occ.end), occ)
    ordered = sorted(found.values(), key=lambda o: (o.day, o.start or _local(o.day)))
    return ordered[:count]


def next_occurrence(schedules: Iterable[Schedule], after: Moment, *,
                    calendar: Optional[SchoolCalendar] = None) -> Optional[Occurrence]:
    found = next_occurrences(schedules, after, calendar=calendar, count=1)
    return found[0] if found else None
