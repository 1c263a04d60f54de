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

from finder.inventory_file import COLUMNS as FORMAT_COLUMNS
from finder.models import ADDRESS_KINDS, CHAPTER_SLUGS, KINDS

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo-inventory.csv"
SHARED = Path(os.environ.get("FINDER_SHARED_DIR") or ROOT.parent / "shared")
SOURCE_DIR = SHARED / "data"
GEO_DIR = SHARED / "geo"

COLUMNS = [
    "group_id", "name", "chapter", "kind", "themes", "audience", "services", "cost",
    "description", "phone", "email", "website", "source_url", "source_date",
    "checked_on", "demo", "notes",
    "place_label", "street", "postcode", "locality", "commune", "lat", "lon",
    "show_exact", "schedule", "schedule_rule", "schedule_except", "address_kind",
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


@pytest.fixture(scope="module")
def meetings() -> dict[str, dict[str, str]]:
    return {r["group_name"]: r for r in read_csv(SOURCE_DIR / "meetings.csv")}


@pytest.fixture(scope="module")
def points() -> list[dict[str, str]]:
    return read_csv(SOURCE_DIR / "venue_coordinates.csv")


def by_name(rows, name):
    (row,) = [r for r in rows if r["name"] == name]
    return row


def by_id(rows, group_id):
    found = [r for r in rows if r["group_id"] == group_id]
    assert found, f"{group_id} missing from the demo inventory"
    return found


# --- the committed file -------------------------------------------------------------

def test_header_is_the_documented_format():
    with open(DEMO, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == COLUMNS
    assert build_demo.COLUMNS == COLUMNS == list(FORMAT_COLUMNS)


def test_133_groups_one_row_per_place(rows):
    ids = {r["group_id"] for r in rows}
    assert len(ids) == 133     # 63 organisations + 91 meetings, 21 of them the same group
    for group_id in ids:
        group_rows = by_id(rows, group_id)
        first = {c: group_rows[0][c] for c in GROUP_COLUMNS}
        assert all({c: r[c] for c in GROUP_COLUMNS} == first for r in group_rows), group_id
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_row_is_demo_sourced_and_dated(rows):
    for r in rows:
        assert r["demo"] == "oui", r["group_id"]
        assert r["source_url"].startswith(("http://", "https://")), r["group_id"]
        assert " | " not in r["source_url"], r["group_id"]
        assert dt.date.fromisoformat(r["checked_on"]) in (dt.date(2026, 11, 24),
                                                          dt.date(2026, 12, 1))


def test_values_come_from_the_allowed_lists(rows):
    for r in rows:
        assert r["chapter"] in CHAPTER_SLUGS, r["group_id"]
        assert r["kind"] in KINDS, r["group_id"]
        assert set(filter(None, r["services"].split(";"))) <= SERVICES, r["group_id"]
        assert r["name"] and r["themes"] and r["audience"]
        if r["commune"] or r["postcode"]:
            assert r["address_kind"] in ADDRESS_KINDS, r["group_id"]


def test_only_the_published_hospital_points_have_coordinates(rows):
    located = [r for r in rows if r["lat"] or r["lon"]]
    assert len(located) == 7
    for r in located:
        assert r["lat"] and r["lon"] and r["street"] and r["place_label"], r["group_id"]
        # Labelled as the hospital campus, with the source of the point.
        assert "campus de l'hôpital" in r["notes"] and "Eurostat" in r["notes"], r["group_id"]
    (mons,) = by_id(rows, "alzheimer-cafe-de-mons-chu-ambroise-pare")
    assert (mons["lat"], mons["lon"]) == ("50.460203", "3.956782")
    assert (mons["place_label"], mons["street"], mons["postcode"]) == \
        ("C.H.U. Ambroise Paré", "Boulevard Kennedy 2", "7000")


def test_groups_without_place_have_all_place_columns_empty(rows):
    placeless = [r for r in rows if not r["commune"] and not r["postcode"]]
    assert len(placeless) == 15
    for r in placeless:
        assert all(r[c] == "" for c in PLACE_COLUMNS), r["group_id"]
    for r in rows:
        if r["commune"]:
            assert r["show_exact"] in ("oui", "non"), r["group_id"]


def test_a_place_the_source_names_without_a_commune_is_said_in_the_notes(rows):
    r = by_name(rows, "Mizuko – groupes de parole deuil périnatal")
    assert r["commune"] == "" and "Lieu selon la source : Service de santé mentale " \
        "Le Chien Vert, Bruxelles (commune non précisée" in r["notes"]
    braille = by_name(rows, "Clubs Braille (loisirs et rencontre de personnes aveugles et "
                            "malvoyantes)")
    assert "Wallonie et Bruxelles (antenne régionale la plus proche)" in braille["notes"]


def test_offices_are_marked_as_such(rows):
    kinds = {r["name"]: r["address_kind"] for r in rows if r["address_kind"] != "reunion"}
    assert kinds["Al-Anon / Alateen – groupes familiaux"] == "courrier"
    assert kinds["Al-Anon / Alateen – permanence téléphonique du secrétariat"] == "courrier"
    assert kinds["Focus Fibromyalgie Belgique"] == "courrier"
    assert kinds["Similes Wallonie"] == "siege"
    assert kinds["Apha-force (groupe de personnes aphasiques de Tournai)"] == "contact"
    # "Siège des activités" is where Genres Pluriels' activities take place.
    genres = by_name(rows, "Genres Pluriels – permanences et groupes de parole")
    assert genres["address_kind"] == "reunion"
    assert build_demo.find_address_kind("Siège social indiqué pour le courrier.") == "courrier"
    assert build_demo.find_address_kind("Un lieu de rencontre.") == "reunion"


def test_venue_names_are_kept_apart_from_the_street(rows):
    (pepinster,) = by_id(rows, "alzheimer-cafe-de-pepinster-ligue-alzheimer")
    assert pepinster["place_label"] == "Résidence « Au fil de Hoëgne »"
    assert pepinster["street"] == "Rue Neuve 35D"
    assert pepinster["schedule"] == \
        "une par mois, chaque 2e lundi du mois (hors congés scolaires), de 14h à 16h"
    babel = by_name(rows, "Babel'zin – lieu de liens à bas seuil")
    assert babel["street"] == "Chaussée de Wavre 1085"
    assert "puis chaussée de Wavre 1688 à partir de février 2022" in babel["notes"]
    (sep,) = by_id(rows, "ligue-belge-de-la-sclerose-en-plaques-communaute-francaise")
    assert (sep["place_label"], sep["street"]) == ("Parc industriel Sud", "Rue des Linottes 6")
    assert not any("(" in r["street"] for r in rows)


def test_a_postal_address_is_not_shown_as_a_meeting_place(rows):
    (al_anon,) = by_id(rows, "al-anon-alateen-groupes-familiaux")
    assert al_anon["street"] == "Rue de la Poste 111"
    assert al_anon["place_label"] == "Adresse courrier (pas un lieu de réunion)"
    assert al_anon["address_kind"] == "courrier"


def test_brussels_sections_and_sections_of_communes(rows):
    expected = {
        "fondation-contre-le-cancer": ("Schaerbeek", "Schaerbeek", "1030"),
        "alzheimer-cafe-d-ans-ligue-alzheimer": ("Alleur", "Ans", "4432"),
        "alzheimer-cafe-de-laeken-ligue-alzheimer": ("Laeken", "Bruxelles", "1020"),
        "emotifs-anonymes-groupe-de-stockel": ("Stockel", "Woluwe-Saint-Pierre", ""),
        "luss-antenne-de-liege": ("Chênée", "Liège", ""),
        "vivre-son-deuil-belgique": ("Céroux-Mousty", "Ottignies-Louvain-la-Neuve", ""),
        "sleevez-moi-groupe-de-parole-chirurgie-de-l-obesite-epicura-hornu":
            ("Hornu", "Boussu", "7301"),    # the postcode of the hospital's published point
        "alzheimer-cafe-de-mons-chu-ambroise-pare": ("", "Mons", "7000"),  # the hospital's point
    }
    for group_id, (locality, commune, postcode) in expected.items():
        (r,) = by_id(rows, group_id)
        assert (r["locality"], r["commune"], r["postcode"]) == (locality, commune, postcode)


def test_cost_and_schedule_are_quoted_from_the_description(rows):
    for r in rows:
        if r["checked_on"] != build_demo.CHECKED_ON:
            continue    # rows of meetings.csv copy schedule_fr (test_meetings_…)
        for field in ("cost", "schedule"):
            for part in filter(None, r[field].split("; ")):
                assert part.casefold() in r["description"].casefold(), (r["group_id"], part)
    (parenthese,) = by_id(rows, "cercle-parenthese-groupe-de-parole-deuil-perinatal")
    assert parenthese["cost"] == "groupe de parole quasi gratuit"  # not "gratuit"
    assert parenthese["schedule"] == "toutes les six à huit semaines environ"   # meetings.csv


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


def test_a_published_phone_text_keeps_every_number():
    assert build_demo.split_phone("0496/999 886 (Myriam Loridon) ; 0473/381 740 (Aglaé)") == (
        "0496/999 886", "Téléphone tel que publié : 0496/999 886 (Myriam Loridon) ; "
                        "0473/381 740 (Aglaé).")
    assert build_demo.split_phone("02 736 99 99") == ("02 736 99 99", "")


@needs_sources
def test_meetings_keep_their_schedule_and_every_doubt(rows, meetings, sources):
    for name, src in meetings.items():
        r = by_name(rows, build_demo.SAME_GROUP.get(name, name))
        assert src["notes_fr"] in r["notes"], name
        for url in src["source_url"].split(" | "):
            assert url == r["source_url"] or url in r["notes"], (name, url)
        if r["commune"] or r["postcode"]:
            assert r["schedule"] == src["schedule_fr"], name
        elif src["schedule_fr"]:
            assert src["schedule_fr"] not in r["description"], name
        if r["name"] in sources:
            continue    # one group with a row of organisations.csv: test_a_group_in_both…
        if src["phone"]:
            assert r["phone"] in src["phone"], name
            assert r["phone"] == src["phone"] or src["phone"] in r["notes"], name
        assert r["email"] == src["email"], name
        for field in ("street", "postcode"):
            assert fold_words(r[field]) <= fold_words(src[field]) or r["lat"], (name, field)


def fold_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


@needs_sources
def test_a_group_in_both_files_is_one_group(rows, sources, meetings):
    namur = by_name(rows, "Le Funambule – groupe de parole de Namur")
    src, meet = sources[namur["name"]], meetings[namur["name"]]
    assert namur["description"] == src["description_fr"]
    assert namur["schedule"] == meet["schedule_fr"] == "tous les premiers lundis du mois, de 15h à 17h"
    assert namur["place_label"] == meet["venue"]
    assert namur["street"] == "Avenue Sergent Vrithoff 123"   # the page's typo is in notes
    assert "https://hainaut.sudradio.net/?p=24049" in namur["notes"]
    # Named differently in the two files, still one group, under its first group_id.
    (ans,) = by_id(rows, "alzheimer-cafe-d-ans-ligue-alzheimer")
    assert meetings["Alzheimer Café d'Ans"]["notes_fr"] in ans["notes"]
    assert ans["schedule"] == meetings["Alzheimer Café d'Ans"]["schedule_fr"]
    assert not [r for r in rows if r["name"] == "Alzheimer Café d'Ans"]


@needs_sources
def test_the_hospital_points_are_the_published_ones(rows, points):
    for point in points:
        r = by_name(rows, point["row_name"])
        assert (r["lat"], r["lon"]) == (point["lat"], point["lon"]), point["row_name"]


@needs_sources
def test_nothing_is_invented(rows, sources, meetings):
    assert {r["name"] for r in rows} == set(sources) | (set(meetings) - set(build_demo.SAME_GROUP))
    assert set(build_demo.SAME_GROUP.values()) <= set(sources)
    for r in rows:
        if r["name"] not in sources:
            continue
        src = sources[r["name"]]
        assert r["description"] == src["description_fr"]
        for field in ("email", "source_url", "source_date"):
            assert r[field] == src[field], (r["group_id"], field)
        assert r["website"] in (src["website"], "http://" + src["website"]), r["group_id"]
        assert r["phone"] == src["phone"] or not src["phone"], r["group_id"]
        if r["checked_on"] != build_demo.CHECKED_ON or r["lat"]:
            continue    # the place comes from meetings.csv or the hospital's published point
        assert r["postcode"] == src["postcode"], r["group_id"]
        assert r["street"] in src["street"], r["group_id"]
        assert (r["place_label"].casefold() in src["street"].casefold()
                or r["place_label"] in build_demo.ADDRESS_NOTES.values()), r["group_id"]


@needs_sources
def test_every_venue_in_the_sources_is_kept(rows, sources, meetings):
    labels = {r["name"]: r["place_label"] for r in rows}
    for name, src in meetings.items():
        if src["venue"] and (src["commune"] or src["postcode"]):
            label = labels[build_demo.SAME_GROUP.get(name, name)]
            assert label.casefold() == src["venue"].casefold(), name
    for name, src in sources.items():
        if name in meetings or name in build_demo.SAME_GROUP.values():
            continue
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
    for name in ("meetings.csv", "venue_coordinates.csv"):
        with open(SOURCE_DIR / name, encoding="utf-8") as f:
            (tmp_path / name).write_text(f.readline(), encoding="utf-8")
    with pytest.raises(SystemExit, match="Atlantis"):
        build_demo.build_rows(tmp_path, GEO_DIR)
