"""What people see of schedules: list, group page, popups, embed. "Now" is fixed through
the SCHEDULE_NOW setting, never by hard-coding what the page should say for a real day."""
from __future__ import annotations

from datetime import date

from finder.schedule import next_occurrences, occurrence_fr, parse_schedule

from .conftest import group_row, write_inventory
from .test_pages import text_of

NOW = "2026-12-01T09:00"          # a Tuesday morning, Brussels time


def make(make_app, tmp_path, **config):
    app = make_app(SCHEDULE_NOW=NOW, **config)
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="cafe", name="Café mémoire",
                  schedule="chaque 3e jeudi du mois de 14 à 16 heures"),
        group_row(group_id="flou", name="Groupe flou", schedule="groupes de paroles mensuels"),
        group_row(group_id="rdv", name="Permanence", schedule="sur rendez-vous"),
        group_row(group_id="muet", name="Groupe sans horaire", schedule=""),
        group_row(group_id="siege", name="Siège seul", schedule="", address_kind="siege"),
        group_row(group_id="courrier", name="Secrétariat", address_kind="courrier",
                  schedule="permanence 1er et 3ème mardi 13 à 17 h"),
    ])
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    return app


def expected(text, after=date(2026, 12, 1), count=1):
    """What the page must say, computed by the schedule module from the same moment."""
    return [occurrence_fr(o, today=after) for o in
            next_occurrences([parse_schedule(text)], after, count=count)]


def test_the_list_shows_the_next_meeting_and_the_text(make_app, tmp_path):
    app = make(make_app, tmp_path)
    text = text_of(app.test_client().get("/?postcode=5000&radius_km=20").get_data(as_text=True))
    first = expected("chaque 3e jeudi du mois de 14 à 16 heures")[0]
    assert first.startswith("jeudi 17 décembre")        # the 3rd Thursday of December 2026
    assert f"Prochaine réunion : {first}" in text
    assert "Horaire publié : chaque 3e jeudi du mois de 14 à 16 heures" in text
    assert "Horaire publié : groupes de paroles mensuels Horaire à confirmer par téléphone." in text
    assert "Sur rendez-vous : prenez contact pour convenir d'un moment." in text
    assert "Quand Horaire non indiqué par la source : à confirmer par téléphone." in text
    assert text.count("Prochaine réunion") == 1, "no date for what was not understood"
    # not a meeting place: its dates are not called meetings, and no schedule says nothing
    assert "Prochaine date : aujourd'hui, mardi 1er décembre, 13 h–17 h" in text
    siege = text[text.index("Siège seul"):]
    assert "Quand" not in siege[:siege.index("Tout sur ce groupe")]


def test_the_group_page_lists_the_next_dates(make_app, tmp_path):
    app = make(make_app, tmp_path)
    text = text_of(app.test_client().get("/groupes/cafe").get_data(as_text=True))
    dates = expected("chaque 3e jeudi du mois de 14 à 16 heures", count=4)
    assert f"Prochaine réunion : {dates[0]}" in text
    assert "Prochaines dates : " + " ".join(dates) in text
    assert "janvier 2027" in dates[1], "a date of next year names its year"
    siege = text_of(app.test_client().get("/groupes/siege").get_data(as_text=True))
    assert "Horaire non indiqué" not in siege
    flou = text_of(app.test_client().get("/groupes/flou").get_data(as_text=True))
    assert "Prochaine" not in flou and "Horaire à confirmer par téléphone." in flou


def test_the_next_meeting_follows_the_day(make_app, tmp_path):
    app = make(make_app, tmp_path, PAGE_CACHE_BYTES=8 * 1024 * 1024)
    client = app.test_client()
    url = "/?postcode=5000&radius_km=20"
    before = text_of(client.get(url).get_data(as_text=True))
    assert "Prochaine réunion : jeudi 17 décembre" in before
    app.config["SCHEDULE_NOW"] = "2026-12-17T17:00"     # that meeting is over
    after = text_of(client.get(url).get_data(as_text=True))
    assert "jeudi 17 décembre" not in after, "the page cache must not keep a past meeting"
    assert "Prochaine réunion : " + expected("chaque 3e jeudi du mois de 14 à 16 heures",
                                             after=date(2026, 12, 18))[0] in after


def test_popups_carry_the_next_meeting_or_the_note(make_app, tmp_path):
    app = make(make_app, tmp_path)
    client = app.test_client()
    ids = client.get("/carte/lieux.json?postcode=5000&radius_km=20").get_json()["markers"]
    flat = []
    for marker in ids:
        flat += marker[4] if isinstance(marker[4], list) else [marker[4]]
    details = client.get("/carte/lieux/details.json",
                         query_string={"ids": ",".join(map(str, flat))}).get_json()["places"]
    by_name = {d["name"]: d for d in details}
    first = expected("chaque 3e jeudi du mois de 14 à 16 heures")[0]
    assert by_name["Café mémoire"]["next"] == f"Prochaine réunion : {first}"
    assert by_name["Café mémoire"]["schedule"] == "chaque 3e jeudi du mois de 14 à 16 heures"
    assert by_name["Groupe flou"]["next"] == ""
    assert by_name["Groupe flou"]["schedule_note"] == "horaire à confirmer par téléphone"
    assert by_name["Groupe sans horaire"]["schedule_note"].startswith("horaire non indiqué")
    # a later moment is another ETag: a browser never keeps yesterday's popup
    first_etag = client.get(f"/carte/lieu/{flat[0]}.json").headers["ETag"]
    app.config["SCHEDULE_NOW"] = "2026-12-18T09:00"
    assert client.get(f"/carte/lieu/{flat[0]}.json").headers["ETag"] != first_etag


def test_the_embed_shows_the_next_meeting(make_app, tmp_path):
    app = make(make_app, tmp_path)
    text = text_of(app.test_client().get("/embed?postcode=5000&radius_km=20")
                   .get_data(as_text=True))
    assert "Prochaine réunion : " + expected("chaque 3e jeudi du mois de 14 à 16 heures")[0] in text
    assert "Horaire à confirmer par téléphone." in text


def test_a_bad_schedule_now_setting_stops_start_up_in_french(make_app):
    import pytest
    from finder.db import StartupError
    with pytest.raises(StartupError, match="FINDER_SCHEDULE_NOW"):
        make_app(SCHEDULE_NOW="mardi prochain")
