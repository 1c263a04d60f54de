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

# The date this inventory was written from the compiled sources (see data/README.md).
CHECKED_ON = "2026-11-24"

GROUP_COLUMNS = [
    "group_id", "name", "chapter", "kind", "themes", "audience", "services", "cost",
    "description", "phone", "email", "website", "source_url", "source_date",
    "checked_on", "demo",
]
PLACE_COLUMNS = [
    "place_label", "street", "postcode", "locality", "commune", "lat", "lon",
    "show_exact", "schedule",
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


def build_rows(source_dir: Path, geo_dir: Path) -> list[dict[str, str]]:
    ref = Reference(geo_dir)
    with open(source_dir / "organisations.csv", encoding="utf-8", newline="") as f:
        sources = list(csv.DictReader(f))

    rows, problems, seen_ids = [], [], set()
    for line, src in enumerate(sources, start=2):
        src = {k: (v or "").strip() for k, v in src.items()}
        where = f"organisations.csv line {line} ({src['name']})"

        group_id = base = slugify(src["name"])
        n = 2
        while group_id in seen_ids:
            group_id, n = f"{base}-{n}", n + 1
        seen_ids.add(group_id)

        chapter = CHAPTERS.get(src["chapter"], "")
        if chapter not in CHAPTER_SLUGS:
            problems.append(f"{where}: unknown chapter {src['chapter']!r}")
        if src["kind"] not in KINDS:
            problems.append(f"{where}: unknown kind {src['kind']!r}")

        description = src["description_fr"]
        row = {
            "group_id": group_id,
            "name": src["name"],
            "chapter": chapter,
            "kind": src["kind"],
            "themes": split_list(src["theme"]),
            "audience": split_list(src["audience"]),
            "services": find_services(description),
            "cost": find_cost(description),
            "description": description,
            "phone": src["phone"],
            "email": src["email"],
            "website": src["website"],
            "source_url": src["source_url"],
            "source_date": src["source_date"],
            "checked_on": CHECKED_ON,
            "demo": "oui",
        }
        row.update({col: "" for col in PLACE_COLUMNS})

        if src["street"] or src["postcode"] or src["commune"]:
            if not src["commune"]:
                problems.append(f"{where}: a street or postcode without a commune")
                continue
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
            })
        elif find_schedule(description):
            problems.append(f"{where}: a schedule but no place to attach it to")
        rows.append(row)

    if not sources:
        problems.append("organisations.csv has no rows")
    if problems:
        raise SystemExit("build_demo.py: the sources do not fit our format:\n  "
                         + "\n  ".join(problems))
    return rows


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
    places = [r for r in rows if r["commune"]]
    print(f"{args.output}: {len(rows)} groups, {len(places)} with a place, "
          f"{len(rows) - len(places)} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
