"""'Ajouter à mon agenda': the .ics files, read back with an independent library
(recurring-ical-events over icalendar's parser) and compared with our own next dates."""
from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from finder.schedule import TZ, next_occurrences, parse_schedule

from .conftest import group_row, write_inventory

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=TZ)
WEEKLY = "le mardi de 15 à 17h, sauf juillet et août"
MONTHLY = "chaque 3e jeudi du mois, de 14 à 16 heures"


@pytest.fixture
def ics_app(make_app, tmp_path):
    app = make_app(SCHEDULE_NOW=NOW.isoformat())
    path = write_inventory(tmp_path / "agenda.csv", [
        group_row(group_id="g", name="Groupe du mardi", street="Rue de Fer 1", schedule=WEEKLY),
        group_row(group_id="g", name="Groupe du mardi", street="Rue des Tilleuls 7",
                  postcode="4000", locality="Liège", commune="Liège", show_exact="non",
                  schedule=MONTHLY),
        group_row(group_id="g", name="Groupe du mardi", postcode="6000", locality="Charleroi",
                  commune="Charleroi", schedule="groupes de paroles mensuels"),
        group_row(group_id="flou", name="Sans date", schedule="une fois par mois"),
    ])
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    return app


def expand(body: bytes, days: int = 400) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(body)
    events = recurring_ical_events.of(calendar).between(NOW, NOW + timedelta(days=days))
    return sorted(e["DTSTART"].dt for e in events)


def ours(text: str, days: int = 400) -> list[datetime]:
    found = next_occurrences([parse_schedule(text)], NOW, count=200, horizon_days=days)
    return sorted(o.start for o in found if o.start < NOW + timedelta(days=days))


def test_a_place_file_gives_the_dates_the_finder_shows(ics_app):
    client = ics_app.test_client()
    response = client.get("/groupes/g/lieux/1/agenda.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert b"RRULE:FREQ=WEEKLY;BYDAY=TU;BYMONTH=1,2,3,4,5,6,9,10,11,12" in body
    starts = expand(body)
    assert starts == ours(WEEKLY)[:len(starts)] and len(starts) > 30
    assert not [s for s in starts if s.month in (7, 8)], "sauf juillet et août"
    # Daylight saving time: 15 h on both sides of the change (28 March 2027).
    assert {s.astimezone(TZ).hour for s in starts} == {15}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    # The link back is the public address (FINDER_PUBLIC_BASE_URL, unset: 127.0.0.1:5000).
    assert str(event["URL"]) == "http://127.0.0.1:5000/groupes/g"
    assert "Rue de Fer 1" in str(event["LOCATION"])
    assert "Horaire publié : " + WEEKLY in str(event["DESCRIPTION"])


def test_a_hidden_place_is_in_the_calendar_at_its_commune(ics_app):
    body = ics_app.test_client().get("/groupes/g/lieux/2/agenda.ics").get_data()
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Liège"
    assert b"Tilleuls" not in body and "GEO" not in event
    assert b"RRULE:FREQ=MONTHLY;BYDAY=3TH" in body
    assert expand(body, 120) == ours(MONTHLY, 120)


def test_the_group_file_holds_every_dated_place_and_nothing_invented(ics_app):
    client = ics_app.test_client()
    body = client.get("/groupes/g/agenda.ics").get_data()
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 2, "the place whose schedule gives no date has no event"
    assert expand(body, 120) == sorted(ours(WEEKLY, 120) + ours(MONTHLY, 120))
    undated = client.get("/groupes/g/lieux/3/agenda.ics")
    assert undated.status_code == 404
    assert "Téléphonez-lui pour connaître ses prochaines réunions" in undated.get_data(as_text=True)
    assert client.get("/groupes/flou/agenda.ics").status_code == 404
    assert client.get("/groupes/g/lieux/9/agenda.ics").status_code == 404
    assert client.get("/groupes/inconnu/agenda.ics").status_code == 404


def test_the_group_page_offers_the_calendar_files(ics_app):
    html = ics_app.test_client().get("/groupes/g").get_data(as_text=True)
    assert 'href="/groupes/g/lieux/1/agenda.ics"' in html
    assert 'href="/groupes/g/lieux/3/agenda.ics"' not in html
    assert 'href="/groupes/g/agenda.ics"' in html and "Ajouter à mon agenda" in html


def test_school_holidays_of_the_shipped_calendar_are_taken_out_of_the_file(make_app, tmp_path):
    """A weekly 'hors congés scolaires' meeting: the spring holidays 2027 (26 April to 9 May,
    data/school-calendar-fwb.csv) are EXDATEs, so a calendar app skips those two Tuesdays,
    as the finder's own next dates do."""
    text = "le mardi de 15 à 17h, hors congés scolaires"
    app = make_app(SCHEDULE_NOW=NOW.isoformat())
    path = write_inventory(tmp_path / "ecole.csv", [
        group_row(group_id="s", name="Groupe scolaire", street="Rue de Fer 1", schedule=text)])
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    body = app.test_client().get("/groupes/s/lieux/1/agenda.ics").get_data()
    starts = [s.date() for s in expand(body, days=120)]
    assert starts and all(s.weekday() == 1 for s in starts)
    spring = [s for s in starts if datetime(2027, 4, 26).date() <= s <= datetime(2027, 5, 9).date()]
    assert spring == [], "no meeting during the spring holidays"
    assert datetime(2027, 5, 11).date() in starts and datetime(2027, 4, 20).date() in starts
    from finder.schedule.school import load_calendar
    finder_dates = [o.start.date() for o in next_occurrences(
        [parse_schedule(text)], NOW, count=200, horizon_days=120, calendar=load_calendar())
        if o.start < NOW + timedelta(days=120)]
    assert starts == finder_dates
