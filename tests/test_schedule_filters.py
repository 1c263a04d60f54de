"""Schedule filters (issue 9): day of the week, part of the day, "cette semaine", on the
page, the embed and the API. "Today" is fixed by SCHEDULE_NOW; a filter never hides a place
whose schedule is unknown without saying how many it left out."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit
from datetime import date

import pytest

from finder.schedule import next_occurrences, parse_schedule

from .conftest import group_row, write_inventory
from .test_api import error_of
from .test_pages import text_of

NOW = "2026-12-01T09:00"          # a Tuesday morning, Brussels time

ROWS = [
    group_row(group_id="lundi-soir", name="Lundi soir", schedule="tous les lundis de 19h à 21h"),
    group_row(group_id="mercredi-matin", name="Mercredi matin",
              schedule="le mercredi de 9h à 12h"),
    group_row(group_id="jeudi-mensuel", name="Jeudi mensuel",
              schedule="chaque 3e jeudi du mois de 14 à 16 heures"),
    group_row(group_id="vendredi-soir", name="Vendredi soir", schedule="le vendredi soir"),
    group_row(group_id="flou", name="Groupe flou", schedule="groupes de paroles mensuels"),
    group_row(group_id="rdv", name="Permanence", schedule="sur rendez-vous"),
    group_row(group_id="muet", name="Groupe sans horaire", schedule=""),
]
UNKNOWN = 3                        # flou, rdv, muet


@pytest.fixture
def app(make_app, tmp_path):
    app = make_app(SCHEDULE_NOW=NOW)
    result = app.test_cli_runner().invoke(
        args=["import", str(write_inventory(tmp_path / "inv.csv", ROWS))])
    assert result.exit_code == 0, result.output
    return app


def found(app, query: str) -> tuple[set[str], int]:
    data = app.test_client().get("/api/v1/search?limit=500&" + query).get_json()
    return {r["group"]["name"] for r in data["results"]}, data["unknown_schedule_left_out"]


def removes_left(html: str) -> list[dict]:
    """The parameters each "retirer" link of the active filters keeps."""
    return [dict(parse_qsl(urlsplit(unescape(href)).query))
            for href in re.findall(r'class="filter-remove" href="([^"]*)"', html)]


def test_without_a_schedule_filter_every_place_is_shown(app):
    assert found(app, "") == ({r["name"] for r in ROWS}, 0)


@pytest.mark.parametrize("query, names", [
    ("day=lundi", {"Lundi soir"}),
    ("day=1", {"Lundi soir"}),
    ("day=lundi&day=mercredi", {"Lundi soir", "Mercredi matin"}),
    ("day=lundi,3", {"Lundi soir", "Mercredi matin"}),
    ("day=jeudi", {"Jeudi mensuel"}),
    ("day=dimanche", set()),
    ("moment=matin", {"Mercredi matin"}),
    ("moment=apres-midi", {"Jeudi mensuel"}),
    ("moment=soir", {"Lundi soir", "Vendredi soir"}),
    ("day=mercredi&moment=soir", set()),
    ("semaine=1", {"Lundi soir", "Mercredi matin", "Vendredi soir"}),   # 2 to 7 December
    ("semaine=1&day=lundi&moment=soir", {"Lundi soir"}),
])
def test_schedule_filters_keep_only_places_meeting_as_asked(app, query, names):
    assert found(app, query) == (names, UNKNOWN)


def test_this_week_follows_today(app):
    """The 3rd Thursday (17 December) is not within 7 days of 1 December, but is of the
    14th: the same URL on another day is another question (never a stale cached answer)."""
    assert "Jeudi mensuel" not in found(app, "semaine=1")[0]
    app.config["SCHEDULE_NOW"] = "2026-12-14T09:00"
    assert "Jeudi mensuel" in found(app, "semaine=1")[0]


def test_the_page_says_how_many_unknown_schedules_were_left_out(app):
    html = app.test_client().get("/?day=lundi").get_data(as_text=True)
    text = text_of(html)
    assert "Lundi soir" in text and "Mercredi matin" not in text
    assert "Groupe flou" not in text
    assert f"{UNKNOWN} lieux dont l'horaire n'est pas connu ne sont pas affichés" in text
    assert "Jour : lundi" in text
    assert removes_left(html) == [{"radius_km": "20"}]
    assert 'name="day" type="checkbox" value="lundi" checked' in html
    plain = text_of(app.test_client().get("/").get_data(as_text=True))
    assert "horaire n'est pas connu ne sont pas" not in plain


def test_each_schedule_filter_can_be_removed_alone(app):
    html = app.test_client().get("/?day=lundi&moment=soir&semaine=1").get_data(as_text=True)
    left = [set(args) - {"radius_km"} for args in removes_left(html)]
    assert sorted(left, key=sorted) == sorted(
        [{"moment", "semaine"}, {"day", "semaine"}, {"day", "moment"}], key=sorted)
    assert "Quand : cette semaine" in text_of(html)


def test_the_api_notice_says_it_too(app):
    data = app.test_client().get("/api/v1/search?moment=soir").get_json()
    assert {"code": "unknown_schedule_left_out",
            "message": f"{UNKNOWN} lieux dont l'horaire n'est pas connu ne sont pas affichés."
            } in data["notices"]


def test_the_embed_applies_presets_and_locks(app):
    client = app.test_client()
    html = client.get("/embed?day=mercredi&lock=day").get_data(as_text=True)
    text = text_of(html)
    assert "Mercredi matin" in text and "Lundi soir" not in text
    assert '<input type="hidden" name="day" value="mercredi">' in html
    assert 'id="day-lundi"' not in html           # the locked control is not offered
    builder = client.get("/embed/builder?moment=soir&lock=moment").get_data(as_text=True)
    assert "moment=soir" in builder and 'value="moment"' in builder


@pytest.mark.parametrize("query, parameter, words", [
    ("day=funday", "day", "Jour inconnu"), ("day=8", "day", "Jour inconnu"),
    ("moment=nuit", "moment", "Moment de la journée inconnu"),
    ("semaine=bientot", "semaine", "semaine"),
])
def test_bad_schedule_filters_are_a_french_400(app, query, parameter, words):
    client = app.test_client()
    error = error_of(client.get("/api/v1/search?" + query), 400, "invalid_parameter")
    assert error["parameter"] == parameter and words in error["message"]
    page = client.get("/?" + query)
    assert page.status_code == 400 and words in page.get_data(as_text=True)


def test_on_the_demo_inventory_a_day_keeps_exactly_the_places_meeting_that_day(make_app):
    """Checked against the dates the recurrence engine gives for each place's text."""
    from .conftest import DEMO_INVENTORY
    app = make_app(SCHEDULE_NOW=NOW)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    client = app.test_client()
    every = client.get("/api/v1/search?limit=500").get_json()["results"]
    key = lambda r: (r["group"]["slug"], r["place"]["address"])  # noqa: E731
    parsed = {key(r): parse_schedule(r["place"]["schedule"] or "") for r in every}
    unknown = sum(s.status != "recurring" for s in parsed.values())
    assert 0 < unknown < len(every)
    for day in range(1, 8):
        data = client.get(f"/api/v1/search?limit=500&day={day}").get_json()
        expected = {k for k, s in parsed.items() if s.status == "recurring" and any(
            o.day.weekday() == day - 1 for o in next_occurrences([s], date(2026, 12, 1),
                                                                 count=60))}
        assert {key(r) for r in data["results"]} == expected
        assert data["unknown_schedule_left_out"] == unknown
