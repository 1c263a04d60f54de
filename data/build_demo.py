#!/usr/bin/env python3
"""Build data/demo-inventory.csv from the compiled sources in ../shared/data.

    python data/build_demo.py [SHARED_DATA_DIR] [--geo GEO_DIR] [--output FILE]

SHARED_DATA_DIR holds organisations.csv (default: ../shared/data beside the project);
GEO_DIR holds communes.geojson and postcodes.csv (default: the "geo" folder beside
SHARED_DATA_DIR). The output is deterministic: same sources, same bytes.

The rules are documented in data/README.md. In short: copy what the sources state,
split "street (venue)" and "locality (commune)", derive services, cost and schedule only
from literal phrases of the description, never invent anything, and stop with a list of
problems if a commune or postcode is not in the reference geography.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:  # so that `python data/build_demo.py` finds the package
    sys.path.insert(0, str(PROJECT))

from finder.models import CHAPTER_SLUGS, KINDS  # noqa: E402
from finder.text import fold, slugify  # noqa: E402

DEFAULT_SOURCE = PROJECT.parent / "shared" / "data"
DEFAULT_OUTPUT = PROJECT / "data" / "demo-inventory.csv"

# The dates the rows were written from the compiled sources (see data/README.md):
# organisations.csv, then meetings.csv.
CHECKED_ON = "2026-11-24"
MEETINGS_CHECKED_ON = "2026-12-01"

GROUP_COLUMNS = [
    "group_id", "name", "chapter", "kind", "themes", "audience", "services", "cost",
    "description", "phone", "email", "website", "source_url", "source_date",
    "checked_on", "demo", "notes",
]
PLACE_COLUMNS = [
    "place_label", "street", "postcode", "locality", "commune", "lat", "lon",
    "show_exact", "schedule", "schedule_rule", "schedule_except", "address_kind",
]
COLUMNS = GROUP_COLUMNS + PLACE_COLUMNS

CHAPTERS = {
    "maladie": "maladie",
    "suites_operations_traitements": "suites-de-traitements",
    "handicap": "handicap",
    "dependance": "dependance",
    "troubles_comportement": "troubles-du-comportement",
    "situation_sociale_evenements_vie": "situation-sociale",
}

# Place names in the sources that are not communes: the commune they belong to.
SECTIONS = {
    "Hornu": "Boussu",
    "Laeken": "Bruxelles",
    "Stockel": "Woluwe-Saint-Pierre",  # a district, not a bpost locality
}

# Brackets in `street` that are notes about the address, not venue names.
ADDRESS_NOTES = {
    "adresse courrier": "Adresse courrier (pas un lieu de réunion)",
}

STREET_WORDS = r"(?:Rue|Avenue|Chaussée|Place|Boulevard|Chemin|Quai|Route|Square|Drève|Allée)"

# What an address is, when the sources say it is not where the group meets (phrases
# of the street bracket, the description or notes_fr; accents and case ignored).
ADDRESS_KINDS = (
    ("courrier", ("adresse courrier", "adresse de courrier", "indiqué pour le courrier")),
    ("siege", ("adresse du siège", "siège social", "(siège à")),
    ("contact", ("celle de la personne de contact",)),
)

# The first phone number of a published text ("0496/999 886 (Myriam Loridon) ; …").
PHONE_NUMBER = re.compile(r"\+?\d[\d ./()\-]*\d")

# venue_coordinates.csv: "hospital campus point of NAME, STREET, POSTCODE TOWN (dataset…"
HOSPITAL = re.compile(r"hospital campus point of (.+?), ([^,]+), (\d{4}) ([^(]+?) \(dataset")

# Rows of meetings.csv that are a group of organisations.csv under another name (same
# group, same town: read on both rows). They become one group, named as in
# organisations.csv so that its group_id stays what it was.
SAME_GROUP = {
    "Alzheimer Café de Neupré": "Alzheimer Café de Neupré (Ligue Alzheimer)",
    "Alzheimer Café de Pepinster": "Alzheimer Café de Pepinster (Ligue Alzheimer)",
    "Alzheimer Café de Laeken": "Alzheimer Café de Laeken (Ligue Alzheimer)",
    "Alzheimer Café d'Ans": "Alzheimer Café d'Ans (Ligue Alzheimer)",
    "Alzheimer Café de Bassenge": "Alzheimer Café de Bassenge (Ligue Alzheimer)",
    "Alzheimer Café de Leuze": "Alzheimer Café de Leuze-en-Hainaut (Ligue Alzheimer)",
    "Alzheimer Café de Waterloo": "Alzheimer Café de Waterloo (Ligue Alzheimer & CPAS)",
    "Café cancer de Mons": "Cancer7000 – café cancer de Mons",
    "Similes Wallonie – soutien et information aux familles": "Similes Wallonie",
    "« Un espace pour leur vie » – groupe de parole pour proches de victimes de la route":
        "« Un espace pour leur vie » – proches de victimes de la route",
    "Groupe de parole pour parents en deuil de bébé – Cercle Parenthèse":
        "Cercle Parenthèse – groupe de parole deuil périnatal",
    "Maison des parents solos – permanences": "Maison des parents solos (Ligue des familles)",
    "Alcooliques Anonymes – réunion de Saint-Josse (Maison de la Famille)":
        "Alcooliques Anonymes – réunion à la Maison de la Famille (Saint-Josse)",
    "ApSoDe – antenne de Jodoigne (groupes de parole)":
        "ApSoDe (Apprivoiser son deuil) – antenne de Jodoigne",
    "Vivre son deuil Belgique – groupes d'entraide et groupes Tournesol":
        "Vivre son Deuil Belgique",
    "Club 55 – lieu de liens": "Club 55 (L'Équipe) – lieu de liens",
    "Ligue belge de la sclérose en plaques – antenne de Bertrix":
        "Ligue belge de la sclérose en plaques – antenne de Bertrix (province de Luxembourg)",
}

# Services: literal phrases of the description (folded: no accents, no apostrophes).
SERVICES = [
    ("ecoute", r"(?<!\ba l )\becoute\b"),  # "formés à l'écoute" is not a service
    ("groupe-de-parole", r"\bgroupes? de parole\b"),
    ("aide-sociale", r"\baide sociale\b|\bsocial et juridique\b|\bpermanences? sociales?\b"
                     r"|\bassistant(?:e)?s? soci(?:ales?|aux)\b"),
    ("aide-administrative", r"\baide administrative\b|\bdemarches administratives\b"),
    ("aide-juridique", r"\bjuridiques?\b"),
    ("information", r"\binform(?:e|ent|er|ation|ations)\b"),
    ("activites", r"\bactivites?\b|\bateliers?\b|\bloisirs\b"),
]

# Cost: the noun phrase a price word qualifies, copied from the description.
COST_MARKERS = r"(?:quasi[ -])?gratuit(?:e|es|s)?\b|à coût réduit\b"
PHRASE_STOPS = {"un", "une", "des", "le", "la", "les", "et", "qui"}

# Schedule: a day of the month ("3e jeudi du mois, 14h-16h") or a stated interval.
_HOUR = r"\d{1,2}\s?h(?:\s?\d{2})?"
SCHEDULE = re.compile(
    r"(?:1er|1re|[2-5]e|premier|première|deuxième|troisième|quatrième|dernier|dernière)\s+"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+du\s+mois"
    rf"(?:,?\s*{_HOUR}\s*-\s*{_HOUR}|\s+de\s+{_HOUR}\s+à\s+{_HOUR})?"
    r"(?:,\s*hors\s+congés\s+scolaires)?"
    r"|toutes\s+les\s+[\w\s]+?\s+semaines",
    re.IGNORECASE,
)

# A place is never published at exact precision if its description says so.
SENSITIVE = ("adresse confidentielle", "adresse non communiquee", "lieu confidentiel")


class Reference:
    """Commune names and postcodes of the reference geography, for validation only."""

    def __init__(self, geo_dir: Path):
        with open(geo_dir / "communes.geojson", encoding="utf-8") as f:
            features = json.load(f)["features"]
        self.communes = {ft["properties"]["name_fr"]: ft["properties"]["nis"] for ft in features}
        self.postcodes: dict[str, list[tuple[str, str]]] = {}
        with open(geo_dir / "postcodes.csv", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                self.postcodes.setdefault(row["postcode"], []).append(
                    (fold(row["locality"]), row["nis_point_in_polygon"]))

    def check(self, postcode: str, locality: str, commune: str) -> list[str]:
        """Problems with this place, as sentences; empty when it is consistent."""
        if commune not in self.communes:
            return [f"commune {commune!r} is not a name_fr of communes.geojson"]
        nis = self.communes[commune]
        problems = []
        if postcode:
            localities = self.postcodes.get(postcode)
            if localities is None:
                problems.append(f"postcode {postcode} is not in postcodes.csv")
            elif not any(n in (nis, "") for _, n in localities):
                problems.append(f"postcode {postcode} does not belong to {commune}")
        if locality and locality != commune:
            found = [n for loc_list in self.postcodes.values()
                     for loc, n in loc_list if loc == fold(locality)]
            if found and not any(n in (nis, "") for n in found):
                problems.append(f"locality {locality!r} is not in {commune}")
        return problems


def split_list(text: str) -> str:
    """'a; b ;c' -> 'a;b;c' (our lists are ';'-separated)."""
    return ";".join(part.strip() for part in text.split(";") if part.strip())


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse_commune(text: str, ref: Reference) -> tuple[str, str]:
    """'Alleur (Ans)' -> ('Alleur', 'Ans'); 'Bruxelles (Schaerbeek)' -> ('Schaerbeek',
    'Schaerbeek'); 'Mons' -> ('', 'Mons'); 'Hornu' -> ('Hornu', 'Boussu')."""
    text = text.strip()
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
    if m:
        outer, inner = m.group(1).strip(), m.group(2).strip()
        if outer == "Bruxelles":  # the region/city, with a commune or district in brackets
            return inner, SECTIONS.get(inner, inner)
        return outer, inner  # "section (commune)"
    if text in SECTIONS:
        return text, SECTIONS[text]
    return "", text  # the source names only the commune


def parse_street(text: str) -> tuple[str, str]:
    """'Rue Neuve 35D (Résidence Au fil de Hoëgne)' -> ('Rue Neuve 35D', 'Résidence Au fil
    de Hoëgne'); 'Parc industriel Sud, Rue des Linottes 6' -> ('Rue des Linottes 6',
    'Parc industriel Sud')."""
    street, label = text.strip(), ""
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", street)
    if m:
        street, bracket = m.group(1).strip(), m.group(2).strip()
        label = ADDRESS_NOTES.get(bracket.lower(), capitalise(bracket))
    m = re.fullmatch(rf"([^,\d]+),\s*({STREET_WORDS}\b.*)", street)
    if m and not label:
        label, street = m.group(1).strip(), m.group(2).strip()
    return street, label


def street_number_last(street: str) -> str:
    """'189 rue Belvaux' / 'rue Lairesse, 15' -> 'Rue Belvaux 189' / 'Rue Lairesse 15': the
    order of the rest of the file (and of the geocoder's queries); the words are kept."""
    m = re.fullmatch(r"(\d+\w*),?\s+(\D.*)", street) or None
    if m:
        street = f"{m.group(2)} {m.group(1)}"
    else:
        m = re.fullmatch(r"(\D+?),\s*(\d+\w*)", street)
        if m:
            street = f"{m.group(1)} {m.group(2)}"
    return capitalise(street)


def find_services(description: str) -> str:
    text = fold(description)
    return ";".join(slug for slug, pattern in SERVICES if re.search(pattern, text))


def find_cost(description: str) -> str:
    phrases = []
    for m in re.finditer(COST_MARKERS, description, re.IGNORECASE):
        before = re.split(r"[,;:.()]", description[:m.start()])[-1].split()
        words = []
        while before and before[-1].lower() not in PHRASE_STOPS:
            words.insert(0, before.pop())
        phrase = " ".join(words + [m.group(0)])
        phrases.append(phrase[:1].lower() + phrase[1:])
    return "; ".join(phrases)


def find_schedule(description: str) -> str:
    return "; ".join(m.group(0) for m in SCHEDULE.finditer(description))


def _clean(src: dict) -> dict[str, str]:
    return {k: (v or "").strip() for k, v in src.items()}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [_clean(r) for r in csv.DictReader(f)]


def find_address_kind(*texts: str) -> str:
    """What the sources call the address: a meeting place unless they say otherwise."""
    folded = " ".join(fold(t) for t in texts)
    for kind, phrases in ADDRESS_KINDS:
        if any(fold(p) in folded for p in phrases):
            return kind
    return "reunion"


def split_phone(text: str) -> tuple[str, str]:
    """('0496/999 886', 'Téléphone tel que publié : …') from a published phone text: the
    first number goes to `phone`, the whole text stays in the notes when it says more."""
    m = PHONE_NUMBER.search(text)
    if not m:
        return "", (f"Téléphone tel que publié : {text}." if text else "")
    number = m.group(0).strip()
    return number, ("" if number == text else f"Téléphone tel que publié : {text}.")


def hospital_point(row: dict[str, str]) -> tuple[str, str, str, str]:
    """(hospital, street, postcode, note) from a venue_coordinates.csv row."""
    m = HOSPITAL.match(row["what_the_coordinate_is"])
    if not m:
        raise SystemExit(f"build_demo.py: venue_coordinates.csv: cannot read "
                         f"{row['what_the_coordinate_is']!r}")
    hospital, street, postcode, town = (g.strip() for g in m.groups())
    note = (f"Point sur la carte : le campus de l'hôpital {hospital} ({street}, {postcode} "
            f"{town}), pas la salle de réunion elle-même ; coordonnées publiées par "
            f"Eurostat (GISCO, services de santé, {row['source_date'].split(';')[0]}).")
    return hospital, street, postcode, note


def web_address(text: str) -> str:
    """'www.al-anon.be' -> 'http://www.al-anon.be': a link needs its scheme (http, which
    sites redirect to https when they have it)."""
    return f"http://{text}" if text.startswith("www.") else text


def join_notes(*notes: str) -> str:
    out = []
    for note in notes:
        note = note.strip()
        if note and note not in out:
            out.append(note if note[-1] in ".!?)»" else note + ".")
    return " ".join(out)


def _group_columns(src: dict[str, str], *, name: str, description: str, checked_on: str,
                   notes: str, phone: str, source_url: str) -> dict[str, str]:
    return {
        "group_id": "",
        "name": name,
        "chapter": CHAPTERS.get(src["chapter"], ""),
        "kind": src["kind"],
        "themes": split_list(src["theme"]),
        "audience": split_list(src["audience"]),
        "services": find_services(description),
        "cost": find_cost(description),
        "description": description,
        "phone": phone,
        "email": src["email"],
        "website": web_address(src["website"]),
        "source_url": source_url,
        "source_date": src["source_date"],
        "checked_on": checked_on,
        "demo": "oui",
        "notes": notes,
    }


def _organisation_row(src, where, ref, problems) -> dict[str, str]:
    description = src["description_fr"]
    row = _group_columns(src, name=src["name"], description=description,
                         checked_on=CHECKED_ON, notes="", phone=src["phone"],
                         source_url=src["source_url"])
    row.update({col: "" for col in PLACE_COLUMNS})
    if src["street"] or src["postcode"] or src["commune"]:
        if not src["commune"]:
            problems.append(f"{where}: a street or postcode without a commune")
            return row
        street, label = parse_street(src["street"])
        locality, commune = parse_commune(src["commune"], ref)
        problems += [f"{where}: {p}" for p in ref.check(src["postcode"], locality, commune)]
        row.update({
            "place_label": label,
            "street": street,
            "postcode": src["postcode"],
            "locality": locality,
            "commune": commune,
            "show_exact": "non" if any(s in fold(description) for s in SENSITIVE) else "oui",
            "schedule": find_schedule(description),
            "address_kind": find_address_kind(src["street"], description),
        })
    elif find_schedule(description):
        problems.append(f"{where}: a schedule but no place to attach it to")
    return row


def _meeting_place(src, where, ref, problems) -> tuple[dict[str, str], str]:
    """The place columns of a meetings.csv row, and a note when it has no usable place."""
    place = {col: "" for col in PLACE_COLUMNS}
    locality, commune = src["locality"], src["commune"]
    street, note = src["street"], ""
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", street)
    if m:  # "Chaussée de Wavre 1085 (puis … 1688 à partir de février 2022)": a note
        street, note = m.group(1).strip(), f"Adresse telle que publiée : {src['street']}."
    if not commune and not src["postcode"]:
        where_text = ", ".join(p for p in (src["venue"], street, locality) if p)
        if where_text:
            note = join_notes(note, f"Lieu selon la source : {where_text} (commune non "
                                    "précisée : pas de place sur la carte)")
        return place, note
    if commune:
        problems += [f"{where}: {p}" for p in ref.check(src["postcode"], locality, commune)]
    elif fold(locality) == "bruxelles":  # "1030 Bruxelles": the postcode says which commune
        locality = ""
    place.update({
        "place_label": capitalise(src["venue"]),
        "street": street_number_last(street),
        "postcode": src["postcode"],
        "locality": "" if locality == commune else locality,
        "commune": commune,
        "show_exact": "oui",
        "schedule": src["schedule_fr"],
        "address_kind": find_address_kind(src["notes_fr"]),
    })
    return place, note


def _meeting_row(src, where, ref, problems, organisation=None) -> dict[str, str]:
    urls = [u.strip() for u in src["source_url"].split(" | ") if u.strip()]
    phone, phone_note = split_phone(src["phone"])
    place, place_note = _meeting_place(src, where, ref, problems)
    if organisation is None:
        description = f"Organisé par {src['organisation']}." if src["organisation"] else ""
        row = _group_columns(src, name=src["group_name"], description=description,
                             checked_on=MEETINGS_CHECKED_ON, notes="", phone=phone,
                             source_url=urls[0] if urls else "")
        others = urls[1:]
    else:  # the same group in both files: organisations.csv for the group, meetings for the rest
        row = dict(organisation, checked_on=MEETINGS_CHECKED_ON)
        row["phone"] = row["phone"] or phone
        row["email"] = row["email"] or src["email"]
        row["website"] = row["website"] or web_address(src["website"])
        others = [u for u in urls if u != row["source_url"]]
        if others and src["source_date"]:
            others[0] += f" ({src['source_date']})"
        place = {c: place[c] or organisation[c] for c in PLACE_COLUMNS}
        if organisation["street"]:  # already "Street number"; meetings.csv may quote a typo
            place["street"] = organisation["street"]
        if not src["venue"] and organisation["place_label"]:
            place["place_label"] = organisation["place_label"]
    row["notes"] = join_notes(
        row["notes"], src["notes_fr"], place_note, phone_note if phone == row["phone"] else "",
        ("Autres sources : " + " ; ".join(others)) if others else "")
    row.update(place)
    return row


def _place_hospitals(rows: dict[tuple[str, str], dict[str, str]], points, problems) -> None:
    for point in points:
        key = (point["file"], point["row_name"])
        row = rows.get(key)
        if row is None or not row["commune"]:
            problems.append(f"venue_coordinates.csv: no place for {key}")
            continue
        hospital, street, postcode, note = hospital_point(point)
        row["lat"], row["lon"] = point["lat"], point["lon"]
        if not row["street"]:
            row["street"], row["postcode"] = street, row["postcode"] or postcode
        row["place_label"] = row["place_label"] or hospital
        row["notes"] = join_notes(row["notes"], note)


def build_rows(source_dir: Path, geo_dir: Path) -> list[dict[str, str]]:
    ref = Reference(geo_dir)
    organisations = _read(source_dir / "organisations.csv")
    meetings = _read(source_dir / "meetings.csv")
    points = _read(source_dir / "venue_coordinates.csv")

    problems: list[str] = []
    by_source: dict[tuple[str, str], dict[str, str]] = {}
    rows: list[dict[str, str]] = []
    for line, src in enumerate(organisations, start=2):
        where = f"organisations.csv line {line} ({src['name']})"
        row = _organisation_row(src, where, ref, problems)
        by_source[("organisations", src["name"])] = row
        rows.append(row)
    names = {r["name"]: r for r in rows}
    for line, src in enumerate(meetings, start=2):
        where = f"meetings.csv line {line} ({src['group_name']})"
        same = names.get(SAME_GROUP.get(src["group_name"], src["group_name"]))
        row = _meeting_row(src, where, ref, problems, same)
        if same is not None:
            same.clear()
            same.update(row)
            row = same
        else:
            rows.append(row)
        by_source[("meetings", src["group_name"])] = row
    _place_hospitals(by_source, points, problems)

    seen_ids: set[str] = set()
    for row in rows:
        group_id = base = slugify(row["name"])
        n = 2
        while group_id in seen_ids:
            group_id, n = f"{base}-{n}", n + 1
        seen_ids.add(group_id)
        row["group_id"] = group_id
        if row["chapter"] not in CHAPTER_SLUGS:
            problems.append(f"{row['name']}: unknown chapter")
        if row["kind"] not in KINDS:
            problems.append(f"{row['name']}: unknown kind {row['kind']!r}")
        if row["phone"] and not 3 <= sum(c.isdigit() for c in row["phone"]) <= 15:
            problems.append(f"{row['name']}: phone {row['phone']!r} is not one number")

    if not organisations:
        problems.append("organisations.csv has no rows")
    if problems:
        raise SystemExit("build_demo.py: the sources do not fit our format:\n  "
                         + "\n  ".join(problems))
    return [{c: row[c] for c in COLUMNS} for row in rows]


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="folder with organisations.csv (default: ../shared/data)")
    parser.add_argument("--geo", type=Path, default=None,
                        help="folder with communes.geojson and postcodes.csv "
                             "(default: the 'geo' folder beside SOURCE)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="CSV to write (default: data/demo-inventory.csv)")
    args = parser.parse_args(argv)
    geo = args.geo or args.source.resolve().parent / "geo"

    rows = build_rows(args.source, geo)
    write_csv(rows, args.output)
    places = [r for r in rows if r["commune"] or r["postcode"]]
    print(f"{args.output}: {len(rows)} groups, {len(places)} with a place, "
          f"{len(rows) - len(places)} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
