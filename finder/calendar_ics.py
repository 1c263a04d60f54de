"""iCalendar files ("Ajouter à mon agenda") for a place or a whole group, written with the
icalendar library (RFC 5545). Plain functions of plain data: nothing here imports Flask.

One VEVENT per understood rule of a place's schedule: DTSTART is its next date in
Europe/Brussels (with its VTIMEZONE, so the hour holds across the change of time), RRULE
the rule itself (FREQ=WEEKLY;BYDAY=TU, FREQ=MONTHLY;BYDAY=3TH, BYMONTH without the months
off: "sauf juillet et août"), EXDATE the dates the school calendar takes out ("hors congés
scolaires") within the year ahead. The place goes out as the public may see it (a hidden
place at its commune), with a link back to the group's page. Schedules that give no date
(not understood, "sur rendez-vous", past announcements) give no event: nothing invented.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Iterable, Optional

from icalendar import Calendar, Event

from .models import Group, Place
from .schedule import RECURRING, TZ, Rule, Schedule, next_occurrences, rule_rrule
from .serialize import public_place

PRODID = "-//Entraide Wallonie-Bruxelles//Agenda des groupes//FR"
EXDATE_HORIZON_DAYS = 366
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEMO_NOTE = ("Donnée de démonstration : téléphonez au groupe avant de vous déplacer, "
             "l'horaire a pu changer.")


def has_dates(place: Place) -> bool:
    schedule = place.schedule_parsed
    return bool(schedule is not None and schedule.rules)


def group_calendar(group: Group, geography, url: str, moment: datetime) -> Optional[bytes]:
    """Every dated meeting of the group; None when no schedule gives a date."""
    return _calendar(group, [(i, p) for i, p in enumerate(group.places)], geography, url,
                     moment, group.name)


def place_calendar(group: Group, index: int, geography, url: str,
                   moment: datetime) -> Optional[bytes]:
    """The meetings of one place (index in group.places); None when it gives no date."""
    if not 0 <= index < len(group.places):
        return None
    return _calendar(group, [(index, group.places[index])], geography, url, moment,
                     group.name)


def _calendar(group: Group, places: Iterable[tuple[int, Place]], geography, url: str,
              moment: datetime, title: str) -> Optional[bytes]:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", "Europe/Brussels")
    events = 0
    for index, place in places:
        if not has_dates(place):
            continue
        public = public_place(place, geography)
        for rule in place.schedule_parsed.rules:
            event = _event(group, index, public, place, rule, url, moment)
            if event is not None:
                cal.add_component(event)
                events += 1
    if not events:
        return None
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(group: Group, index: int, public: Place, place: Place, rule: Rule, url: str,
           moment: datetime) -> Optional[Event]:
    first = next_occurrences([_only(place, rule)], moment, count=1)
    if not first:
        return None
    day = first[0].day
    event = Event()
    key = f"{group.slug}|{index}|{sorted(rule.to_dict().items())}"
    event.add("uid", hashlib.sha1(key.encode()).hexdigest() + "@entraide-wallonie-bruxelles")
    event.add("dtstamp", datetime(moment.year, moment.month, moment.day, tzinfo=TZ))
    event.add("summary", group.name)
    start, end = _clock(rule.start), _clock(rule.end)
    if start is not None:
        event.add("dtstart", datetime.combine(day, start, tzinfo=TZ))
        if end is not None and end > start:
            event.add("dtend", datetime.combine(day, end, tzinfo=TZ))
    else:                                  # no hour in the text: a day, not a time
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    event.add("rrule", _rrule(rule))
    excluded = _school_exdates(place, rule, day, start)
    if excluded:
        event.add("exdate", excluded)
    location = public.address_line() or public.commune_name
    if public.address_kind_label:
        location = f"{location} ({public.address_kind_label})"
    event.add("location", location)
    if public.precision == "exact" and public.located:
        event.add("geo", (round(public.lat, 5), round(public.lon, 5)))
    event.add("url", url)
    lines = [f"Horaire publié : {place.schedule}"]
    if group.phone:
        lines.append(f"Téléphone : {group.phone}")
    if group.notes:
        lines.append(f"À savoir : {group.notes}")
    if group.demo:
        lines.append(DEMO_NOTE)
    lines.append(f"Fiche du groupe : {url}")
    event.add("description", "\n".join(lines))
    return event


def _only(place: Place, rule: Rule) -> Schedule:
    return Schedule(text=place.schedule, status=RECURRING, rules=(rule,))


def _clock(value: str) -> Optional[time]:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _rrule(rule: Rule) -> dict:
    if rule.weekly:
        out = {"freq": "WEEKLY", "byday": [DAY_CODES[d] for d in rule.weekdays]}
    else:
        out = {"freq": "MONTHLY",
               "byday": [f"{n}{DAY_CODES[d]}" for n in rule.nths for d in rule.weekdays]}
    if rule.skip_months:
        out["bymonth"] = [m for m in range(1, 13) if m not in rule.skip_months]
    return out


def _school_exdates(place: Place, rule: Rule, first: date, start: Optional[time]) -> list:
    """The dates of the rule within a year that the school calendar takes out."""
    if not rule.skip_school_holidays:
        return []
    until = first + timedelta(days=EXDATE_HORIZON_DAYS)
    kept = {o.day for o in next_occurrences([_only(place, rule)], first, count=400,
                                            horizon_days=EXDATE_HORIZON_DAYS)}
    out = []
    for stamp in rule_rrule(rule, first, until):
        if stamp.date() not in kept:
            out.append(datetime.combine(stamp.date(), start, tzinfo=TZ) if start
                       else stamp.date())
    return out
