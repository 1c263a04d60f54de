"""Synthetic inventories for benchmarks and scale tests. Never loaded by default.

Names are obviously fake ("Groupe fictif n° 42"); places are spread over the 281
communes in proportion to their population, at random points inside each polygon,
so density looks like the real thing (Brussels dense, Ardennes sparse).
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

from shapely.geometry import Point, shape

from .inventory_file import COLUMNS
from .models import CHAPTER_SLUGS

_KINDS = ("entraide", "soutien", "self-help")
_SCHEDULES = ("1er lundi du mois, 19 h", "chaque mardi, 14 h", "2e jeudi du mois, 18 h 30",
              "un samedi sur deux, 10 h")


def synthetic_rows(geography, places: int, *, seed: int = 1, places_per_group: int = 3):
    rng = random.Random(seed)
    communes = sorted(geography.communes.values(), key=lambda c: c.nis)
    weights = [max(c.population, 1) for c in communes]
    shapes = {}
    groups = max(1, places // places_per_group)
    for i in range(places):
        g = i % groups
        commune = rng.choices(communes, weights)[0]
        if commune.nis not in shapes:
            shapes[commune.nis] = shape(geography.commune_geojson(commune.nis)["geometry"])
        poly = shapes[commune.nis]
        min_x, min_y, max_x, max_y = poly.bounds
        while True:
            # Rounded as written in the file, so the file's point is the one checked.
            p = Point(round(rng.uniform(min_x, max_x), 6), round(rng.uniform(min_y, max_y), 6))
            # Simplified outlines overlap a little: keep points the geography agrees on.
            if poly.contains(p) and (geography.commune_at(p.y, p.x) or commune).nis == commune.nis:
                break
        yield {
            "group_id": f"synthetique-{g:06d}", "name": f"Groupe fictif n° {g}",
            "chapter": CHAPTER_SLUGS[g % len(CHAPTER_SLUGS)], "kind": _KINDS[g % 3],
            "themes": f"thème fictif {g % 17}", "audience": "personnes concernées; proches",
            "services": "groupe-de-parole", "cost": "gratuit",
            "description": "Données synthétiques pour les tests de charge : ce groupe n'existe pas.",
            "phone": "", "email": "", "website": "",
            "source_url": "https://example.org/synthetique", "source_date": "",
            "checked_on": "2026-01-01", "demo": "oui",
            "place_label": f"Salle fictive {i}", "street": "", "postcode": "", "locality": "",
            "commune": commune.name_fr, "lat": f"{p.y:.6f}", "lon": f"{p.x:.6f}",
            "show_exact": "oui" if i % 10 else "non",
            "schedule": _SCHEDULES[i % len(_SCHEDULES)],
        }


def write_synthetic_inventory(geography, places: int, path: str | Path, *, seed: int = 1) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(synthetic_rows(geography, places, seed=seed))
