"""An import of a file exported before browser edits shows what it would change and refuses
to erase those edits unless --force; the export records the inventory version."""
from __future__ import annotations

import csv

from finder import editing

from .conftest import EDITOR_EMAIL, write_inventory

SLUG = "alzheimer-cafe-d-ans-ligue-alzheimer"


def export(app, path):
    result = app.test_cli_runner().invoke(args=["export", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def browser_edit(app, **fields):
    with app.app_context():
        from finder.db import get_geography, get_writer
        store = get_writer()
        form = editing.group_form(store.group_by_slug(SLUG)) | fields
        assert editing.edit_group(store, get_geography(), SLUG, form, EDITOR_EMAIL).change_id


def stored(app, slug=SLUG):
    with app.app_context():
        from finder.db import get_writer
        return get_writer().group_by_slug(slug)


def test_export_records_the_version_and_reimports_unchanged(demo_app, tmp_path):
    path = export(demo_app, tmp_path / "export.csv")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with demo_app.app_context():
        from finder.db import get_writer
        version = get_writer().inventory_version()
    assert {r["inventory_version"] for r in rows} == {str(version)}
    result = demo_app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 mis à jour" in result.output and "0 retiré" in result.output


def test_an_old_export_does_not_silently_erase_browser_edits(demo_app, tmp_path):
    path = export(demo_app, tmp_path / "avant.csv")
    browser_edit(demo_app, phone="04 111 22 33")
    runner = demo_app.test_cli_runner()
    refused = runner.invoke(args=["import", str(path)])
    assert refused.exit_code == 1
    assert f"mis à jour : {SLUG}  ← modifié dans le navigateur depuis l'export" in refused.stderr
    assert EDITOR_EMAIL in refused.stderr and "--force" in refused.stderr
    assert "Rien n'a été modifié" in refused.stderr
    assert stored(demo_app).phone == "04 111 22 33"
    forced = runner.invoke(args=["import", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert stored(demo_app).phone != "04 111 22 33"
    assert "1 mis à jour" in forced.stdout


def test_a_group_added_in_the_browser_is_not_removed_silently(demo_app, tmp_path):
    path = export(demo_app, tmp_path / "avant.csv")
    with demo_app.app_context():
        from finder.db import get_writer
        store = get_writer()
        group = store.group_by_slug(SLUG)
        group.slug, group.name, group.places = "nouveau-groupe", "Nouveau groupe", []
        store.record("nouveau-groupe", before=None, after=group, who=EDITOR_EMAIL,
                     action="proposal")
    refused = demo_app.test_cli_runner().invoke(args=["import", str(path)])
    assert refused.exit_code == 1 and "retiré : nouveau-groupe" in refused.stderr
    assert stored(demo_app, "nouveau-groupe") is not None


def test_a_file_without_version_is_compared_with_the_last_import(demo_app, tmp_path):
    with open(export(demo_app, tmp_path / "export.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    path = write_inventory(tmp_path / "a-la-main.csv",
                           [{k: v for k, v in r.items() if k != "inventory_version"} for r in rows])
    browser_edit(demo_app, cost="Gratuit")
    refused = demo_app.test_cli_runner().invoke(args=["import", str(path)])
    assert refused.exit_code == 1
    assert "sans version d'inventaire" in refused.stderr
    assert stored(demo_app).cost == "Gratuit"
    # Edits older than the last import are that import's business, not a conflict.
    export(demo_app, tmp_path / "now.csv")
    assert demo_app.test_cli_runner().invoke(
        args=["import", str(tmp_path / "now.csv")]).exit_code == 0
