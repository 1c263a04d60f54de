"""Property-based: whatever a maintainer writes, the parser, the recurrences, the display
and the storage round trip never fail, and a date only comes from a rule.
Bounded and derandomized (a second or two)."""
from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from finder.schedule import TZ, Schedule, next_occurrences, parse_schedule, schedule_view
from finder.schedule.recurrence import HORIZON_DAYS
from finder.schedule.school import SchoolCalendar

# Words maintainers use, so that generated texts often look like schedules.
WORDS = ["le", "les", "chaque", "tous", "du", "mois", "de", "à", "et", "sauf", "hors",
         "congés", "scolaires", "juillet", "août", "1er", "3e", "dernier", "derniers",
         "mardi", "jeudis", "dimanche", "14h", "16h30", "19 h", "soir", "matin", "sur",
         "rendez-vous", "12", "mars", ";", ",", "(", ")", "[…]", "un", "deux", "par",
         "semaine", "quinzaine", "téléphonique", "du lundi au vendredi", "24h", "-", "9:00"]

texts = st.one_of(st.text(max_size=120),
                  st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join))


@settings(max_examples=200, derandomize=True, deadline=None)
@given(texts, st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))
def test_any_text_parses_computes_and_displays(text, moment):
    schedule = parse_schedule(text)
    assert schedule.text == text.strip()
    found = next_occurrences([schedule], moment, calendar=SchoolCalendar(), count=3)
    assert bool(found) <= bool(schedule.rules), "a date only comes from a rule"
    local = moment.replace(tzinfo=TZ)
    for occ in found:
        assert occ.day >= local.date()
        assert occ.day.weekday() in occ.rule.weekdays
        assert occ.day.month not in occ.rule.skip_months
        if occ.start is not None:
            assert (occ.end or occ.start) > local
    view = schedule_view(schedule, moment, calendar=SchoolCalendar(), count=2)
    assert bool(view.next_line) == bool(found)
    assert Schedule.from_dict(schedule.text, schedule.to_dict()) == schedule


def test_a_weekly_rule_gives_every_week_up_to_the_horizon_and_no_further():
    found = next_occurrences([parse_schedule("le mardi de 15 à 17h")], date(2026, 1, 1),
                             calendar=SchoolCalendar(), count=100)
    assert all((b.day - a.day).days == 7 for a, b in zip(found, found[1:]))
    assert (found[-1].day - date(2026, 1, 1)).days <= HORIZON_DAYS
    assert (found[-1].day - date(2026, 1, 1)).days > HORIZON_DAYS - 7
