"""Next dates: rrule in Europe/Brussels, daylight saving, exceptions, the school calendar,
and the never-invent rule. "Today" is always passed in, never read from the clock."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from finder.schedule import (TZ, next_occurrence, next_occurrences, parse_schedule,
                             schedule_view)
from finder.schedule.school import (HOLIDAY, NOT_COVERED, SCHOOL_DAY, SchoolCalendar,
                                    SchoolCalendarError, load_calendar, read_calendar)

from .test_schedule_parser import NOT_UNDERSTOOD

TUESDAY_1ST_DEC = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)   # a Tuesday morning, in fact


def dates(text, after, count=4, calendar=SchoolCalendar()):
    return next_occurrences([parse_schedule(text)], after, calendar=calendar, count=count)


def nth_weekday(year, month, weekday, n):
    """The n-th (or last, n = -1) `weekday` of a month, by counting days (not rrule)."""
    days = [date(year, month, d) for d in range(1, 32)
            if _valid(year, month, d) and date(year, month, d).weekday() == weekday]
    return days[n - 1] if n > 0 else days[n]


def _valid(y, m, d):
    try:
        date(y, m, d)
        return True
    except ValueError:
        return False


def test_monthly_nth_weekday_from_a_given_day():
    found = dates("chaque 3e jeudi du mois de 14 à 16 heures", TUESDAY_1ST_DEC)
    expected = [nth_weekday(y, m, 3, 3) for y, m in ((2026, 12), (2027, 1), (2027, 2), (2027, 3))]
    assert [o.day for o in found] == expected
    assert all((o.start.hour, o.end.hour) == (14, 16) for o in found)


def test_first_and_third_tuesday_and_last_sunday():
    found = dates("1er et 3ème mardi 13 à 17 h", TUESDAY_1ST_DEC, count=3)
    assert [o.day for o in found] == [nth_weekday(2026, 12, 1, 1), nth_weekday(2026, 12, 1, 3),
                                      nth_weekday(2027, 1, 1, 1)]
    last = dates("tous les derniers dimanches de chaque mois", TUESDAY_1ST_DEC, count=2)
    assert [o.day for o in last] == [nth_weekday(2026, 12, 6, -1), nth_weekday(2027, 1, 6, -1)]


def test_weekly_several_days_in_order():
    found = dates("les lundis, mercredis et samedis", date(2026, 12, 1), count=4)
    assert [o.day.weekday() for o in found] == [2, 5, 0, 2]
    assert found[0].day == date(2026, 12, 2)
    assert found[0].start is None, "no hour in the text: no hour invented"


def test_a_meeting_today_counts_until_it_ends():
    before = dates("le mardi de 15 à 17h", datetime(2026, 12, 1, 16, 0, tzinfo=TZ), count=1)
    assert before[0].day == date(2026, 12, 1), "still on at 16 h"
    after = dates("le mardi de 15 à 17h", datetime(2026, 12, 1, 17, 30, tzinfo=TZ), count=1)
    assert after[0].day == date(2026, 12, 8)


def test_daylight_saving_keeps_the_wall_clock_hour():
    # 2026-10-25: Brussels goes from UTC+2 to UTC+1 (last Sunday of October).
    found = dates("le mardi de 15 à 17h", datetime(2026, 10, 15, tzinfo=TZ), count=3)
    assert [o.day for o in found] == [date(2026, 10, 20), date(2026, 10, 27), date(2026, 11, 3)]
    assert all(o.start.hour == 15 and o.end.hour == 17 for o in found)
    assert found[0].start.utcoffset() == timedelta(hours=2)
    assert found[1].start.utcoffset() == timedelta(hours=1)
    # and back in spring (2027-03-28)
    spring = dates("tous les derniers dimanches de chaque mois, de 16 à 23 heures",
                   datetime(2027, 3, 1, tzinfo=TZ), count=1)[0]
    assert spring.day == date(2027, 3, 28) and spring.start.hour == 16
    assert spring.start.utcoffset() == timedelta(hours=2)


def test_a_naive_moment_is_brussels_time():
    naive = dates("le mardi de 15 à 17h", datetime(2026, 12, 1, 16, 0), count=1)
    assert naive[0].day == date(2026, 12, 1)
    utc = dates("le mardi de 15 à 17h",
                datetime(2026, 12, 1, 16, 30, tzinfo=TZ).astimezone(timezone.utc), count=1)
    assert utc[0].day == date(2026, 12, 1)


def test_months_off_are_skipped():
    found = dates("chaque 1er mardi du mois, sauf juillet et août", date(2027, 6, 10), count=2)
    assert [o.day for o in found] == [nth_weekday(2027, 9, 1, 1), nth_weekday(2027, 10, 1, 1)]


@pytest.fixture
def calendar(tmp_path):
    """A calendar file written by the test (made-up periods: the test says what they are)."""
    path = tmp_path / "calendar.csv"
    path.write_text(
        "# test\n"
        "kind,name,start,end,source_url\n"
        "annee,2030-2031,2030-08-26,2031-08-24,https://example.org/calendrier\n"
        "conge,Vacances d'hiver,2030-12-23,2031-01-05,https://example.org/calendrier\n",
        encoding="utf-8")
    return read_calendar(path)


def test_school_holidays_are_skipped_where_the_calendar_covers(calendar):
    assert calendar.status(date(2030, 12, 24)) == HOLIDAY
    assert calendar.status(date(2030, 12, 17)) == SCHOOL_DAY
    assert calendar.status(date(2031, 9, 1)) == NOT_COVERED
    found = dates("chaque 4e lundi du mois de 14h à 16h, hors congés scolaires",
                  date(2030, 12, 1), count=2, calendar=calendar)
    # 4th Monday of December 2030 is the 23rd: holidays; January's is the 27th
    assert nth_weekday(2030, 12, 0, 4) == date(2030, 12, 23)
    assert [o.day for o in found] == [date(2031, 1, 27), date(2031, 2, 24)]
    assert not any(o.caveat for o in found)


def test_outside_the_calendar_the_date_is_shown_with_a_caveat(calendar):
    found = dates("le 1er mardi du mois, hors congés scolaires", date(2031, 9, 1),
                  count=1, calendar=calendar)
    assert found[0].day == date(2031, 9, 2)
    assert "calendrier scolaire" in found[0].caveat
    # the same rule without the exception has no caveat
    plain = dates("le 1er mardi du mois", date(2031, 9, 1), count=1, calendar=calendar)
    assert plain[0].caveat == ""


def test_the_packaged_calendar_reads_and_says_what_it_covers():
    packaged = load_calendar()
    assert packaged.coverage() == "2025-2026, 2026-2027"
    for period in packaged.years + packaged.holidays:
        assert period.source_url.startswith("https://"), "every period names its source"
        assert any(y.start <= period.start and period.end <= y.end for y in packaged.years), \
            f"{period.name} lies inside a school year of the file"


def test_the_packaged_calendar_takes_out_this_winter_and_says_when_it_stops_knowing():
    packaged = load_calendar()
    assert packaged.status(date(2026, 12, 22)) == HOLIDAY       # vacances d'hiver 2026-2027
    assert packaged.status(date(2027, 1, 4)) == SCHOOL_DAY      # back to school
    assert packaged.status(date(2027, 7, 5)) == NOT_COVERED     # summer 2027's end unknown
    # The demo's Alzheimer Café de Neupré: "1er mardi du mois, 14h-16h, hors congés scolaires".
    # The 1st Tuesday of May 2027 (the 4th) falls in the spring holidays; July's is past the
    # calendar's end, so it is shown with the caveat instead of being confirmed.
    found = dates("1er mardi du mois, 14h-16h, hors congés scolaires", date(2027, 4, 1),
                  count=3, calendar=packaged)
    assert [o.day for o in found] == [date(2027, 4, 6), date(2027, 6, 1), date(2027, 7, 6)]
    assert [bool(o.caveat) for o in found] == [False, False, True]


def test_a_malformed_calendar_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("kind,name,start,end,source_url\nconge,Noël,2030-12-23,pas une date,\n",
                    encoding="utf-8")
    with pytest.raises(SchoolCalendarError, match="ligne 2"):
        read_calendar(path)


@pytest.mark.parametrize("text", NOT_UNDERSTOOD + ["sur rendez-vous", ""])
def test_never_invent_a_date(text):
    schedule = parse_schedule(text)
    assert next_occurrence([schedule], date(2026, 12, 1)) is None
    view = schedule_view(schedule, date(2026, 12, 1))
    assert not view.next_line and not view.upcoming


def test_the_view_in_french(calendar):
    view = schedule_view(parse_schedule("chaque 3e jeudi du mois de 14 à 16 heures"),
                         datetime(2026, 12, 1, 9, tzinfo=TZ), count=3)
    assert view.next_line == "Prochaine réunion : jeudi 17 décembre, 14 h–16 h"
    assert view.upcoming[1] == "jeudi 21 janvier 2027, 14 h–16 h", "another year is named"
    evening = schedule_view(parse_schedule("tous les lundis soirs"), date(2026, 12, 1))
    assert evening.next_line == "Prochaine réunion : lundi 7 décembre, le soir"
    half = schedule_view(parse_schedule("le vendredi de 10h30 à 12h30"), date(2026, 12, 30))
    assert half.next_line == "Prochaine réunion : vendredi 1er janvier 2027, 10 h 30–12 h 30"
    unknown = schedule_view(parse_schedule("groupes de paroles mensuels"), date(2026, 12, 1))
    assert unknown.note == "horaire à confirmer par téléphone"
    assert unknown.text == "groupes de paroles mensuels"


def test_the_next_date_moves_with_today():
    schedule = parse_schedule("chaque 3e jeudi du mois de 14 à 16 heures")
    first = schedule_view(schedule, date(2026, 12, 1)).next_line
    later = schedule_view(schedule, date(2026, 12, 18)).next_line
    assert first != later and "21 janvier" in later


def test_today_and_tomorrow_are_said_so():
    weekly = parse_schedule("le mardi de 15 à 17h")
    assert schedule_view(weekly, datetime(2026, 12, 1, 9, tzinfo=TZ)).next_line == \
        "Prochaine réunion : aujourd'hui, mardi 1er décembre, 15 h–17 h"
    assert schedule_view(weekly, date(2026, 12, 7)).next_line == \
        "Prochaine réunion : demain, mardi 8 décembre, 15 h–17 h"


def test_dates_in_doubt_are_marked_in_the_list(calendar):
    view = schedule_view(parse_schedule("le 1er mardi du mois, hors congés scolaires"),
                         date(2031, 9, 1), count=2, calendar=calendar)
    assert view.caveat and all(line.endswith("(à vérifier)") for line in view.upcoming)
