"""The maintainer's import: validation in one pass, idempotence, updates, crash safety."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from finder.store import Store

from .conftest import DEMO_GROUPS, DEMO_INVENTORY, group_row, write_inventory


def run_import(app, path, *args):
    return app.test_cli_runner().invoke(args=["import", str(path), *args])


def inventory(app):
    store = Store(app.config["DATABASE"])
    try:
        return {g.slug: g for g in store.all_groups()}
    finally:
        store.close()


def test_demo_inventory_imports_with_every_group(demo_app):
    groups = inventory(demo_app)
    assert len(groups) == DEMO_GROUPS
    assert all(g.demo and g.source_url and g.checked_on for g in groups.values())


def test_summary_counts_places_by_precision(app):
    result = run_import(app, DEMO_INVENTORY)
    assert result.exit_code == 0, result.output
    assert f"{DEMO_GROUPS} ajouté(s), 0 mis à jour, 0 retiré(s), 0 inchangé(s)" in result.output
    assert "service(s) sans lieu" in result.output
    assert "au centre de la localité" in result.output
    assert "au centre de la commune" in result.output


def test_reimporting_the_same_file_changes_nothing(demo_app):
    before = inventory(demo_app)
    result = run_import(demo_app, DEMO_INVENTORY)
    assert result.exit_code == 0, result.output
    assert f"0 ajouté(s), 0 mis à jour, 0 retiré(s), {DEMO_GROUPS} inchangé(s)" in result.output
    after = inventory(demo_app)
    assert {k: g.id for k, g in after.items()} == {k: g.id for k, g in before.items()}


def test_a_changed_file_updates_in_place_and_removes_what_is_gone(app, tmp_path):
    first = write_inventory(tmp_path / "v1.csv", [
        group_row(group_id="a", name="Groupe A"),
        group_row(group_id="b", name="Groupe B", postcode="4000", locality="Liège", commune="Liège"),
    ])
    assert run_import(app, first).exit_code == 0
    ids = {k: g.id for k, g in inventory(app).items()}
    second = write_inventory(tmp_path / "v2.csv", [
        group_row(group_id="a", name="Groupe A", phone="081 22 33 44"),
        group_row(group_id="c", name="Groupe C"),
    ])
    result = run_import(app, second)
    assert result.exit_code == 0, result.output
    assert "1 ajouté(s), 1 mis à jour, 1 retiré(s), 0 inchangé(s)" in result.output
    groups = inventory(app)
    assert set(groups) == {"a", "c"}
    assert groups["a"].id == ids["a"], "a group keeps its identity across imports"
    assert groups["a"].phone == "081 22 33 44"


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_imported(demo_app, tmp_path):
    path = write_inventory(tmp_path / "bad.csv", [
        group_row(group_id="ok", name="Bon groupe"),
        group_row(group_id="x1", chapter="cuisine"),
        group_row(group_id="x2", postcode="50000"),
        group_row(group_id="x3", email="pas-une-adresse"),
        group_row(group_id="x4", website="www.sans-schema.be"),
        group_row(group_id="x5", lat="48.85", lon="2.35", postcode="", locality="", commune=""),
        group_row(group_id="x6", postcode="9000", locality="Gent", commune=""),
        group_row(group_id="x7", checked_on=""),
    ])
    result = run_import(demo_app, path)
    assert result.exit_code == 1
    out = result.output
    assert "ligne 3, colonne « chapter » : chapitre inconnu « cuisine »" in out
    assert "ligne 4, colonne « postcode »" in out and "4 chiffres" in out
    assert "ligne 5, colonne « email »" in out
    assert "ligne 6, colonne « website »" in out
    assert "ligne 7, colonne « lat »" in out and "hors de Wallonie et de Bruxelles" in out
    assert "ligne 8, colonne « postcode »" in out
    assert "ligne 9, colonne « checked_on » : valeur obligatoire manquante" in out
    assert "Rien n'a été modifié" in out
    assert len(inventory(demo_app)) == DEMO_GROUPS, "the previous inventory is untouched"


def test_skip_invalid_imports_the_valid_rows(app, tmp_path):
    path = write_inventory(tmp_path / "mixed.csv", [
        group_row(group_id="ok", name="Bon groupe"),
        group_row(group_id="bad", chapter="cuisine"),
    ])
    result = run_import(app, path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "1 groupe(s) ignoré(s)" in result.output
    assert set(inventory(app)) == {"ok"}


def test_a_place_that_cannot_be_placed_is_reported_not_guessed(app, tmp_path):
    path = write_inventory(tmp_path / "lost.csv", [
        group_row(postcode="", locality="Nulle-Part-sur-Meuse", commune=""),
    ])
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "ligne 2" in result.output and "Nulle-Part-sur-Meuse" in result.output
    assert inventory(app) == {}


def test_group_columns_must_agree_across_its_rows(app, tmp_path):
    path = write_inventory(tmp_path / "split.csv", [
        group_row(group_id="g", name="Groupe", phone="081 11 11 11"),
        group_row(group_id="g", name="Groupe", phone="081 99 99 99", postcode="4000",
                  locality="Liège", commune="Liège"),
    ])
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "ligne 3, colonne « phone »" in result.output and "ligne 2" in result.output


def test_a_group_with_several_places_keeps_them_all(app, tmp_path):
    path = write_inventory(tmp_path / "multi.csv", [
        group_row(group_id="g", name="Groupe", schedule="1er lundi, 19 h"),
        group_row(group_id="g", name="Groupe", postcode="4000", locality="Liège",
                  commune="Liège", schedule="2e mardi, 14 h"),
    ])
    assert run_import(app, path).exit_code == 0
    places = inventory(app)["g"].places
    assert [p.commune_name for p in places] == ["Namur", "Liège"]
    assert [p.schedule for p in places] == ["1er lundi, 19 h", "2e mardi, 14 h"]


def test_notes_and_address_kind_are_kept_and_exported(app, tmp_path):
    path = write_inventory(tmp_path / "kinds.csv", [
        group_row(group_id="g", name="Groupe", notes="Horaire d'une annonce de 2019.",
                  street="Rue de Fer 1", address_kind="courrier"),
        group_row(group_id="g", name="Groupe", notes="Horaire d'une annonce de 2019.",
                  postcode="4000", locality="Liège", commune="Liège"),
    ])
    assert run_import(app, path).exit_code == 0, "an empty address_kind is a meeting place"
    group = inventory(app)["g"]
    assert group.notes == "Horaire d'une annonce de 2019."
    assert [p.address_kind for p in group.places] == ["courrier", "reunion"]
    exported = app.test_cli_runner().invoke(args=["export", "--format", "csv"]).output
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    assert "0 mis à jour, 0 retiré(s), 1 inchangé(s)" in run_import(app, again).output


def test_an_unknown_address_kind_is_reported(app, tmp_path):
    path = write_inventory(tmp_path / "bad-kind.csv", [group_row(address_kind="bureau")])
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "ligne 2, colonne « address_kind » : type d'adresse inconnu « bureau »" in result.output


def test_unreadable_files_get_a_french_message(app, tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("group_id,name,chapter\nx,Liège,maladie\n".encode("latin-1"))
    result = run_import(app, latin1)
    assert result.exit_code == 2 and "UTF-8" in result.output
    other = tmp_path / "inventaire.pdf"
    other.write_text("x")
    assert "utilisez un fichier .csv ou .xlsx" in run_import(app, other).output
    assert "Fichier introuvable" in run_import(app, tmp_path / "absent.csv").output


def test_xlsx_imports_like_csv(app, tmp_path):
    import openpyxl
    from finder.inventory_file import COLUMNS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    row = group_row(group_id="xl", name="Groupe Excel", postcode=5000)
    sheet.append([row.get(c, None) for c in COLUMNS])
    book.save(tmp_path / "inventaire.xlsx")
    result = run_import(app, tmp_path / "inventaire.xlsx")
    assert result.exit_code == 0, result.output
    assert inventory(app)["xl"].places[0].postcode == "5000"


def test_export_csv_round_trips_with_import(demo_app, tmp_path):
    exported = tmp_path / "export.csv"
    result = demo_app.test_cli_runner().invoke(args=["export", "--format", "csv", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    again = run_import(demo_app, exported)
    assert f"0 ajouté(s), 0 mis à jour, 0 retiré(s), {DEMO_GROUPS} inchangé(s)" in again.output


def test_export_geojson_has_a_feature_per_place(demo_app):
    import json
    result = demo_app.test_cli_runner().invoke(args=["export", "--format", "geojson"])
    data = json.loads(result.output)
    located = [f for f in data["features"] if f["geometry"]]
    nowhere = [f for f in data["features"] if not f["geometry"]]
    assert len(located) >= 40 and len(nowhere) >= 5
    lon, lat = located[0]["geometry"]["coordinates"]
    assert 49.4 < lat < 51.6 and 2.5 < lon < 6.5


def test_an_import_killed_midway_leaves_the_previous_inventory(demo_app, tmp_path, geo_dir):
    """SIGKILL while the new inventory is being written: the old one is still whole."""
    big = tmp_path / "big.csv"
    gen = demo_app.test_cli_runner().invoke(args=["generate-synthetic", "30000", "-o", str(big)])
    assert gen.exit_code == 0, gen.output
    env = dict(os.environ, FINDER_DATABASE=demo_app.config["DATABASE"],
               FINDER_GEO_DIR=str(geo_dir), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "finder", "import", str(big), "--force"],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    seen = ""
    deadline = time.monotonic() + 120
    while "Écriture" not in seen and time.monotonic() < deadline:
        chunk = proc.stderr.read(1) if proc.poll() is None else ""
        if not chunk:
            break
        seen += chunk
    assert "Écriture" in seen, f"the import never reached its writing phase: {seen[-500:]}"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    db = sqlite3.connect(demo_app.config["DATABASE"])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    groups = inventory(demo_app)
    assert len(groups) == DEMO_GROUPS and not any(s.startswith("synthetique") for s in groups)


def test_places_put_at_the_commune_centre_are_pointed_out(app, tmp_path):
    """Imported, but the maintainer is told it is only at the commune's centre."""
    path = write_inventory(tmp_path / "district.csv", [
        group_row(postcode="", locality="Salzinnes", commune="Namur"),   # a district
    ])
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert "remarque" in result.output and "ligne 2" in result.output
    assert "Salzinnes" in result.output and "centre de la commune" in result.output
    (place,) = inventory(app)["groupe-test"].places
    assert place.precision == "commune" and place.commune_name == "Namur"
