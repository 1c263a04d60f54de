"""Schedules through the maintainer's workflow: import (structure stored beside the text,
warnings with line and column), the exact columns, export round trip, the listing command."""
from __future__ import annotations

import csv
import io
import sqlite3

from finder.schedule import RECURRING, UNKNOWN
from finder.store import Store
from finder.store_schema import MIGRATIONS

from .conftest import group_row, write_inventory


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def places(app):
    store = Store(app.config["DATABASE"])
    try:
        return {g.slug: g.places for g in store.all_groups()}
    finally:
        store.close()


def test_import_stores_the_structure_and_warns_about_what_it_did_not_understand(app, tmp_path):
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="clair", schedule="chaque 3e jeudi du mois de 14 à 16 heures"),
        group_row(group_id="flou", schedule="groupes de paroles mensuels"),
        group_row(group_id="annonce", schedule="prochaine séance ce vendredi 1er octobre"),
    ])
    result = run(app, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 ajouté(s)" in result.output, "the file still imports"
    assert "ligne 3, colonne « schedule » : horaire non compris" in result.output
    assert "« groupes de paroles mensuels »" in result.output
    assert "ligne 4, colonne « schedule »" in result.output
    assert "ligne 2, colonne « schedule »" not in result.output
    assert "Horaires : 3, dont 1 avec des dates calculées et 2 non compris" in result.output
    stored = places(app)
    clear = stored["clair"][0].schedule_parsed
    assert clear.status == RECURRING and clear.rules[0].nths == (3,)
    assert stored["clair"][0].schedule == "chaque 3e jeudi du mois de 14 à 16 heures"
    assert stored["flou"][0].schedule_parsed.status == UNKNOWN
    again = run(app, "import", str(path))
    assert "3 inchangé(s)" in again.output, "re-importing the same file changes nothing"


def test_the_listing_command_shows_what_to_review(app, tmp_path):
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="clair", schedule="le mardi de 15 à 17h"),
        group_row(group_id="flou", schedule="un mercredi par mois"),
    ])
    assert run(app, "import", str(path)).exit_code == 0
    unparsed = run(app, "schedules", "--unparsed")
    assert unparsed.exit_code == 0, unparsed.output
    assert "flou" in unparsed.output and "« un mercredi par mois »" in unparsed.output
    assert "clair" not in unparsed.output
    assert "1 horaire(s) à revoir" in unparsed.output
    everything = run(app, "schedules", "--next", "2")
    assert "clair" in everything.output and "mardi" in everything.output
    assert "horaire à confirmer par téléphone" in everything.output


def test_exact_columns_are_the_structure_and_round_trip_through_export(app, tmp_path):
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="exact", schedule="deux fois par mois (voir le site)",
                  schedule_rule="FREQ=MONTHLY;BYDAY=1TU,3TU 13:00-17:00",
                  schedule_except="congés scolaires; juillet"),
        group_row(group_id="texte", schedule="le mardi de 15 à 17h"),
    ])
    result = run(app, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "colonne « schedule »" not in result.output, "exact columns: nothing to warn about"
    rule = places(app)["exact"][0].schedule_parsed.rules[0]
    assert (rule.freq, rule.weekdays, rule.nths, rule.start, rule.end) == \
        ("monthly", (1,), (1, 3), "13:00", "17:00")
    assert rule.skip_school_holidays and rule.skip_months == (7,)
    exported = tmp_path / "export.csv"
    assert run(app, "export", "-o", str(exported)).exit_code == 0
    rows = {r["group_id"]: r for r in csv.DictReader(io.StringIO(exported.read_text()))}
    assert rows["exact"]["schedule_rule"] == "FREQ=MONTHLY;BYDAY=1TU,3TU 13:00-17:00"
    assert rows["exact"]["schedule_except"] == "congés scolaires; juillet"
    assert rows["texte"]["schedule_rule"] == "", "a parsed text is not frozen into columns"
    again = run(app, "import", str(exported))
    assert "2 inchangé(s)" in again.output, again.output


def test_a_bad_exact_column_is_an_error_with_line_and_column(app, tmp_path):
    path = write_inventory(tmp_path / "inv.csv", [
        group_row(group_id="a", schedule_rule="FREQ=DAILY"),
        group_row(group_id="b", schedule_rule="FREQ=WEEKLY;BYDAY=TU 17:00-15:00"),
        group_row(group_id="c", schedule_rule="FREQ=WEEKLY;BYDAY=TU", schedule_except="Noël"),
    ])
    result = run(app, "import", str(path))
    assert result.exit_code == 1
    assert "ligne 2, colonne « schedule_rule »" in result.output
    assert "ligne 3, colonne « schedule_rule »" in result.output
    assert "ligne 4, colonne « schedule_except »" in result.output
    assert "Rien n'a été modifié" in result.output


def test_a_database_of_the_previous_schema_reads_schedules_from_their_text(tmp_path, make_app):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for i, script in enumerate(MIGRATIONS[:2]):
        db.executescript(script + f"\nPRAGMA user_version = {i + 1};")
    db.execute("INSERT INTO chapters VALUES ('maladie', 'La maladie', '#000', 0)")
    db.execute("INSERT INTO groups (slug, name, chapter, kind) VALUES ('g', 'G', 'maladie', 'x')")
    db.execute("INSERT INTO places (group_id, position, commune_nis, commune_name, lat, lon,"
               " precision, schedule, public_lat, public_lon) VALUES (1, 0, '92094', 'Namur',"
               " 50.46, 4.86, 'commune', 'le mardi de 15 à 17h', 50.46, 4.86)")
    db.commit()
    db.close()
    make_app(DATABASE=str(path))          # migrates
    store = Store(path)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        place = store.group_by_slug("g").places[0]
        assert place.schedule_parsed.status == RECURRING
        assert place.schedule_parsed.rules[0].weekdays == (1,)
    finally:
        store.close()
