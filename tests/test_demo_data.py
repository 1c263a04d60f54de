"""The demonstration inventory (data/demo-inventory.csv) and the script that builds it.

Tests on the committed file run everywhere; tests that compare it with the compiled
sources need ../shared (or FINDER_SHARED_DIR) and are skipped without it.
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

from finder.models import CHAPTER_SLUGS, KINDS

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo-inventory.csv"
SHARED = Path(os.environ.get("FINDER_SHARED_DIR") or ROOT.parent / "shared")
SOURCE_DIR = SHARED / "data"
GEO_DIR = SHARED / "geo"

COLUMNS = [
    "group_id", "name", "chapter", "kind", "themes", "audience", "services", "cost",
    "description", "phone", "email", "website", "source_url", "source_date",
    "checked_on", "demo",
    "place_label", "street", "postcode", "locality", "commune", "lat", "lon",
    "show_exact", "schedule",
]
PLACE_COLUMNS = COLUMNS[COLUMNS.index("place_label"):]
GROUP_COLUMNS = COLUMNS[:COLUMNS.index("place_label")]
SERVICES = {"ecoute", "groupe-de-parole", "aide-sociale", "aide-administrative",
            "aide-juridique", "information", "activites"}

needs_sources = pytest.mark.skipif(
    not (SOURCE_DIR / "organisations.csv").is_file() or not (GEO_DIR / "postcodes.csv").is_file(),
    reason=f"compiled sources not found in {SHARED} (set FINDER_SHARED_DIR)",
)


def _load_script():
    spec = importlib.util.spec_from_file_location("build_demo", ROOT / "data" / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_demo = _load_script()


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_csv(DEMO)


@pytest.fixture(scope="module")
def sources() -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in read_csv(SOURCE_DIR / "organisations.csv")}


def by_id(rows, group_id):
    found = [r for r in rows if r["group_id"] == group_id]
    assert found, f"{group_id} missing from the demo inventory"
    return found


# --- the committed file -------------------------------------------------------------

def test_header_is_the_documented_format():
    with open(DEMO, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == COLUMNS
    assert build_demo.COLUMNS == COLUMNS


def test_63_groups_one_row_per_place(rows):
    ids = {r["group_id"] for r in rows}
    assert len(ids) == 63
    for group_id in ids:
        group_rows = by_id(rows, group_id)
        first = {c: group_rows[0][c] for c in GROUP_COLUMNS}
        assert all({c: r[c] for c in GROUP_COLUMNS} == first for r in group_rows), group_id
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_row_is_demo_sourced_and_dated(rows):
    for r in rows:
        assert r["demo"] == "oui", r["group_id"]
        assert r["source_url"].startswith(("http://", "https://")), r["group_id"]
        assert dt.date.fromisoformat(r["checked_on"]) == dt.date(2026, 11, 24)


def test_values_come_from_the_allowed_lists(rows):
    for r in rows:
        assert r["chapter"] in CHAPTER_SLUGS, r["group_id"]
        assert r["kind"] in KINDS, r["group_id"]
        assert set(filter(None, r["services"].split(";"))) <= SERVICES, r["group_id"]
        assert r["name"] and r["description"] and r["themes"] and r["audience"]


def test_no_coordinates_were_invented(rows):
    assert all(r["lat"] == "" and r["lon"] == "" for r in rows)


def test_groups_without_place_have_all_place_columns_empty(rows):
    placeless = [r for r in rows if not r["commune"]]
    assert len(placeless) == 11
    for r in placeless:
        assert all(r[c] == "" for c in PLACE_COLUMNS), r["group_id"]
    for r in rows:
        if r["commune"]:
            assert r["show_exact"] in ("oui", "non"), r["group_id"]


def test_venue_names_are_kept_apart_from_the_street(rows):
    (pepinster,) = by_id(rows, "alzheimer-cafe-de-pepinster-ligue-alzheimer")
    assert pepinster["place_label"] == "Résidence Au fil de Hoëgne"
    assert pepinster["street"] == "Rue Neuve 35D"
    assert pepinster["schedule"] == "2e lundi du mois, 14h-16h"
    (sep,) = by_id(rows, "ligue-belge-de-la-sclerose-en-plaques-communaute-francaise")
    assert (sep["place_label"], sep["street"]) == ("Parc industriel Sud", "Rue des Linottes 6")
    assert not any("(" in r["street"] for r in rows)


def test_a_postal_address_is_not_shown_as_a_meeting_place(rows):
    (al_anon,) = by_id(rows, "al-anon-alateen-groupes-familiaux")
    assert al_anon["street"] == "Rue de la Poste 111"
    assert al_anon["place_label"] == "Adresse courrier (pas un lieu de réunion)"


def test_brussels_sections_and_sections_of_communes(rows):
    expected = {
        "fondation-contre-le-cancer": ("Schaerbeek", "Schaerbeek", "1030"),
        "alzheimer-cafe-d-ans-ligue-alzheimer": ("Alleur", "Ans", "4432"),
        "alzheimer-cafe-de-laeken-ligue-alzheimer": ("Laeken", "Bruxelles", "1020"),
        "emotifs-anonymes-groupe-de-stockel": ("Stockel", "Woluwe-Saint-Pierre", ""),
        "luss-antenne-de-liege": ("Chênée", "Liège", ""),
        "vivre-son-deuil-belgique": ("Mousty", "Ottignies-Louvain-la-Neuve", ""),
        "sleevez-moi-groupe-de-parole-chirurgie-de-l-obesite-epicura-hornu":
            ("Hornu", "Boussu", ""),
        "alzheimer-cafe-de-mons-chu-ambroise-pare": ("", "Mons", ""),
    }
    for group_id, (locality, commune, postcode) in expected.items():
        (r,) = by_id(rows, group_id)
        assert (r["locality"], r["commune"], r["postcode"]) == (locality, commune, postcode)


def test_cost_and_schedule_are_quoted_from_the_description(rows):
    for r in rows:
        for field in ("cost", "schedule"):
            for part in filter(None, r[field].split("; ")):
                assert part.casefold() in r["description"].casefold(), (r["group_id"], part)
    (parenthese,) = by_id(rows, "cercle-parenthese-groupe-de-parole-deuil-perinatal")
    assert parenthese["cost"] == "groupe de parole quasi gratuit"  # not "gratuit"
    assert parenthese["schedule"] == "toutes les six à huit semaines"


def test_service_derivation_is_literal():
    assert build_demo.find_services("Bénévoles formés à l'écoute.") == ""
    assert build_demo.find_services("Ligne d'écoute et groupes de parole.") == \
        "ecoute;groupe-de-parole"
    assert build_demo.find_services("Un lieu convivial pour se retrouver.") == ""
    assert build_demo.find_cost("Rencontre conviviale.") == ""


# --- against the compiled sources ---------------------------------------------------

@needs_sources
def test_committed_file_is_what_the_script_builds(tmp_path):
    out = tmp_path / "demo-inventory.csv"
    build_demo.main([str(SOURCE_DIR), "--geo", str(GEO_DIR), "--output", str(out)])
    assert out.read_bytes() == DEMO.read_bytes(), (
        "data/demo-inventory.csv is stale: run `python data/build_demo.py` and commit it")


@needs_sources
def test_nothing_is_invented(rows, sources):
    assert {r["name"] for r in rows} == set(sources)
    for r in rows:
        src = sources[r["name"]]
        assert r["description"] == src["description_fr"]
        for field in ("phone", "email", "website", "source_url", "source_date", "postcode"):
            assert r[field] == src[field], (r["group_id"], field)
        assert r["street"] in src["street"], r["group_id"]
        assert (r["place_label"].casefold() in src["street"].casefold()
                or r["place_label"] in build_demo.ADDRESS_NOTES.values()), r["group_id"]


@needs_sources
def test_every_venue_in_the_sources_is_kept(rows, sources):
    labels = {r["name"]: r["place_label"] for r in rows}
    for name, src in sources.items():
        m = re.search(r"\((.+)\)", src["street"])
        if m and m.group(1).lower() not in build_demo.ADDRESS_NOTES:
            assert labels[name].casefold() == m.group(1).casefold(), name


@needs_sources
def test_places_exist_in_the_reference_geography(rows):
    with open(GEO_DIR / "communes.geojson", encoding="utf-8") as f:
        communes = {ft["properties"]["name_fr"] for ft in json.load(f)["features"]}
    postcodes = {r["postcode"] for r in read_csv(GEO_DIR / "postcodes.csv")}
    for r in rows:
        if r["commune"]:
            assert r["commune"] in communes, r["group_id"]
        if r["postcode"]:
            assert r["postcode"] in postcodes, r["group_id"]


@needs_sources
def test_script_refuses_a_commune_outside_the_reference(tmp_path):
    header = "name,chapter,theme,kind,street,postcode,commune,phone,email,website," \
             "audience,description_fr,source_url,source_date\n"
    row = "Groupe test,maladie,test,entraide,,,Atlantis,,,,proches,Un groupe.,https://x.be,\n"
    (tmp_path / "organisations.csv").write_text(header + row, encoding="utf-8")
    with pytest.raises(SystemExit, match="Atlantis"):
        build_demo.build_rows(tmp_path, GEO_DIR)
