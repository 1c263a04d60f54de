"""An import never loses the inventory by mistake, and never lets a file reach the
maintainer's terminal raw: empty or truncated files, two imports at once, hostile cells."""
from __future__ import annotations

import csv
import threading

from finder.geocoding import build_geocoder_chain
from finder.geography import load_geography
from finder.importer import import_file
from finder.inventory_file import COLUMNS
from finder.store import Store

from .conftest import DEMO_GROUPS, group_row, write_inventory

RAW = ("\x00", "\x07", "\x1b", "\u202e", "\u2066")


def run_import(app, path, *args):
    return app.test_cli_runner().invoke(args=["import", str(path), *args])


def slugs(app) -> set[str]:
    store = Store(app.config["DATABASE"])
    try:
        return {g.slug for g in store.all_groups()}
    finally:
        store.close()


def groups(prefix: str, count: int, **fields) -> list[dict]:
    return [group_row(group_id=f"{prefix}-{i}", name=f"Groupe {prefix} {i}", **fields)
            for i in range(count)]


# -- empty and truncated files --------------------------------------------------------------

def test_a_file_with_only_its_header_is_refused_unless_forced(demo_app, tmp_path):
    empty = write_inventory(tmp_path / "vide.csv", [])
    result = run_import(demo_app, empty)
    assert result.exit_code == 1
    assert "aucune ligne de données" in result.output and "--force" in result.output
    assert "Rien n'a été modifié" in result.output
    assert len(slugs(demo_app)) == DEMO_GROUPS
    forced = run_import(demo_app, empty, "--force")
    assert forced.exit_code == 0, forced.output
    assert f"{DEMO_GROUPS} retiré(s)" in forced.output and slugs(demo_app) == set()


def test_a_file_that_would_remove_most_groups_is_refused_unless_forced(demo_app, tmp_path):
    small = write_inventory(tmp_path / "tronque.csv", groups("reste", 3))
    result = run_import(demo_app, small)
    assert result.exit_code == 1
    assert f"retirerait {DEMO_GROUPS} des {DEMO_GROUPS} groupes" in result.output and "--force" in result.output
    assert len(slugs(demo_app)) == DEMO_GROUPS, "nothing changed"
    forced = run_import(demo_app, small, "--force")
    assert forced.exit_code == 0, forced.output
    assert slugs(demo_app) == {"reste-0", "reste-1", "reste-2"}


def test_removing_a_minority_of_groups_needs_no_force(app, tmp_path):
    assert run_import(app, write_inventory(tmp_path / "v1.csv", groups("g", 4))).exit_code == 0
    result = run_import(app, write_inventory(tmp_path / "v2.csv", groups("g", 2)))
    assert result.exit_code == 0, result.output
    assert "2 retiré(s)" in result.output and slugs(app) == {"g-0", "g-1"}


def test_an_import_that_removes_many_rows_gives_the_space_back(app, tmp_path):
    big = write_inventory(tmp_path / "grand.csv",
                          groups("grand", 300, description="Une longue description. " * 100))
    assert run_import(app, big).exit_code == 0
    database = tmp_path / "finder.sqlite"
    store = Store(database)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_before = database.stat().st_size
    store.close()
    result = run_import(app, write_inventory(tmp_path / "petit.csv", groups("petit", 2)),
                        "--force")
    assert result.exit_code == 0, result.output
    store = Store(database)
    try:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert store.free_pages() == 0, "VACUUM left no free page behind"
        assert database.stat().st_size < size_before / 4
    finally:
        store.close()


# -- two imports at once ----------------------------------------------------------------------

def test_two_imports_at_once_the_last_to_write_is_the_whole_inventory(app, tmp_path, geo_dir):
    """Import B starts while import A is writing (A holds the write lock). B waits, and
    when A commits, B reads what is stored then: A's groups are removed, not kept."""
    first = write_inventory(tmp_path / "premier.csv", groups("premier", 4))
    assert run_import(app, first).exit_code == 0
    database = app.config["DATABASE"]
    other = Store(database)              # import A, half-way through its transaction
    other.db.execute("BEGIN IMMEDIATE")
    other.db.execute("UPDATE groups SET slug = 'a-' || slug")
    waiting, done, outcome = threading.Event(), threading.Event(), {}

    def import_b():
        store = Store(database)
        try:
            geography = load_geography(geo_dir)
            chain = build_geocoder_chain(geography, online_enabled=False, cache=store,
                                         user_agent="test")
            path = write_inventory(tmp_path / "second.csv", groups("premier", 4))
            outcome["report"] = import_file(store, geography, chain, path, force=True,
                                            on_wait=waiting.set)
        except Exception as exc:             # reported below, in the test's thread
            outcome["error"] = exc
        finally:
            store.close()
            done.set()

    thread = threading.Thread(target=import_b)
    thread.start()
    try:
        assert waiting.wait(60), "import B never waited for the write lock held by A"
    finally:
        other.db.execute("COMMIT")           # A is done: its groups are a-premier-*
        other.close()
    assert done.wait(120)
    thread.join()
    assert "error" not in outcome, outcome.get("error")
    report = outcome["report"]
    assert report.applied and report.removed == 4 and report.added == 4
    assert slugs(app) == {f"premier-{i}" for i in range(4)}


# -- hostile cells ----------------------------------------------------------------------------

def test_control_characters_and_bidi_overrides_are_reported_and_never_echoed_raw(app, tmp_path):
    path = write_inventory(tmp_path / "invisibles.csv", [
        group_row(group_id="nul", name="Groupe\x00nul"),
        group_row(group_id="bel", name="Groupe bel", description="Sonne\x07"),
        group_row(group_id="esc", name="Groupe esc", email="\x1b[2Jx@example.org"),
        group_row(group_id="rlo", name="Groupe rlo", phone="\u202e081 22 33 44"),
    ])
    result = run_import(app, path)
    assert result.exit_code == 1
    out = result.output
    assert "ligne 2, colonne « name » : caractère invisible U+0000 (NUL)" in out
    assert "ligne 3, colonne « description » : caractère invisible U+0007 (BEL)" in out
    assert "ligne 4, colonne « email » : caractère invisible U+001B (ESC)" in out
    assert "ligne 5, colonne « phone » : caractère invisible U+202E (RLO)" in out
    assert not any(c in out for c in RAW), repr(out)
    assert "Traceback" not in out and slugs(app) == set()


def test_an_unknown_column_is_named_without_its_control_characters(app, tmp_path):
    path = tmp_path / "entete.csv"
    path.write_text(",".join(COLUMNS) + ",\x1b]0;pwned\x07\n", encoding="utf-8")
    result = run_import(app, path)
    assert result.exit_code == 2
    assert "Colonne(s) inconnue(s)" in result.output and "<U+001B (ESC)>" in result.output
    assert not any(c in result.output for c in RAW), repr(result.output)


def test_a_cell_over_the_csv_field_limit_is_a_problem_with_line_and_column(app, tmp_path):
    huge = "x" * (csv.field_size_limit() + 10)
    path = write_inventory(tmp_path / "enorme.csv", [
        group_row(group_id="ok", name="Bon groupe"),
        group_row(group_id="long", name="Long", description=huge),
    ])
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "ligne 3, colonne « description » : texte trop long" in result.output
    assert "Traceback" not in result.output and huge not in result.output
    assert csv.field_size_limit() == len(huge) - 10, "the csv module's limit is restored"

