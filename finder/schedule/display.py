"""What people read about a schedule, in French: "Prochaine réunion : mardi 15 décembre,
14 h–16 h", the next few dates, or why there is no date. Another language is a `Language`
(web/i18n.py builds them: its gettext for the phrases marked N_, Babel for dates/times).

Pure functions of (schedules, moment): views pass the moment of the request, so a cached
page keyed by the day never shows a meeting that has passed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable, Optional

from .model import (APPOINTMENT, EMPTY, MONTHS_FR, PARTS_OF_DAY, RECURRING, WEEKDAYS_FR,
                    Occurrence, Schedule)
from .recurrence import Moment, _local, next_occurrences
from .school import SchoolCalendar
from ..translatable import N_

TO_CONFIRM = N_("horaire à confirmer par téléphone")
NOT_GIVEN = N_("horaire non indiqué par la source : à confirmer par téléphone")
BY_APPOINTMENT = N_("sur rendez-vous : prenez contact pour convenir d'un moment")
NEXT_MEETING = N_("Prochaine réunion : %(when)s")
NEXT_DATE = N_("Prochaine date : %(when)s")
TODAY = N_("aujourd'hui, %(day)s")
TOMORROW = N_("demain, %(day)s")
TO_CHECK = N_(" (à vérifier)")


def clock_fr(moment: datetime) -> str:
    """14 h, 14 h 30."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


def day_fr(day: date, *, today: Optional[date] = None) -> str:
    """mardi 15 décembre (the year added when it is not this year's)."""
    text = f"{WEEKDAYS_FR[day.weekday()]} {'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]}"
    if today is not None and day.year != today.year:
        text += f" {day.year}"
    return text


@dataclass(frozen=True)
class Language:
    """How schedules are written in one language: `translate` gives the phrases marked
    N_ above (and PARTS_OF_DAY), `day` and `clock` format a date and a time."""
    translate: Callable[[str], str] = lambda text: text
    day: Callable[..., str] = lambda day, today=None: day_fr(day, today=today)
    clock: Callable[[datetime], str] = lambda moment: clock_fr(moment)


FRENCH = Language()


def occurrence_fr(occ: Occurrence, *, today: Optional[date] = None,
                  lang: Language = FRENCH) -> str:
    """mardi 15 décembre, 14 h–16 h · lundi 7 décembre, le soir · samedi 5 décembre;
    "aujourd'hui, …" and "demain, …" when `today` is given (in `lang`)."""
    _ = lang.translate
    text = lang.day(occ.day, today=today)
    if today is not None and occ.day == today:
        text = _(TODAY) % {"day": text}
    elif today is not None and (occ.day - today).days == 1:
        text = _(TOMORROW) % {"day": text}
    if occ.start is not None and occ.end is not None:
        text += f", {lang.clock(occ.start)}–{lang.clock(occ.end)}"
    elif occ.start is not None:
        text += f", {lang.clock(occ.start)}"
    elif occ.part_of_day:
        text += f", {_(PARTS_OF_DAY[occ.part_of_day])}"
    return text


@dataclass(frozen=True)
class ScheduleView:
    """What a list, a popup or a page shows for one place's schedule."""
    text: str                       # the original text, always shown when not empty
    next_line: str = ""             # "Prochaine réunion : mardi 15 décembre, 14 h–16 h"
    caveat: str = ""                # a doubt about that date
    note: str = ""                  # when there is no date: TO_CONFIRM or BY_APPOINTMENT
    upcoming: tuple[str, ...] = ()  # the next few dates, formatted
    status: str = EMPTY

    @property
    def known(self) -> bool:
        return bool(self.next_line)


def schedule_view(schedule: Optional[Schedule], moment: Moment, *, count: int = 1,
                  calendar: Optional[SchoolCalendar] = None,
                  meeting_place: bool = True, lang: Language = FRENCH) -> ScheduleView:
    """The view of one schedule at `moment` (its next `count` dates).

    meeting_place False (a registered office, a postal address): the dates are not
    called meetings ("Prochaine date"), and no schedule is nothing to say."""
    _ = lang.translate
    if schedule is None or schedule.status == EMPTY:
        return ScheduleView(text="", status=EMPTY, note=_(NOT_GIVEN) if meeting_place else "")
    today = _local(moment).date()
    occs = next_occurrences([schedule], moment, calendar=calendar, count=count) \
        if schedule.status == RECURRING else []
    if occs:
        first = occs[0]
        return ScheduleView(
            text=schedule.text, status=schedule.status,
            next_line=_(NEXT_MEETING if meeting_place else NEXT_DATE) % {
                "when": occurrence_fr(first, today=today, lang=lang)},
            caveat=_(first.caveat) if first.caveat else "",
            upcoming=tuple(occurrence_fr(o, today=today, lang=lang)
                           + (_(TO_CHECK) if o.caveat else "") for o in occs))
    note = _(BY_APPOINTMENT) if schedule.status == APPOINTMENT else _(TO_CONFIRM)
    return ScheduleView(text=schedule.text, status=schedule.status, note=note)


def schedule_views(schedules: Iterable[Optional[Schedule]], moment: Moment, **kw) -> list[ScheduleView]:
    return [schedule_view(s, moment, **kw) for s in schedules]
