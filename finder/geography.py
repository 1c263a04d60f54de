"""Reference geography of Wallonia and Brussels: communes, postal localities, points.

Data are read from a directory (setting FINDER_GEO_DIR) holding ``communes.geojson`` and
``postcodes.csv`` (see SOURCES.md beside them). Nothing here hard-codes a commune: a newer
file (e.g. after the 2025 Bastogne-Bertogne merger) is simply loaded as it is.

Which commune a postal locality belongs to is read, not guessed: ``postcodes.csv`` gives
each locality its ``commune_nis`` (checked against bpost's postcode → commune table). Its
geocoded point only places it on the map, and not even that when ``point_trusted`` is 0 (a
homonym found far from its commune, e.g. 6831 Noirfontaine near Liège instead of
Bouillon): such a locality stands at its commune's representative point, at commune
precision (listed in ``relocated``). So L'Écluse (1320) is in Beauvechain and Noirfontaine
in Bouillon, though the first point lies outside every outline and the second near Liège.

The two files are read by finder/geofiles.py. Everyday names that are not postal localities (LLN, Stockel, Molenbeek...) come from the
alias list ``data/place-aliases.csv`` (see finder/aliases.py and data/README.md).
"""
from __future__ import annotations

import copy
import math
import re
from collections import OrderedDict
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

import numpy as np
import shapely
from shapely.geometry import Point

from .aliases import ALIASES_FILE, PlaceAlias, read_aliases
from .config import data_file
from .gazetteer import Gazetteer, medoid, name_key
from .geofiles import (COMMUNES_FILE, POSTCODES_FILE, SETTING, GeographyError,  # noqa: F401
                       read_feature, read_geojson, read_postcodes)
from .models import Commune, Locality, Resolved
from .text import fold
from .translatable import N_

ATTRIBUTION = N_("Communes: Statbel (CC BY 4.0) · "
                 "Codes postaux: bpost / OpenStreetMap contributors (ODbL)")
BRUSSELS_LABEL = N_("Bruxelles-Capitale")
# The provinces as the reference geography names them (communes.geojson), marked for the
# site's catalogues: the views translate them (|tr), like BRUSSELS_LABEL.
PROVINCE_LABELS = (N_("Province du Brabant Wallon"), N_("Province du Hainaut"),
                   N_("Province de Liège"), N_("Province du Luxembourg"),
                   N_("Province de Namur"))

# Local equirectangular projection: x = lon * cos(50.5°), y = lat. Containment is
# unchanged by it and distances become roughly isotropic (1 unit = KM_PER_DEGREE km).
_X_SCALE = math.cos(math.radians(50.5))
KM_PER_DEGREE = 111.2
SERVICE_TOLERANCE_KM = 2.0   # a visitor's position just outside the simplified outlines
# A venue outside every outline but this close to its postcode's commune is in it
# (outlines are simplified on a ~25 m grid).
BORDER_TOLERANCE_KM = 0.3



def _project(geom):
    return shapely.transform(geom, lambda xy: xy * np.array([_X_SCALE, 1.0]))


def _point(lat: float, lon: float) -> Point:
    return Point(lon * _X_SCALE, lat)


class Geography:
    """Communes and postal localities, loaded once per process (see load_geography)."""

    def __init__(self, directory: Path, features: list[dict], rows: list[dict],
                 aliases: tuple[PlaceAlias, ...] = (), aliases_path: str = ""):
        self.directory = directory
        self.communes: dict[str, Commune] = {}
        self._outlines: dict[str, dict] = {}     # nis -> GeoJSON geometry as read
        geoms = []
        for feature in features:
            commune, geometry = read_feature(feature, directory)
            if commune.nis in self.communes:
                raise GeographyError(f"code NIS {commune.nis} en double dans {COMMUNES_FILE}",
                                     directory)
            self.communes[commune.nis] = commune
            self._outlines[commune.nis] = feature["geometry"]
            geoms.append(geometry)
        if not self.communes:
            raise GeographyError(f"aucune commune dans {COMMUNES_FILE}", directory)
        self._order = list(self.communes)          # tree index -> nis
        self._geoms = [_project(g) for g in geoms]
        self._tree = shapely.STRtree(self._geoms)
        self._geom_by_nis = dict(zip(self._order, self._geoms))
        xmin, ymin, xmax, ymax = shapely.total_bounds(self._geoms)
        self.bounds: tuple[float, float, float, float] = (
            float(ymin), float(xmin / _X_SCALE), float(ymax), float(xmax / _X_SCALE))

        self.relocated: tuple[Locality, ...] = ()   # localities whose point was replaced
        self.localities: list[Locality] = self._place_localities(rows)
        self._by_postcode: dict[str, list[Locality]] = {}
        for loc in sorted(self.localities, key=lambda l: (not l.main, fold(l.name))):
            self._by_postcode.setdefault(loc.postcode, []).append(loc)
        for locs in self._by_postcode.values():     # no main locality: the central one first
            if not locs[0].main:
                central = medoid(locs)
                locs.sort(key=lambda l: l is not central)

        self._gazetteer = Gazetteer(self, aliases, aliases_path)

    # ----- loading ---------------------------------------------------------------------

    @classmethod
    def load(cls, directory: str | Path, aliases: str | Path | None = None) -> "Geography":
        """Read communes.geojson and postcodes.csv from directory, and the alias list
        (data/place-aliases.csv unless another file is given)."""
        directory = Path(directory).expanduser()
        if not directory.is_dir():
            raise GeographyError("le dossier n'existe pas", directory)
        features = read_geojson(directory / COMMUNES_FILE, directory)
        rows = read_postcodes(directory / POSTCODES_FILE, directory)
        aliases_path = Path(aliases) if aliases else data_file(ALIASES_FILE)
        return cls(directory, features, rows, read_aliases(aliases_path), str(aliases_path))

    def _place_localities(self, rows: list[dict]) -> list[Locality]:
        """Every locality in the commune postcodes.csv names (commune_nis); an untrusted
        point is replaced by the commune's representative point."""
        unknown = sorted({f"{r['postcode']} {r['locality']} ({r['commune_nis']})"
                          for r in rows if r["commune_nis"] not in self.communes})
        if unknown:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise GeographyError(
                f"{len(unknown)} localité(s) de {POSTCODES_FILE} rattachée(s) à un code NIS "
                f"absent de {COMMUNES_FILE} : {shown}. Les deux fichiers doivent dater de la "
                "même liste de communes", self.directory)
        points = [_point(r["lat"], r["lon"]) for r in rows]
        inside = self._containing(points)
        self._reps = self._representative_points(rows, inside)
        localities, relocated = [], []
        for row in rows:
            nis = row["commune_nis"]
            loc = Locality(postcode=row["postcode"], name=row["locality"], lat=row["lat"],
                           lon=row["lon"], nis=nis, main=row["main"])
            if not row["trusted"]:
                lat, lon = self._reps[nis]
                loc = replace(loc, lat=lat, lon=lon, trusted=False)
                relocated.append(loc)
            localities.append(loc)
        self.relocated = tuple(relocated)
        return localities

    def _representative_points(self, rows, inside) -> dict[str, tuple[float, float]]:
        """A commune's point: its trusted locality bearing its name, if inside the outline
        (the main locality first), else a point inside the outline."""
        named: dict[str, tuple] = {}
        for i, row in enumerate(rows):
            nis = row["commune_nis"]
            commune = self.communes[nis]
            if not row["trusted"] or inside[i] != nis or name_key(row["locality"]) not in {
                    name_key(commune.name_fr), name_key(commune.name_nl)}:
                continue
            rank = (not row["main"], row["postcode"])
            if nis not in named or rank < named[nis][0]:
                named[nis] = (rank, (row["lat"], row["lon"]))
        reps = {}
        for nis, geom in self._geom_by_nis.items():
            if nis in named:
                reps[nis] = named[nis][1]
            else:
                p = geom.representative_point()
                reps[nis] = (p.y, p.x / _X_SCALE)
        return reps

    # ----- spatial ---------------------------------------------------------------------

    def _containing(self, points: list[Point]) -> list[str]:
        """NIS of the commune containing each point ('' when none)."""
        result = [""] * len(points)
        if points:
            hits = self._tree.query(points, predicate="intersects")
            for p, g in sorted(zip(hits[0].tolist(), hits[1].tolist())):
                result[p] = result[p] or self._order[g]
        return result

    def _nearest(self, point: Point) -> str:
        return self._order[int(self._tree.nearest(point))]

    def _distance_km(self, point: Point, nis: str) -> float:
        return self._geom_by_nis[nis].distance(point) * KM_PER_DEGREE

    def commune_at(self, lat: float, lon: float) -> Optional[Commune]:
        """The commune containing the point, None outside Wallonia and Brussels."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        hits = self._tree.query(_point(lat, lon), predicate="intersects")
        return self.communes[self._order[int(min(hits))]] if len(hits) else None

    def nearest_commune(self, lat: float, lon: float) -> tuple[Commune, float]:
        """The commune nearest to the point and its distance in km (0 inside)."""
        point = _point(float(lat), float(lon))
        nis = self._nearest(point)
        return self.communes[nis], self._distance_km(point, nis)

    def in_service_area(self, lat: float, lon: float,
                        tolerance_km: float = SERVICE_TOLERANCE_KM) -> bool:
        """Inside a commune, or within tolerance_km of one (border villages)."""
        if self.commune_at(lat, lon) is not None:
            return True
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return False
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return False
        return self.nearest_commune(lat, lon)[1] <= tolerance_km

    def commune_for_venue(self, lat: float, lon: float, postcode: str = "") -> Optional[Commune]:
        """The commune of a meeting place's point: the commune containing it; for a point
        outside every outline, the commune of its Walloon or Brussels postcode if the point
        is within BORDER_TOLERANCE_KM of it (a border village on a simplified outline);
        else None: outside the area (Drogenbos, Ronse, Givet, Steinfort are not Walloon)."""
        commune = self.commune_at(lat, lon)
        if commune is not None:
            return commune
        locs = self.localities_for_postcode(postcode) if postcode else []
        if not locs:
            return None
        nis = locs[0].nis
        near = self._distance_km(_point(float(lat), float(lon)), nis) <= BORDER_TOLERANCE_KM
        return self.communes[nis] if near else None

    # ----- communes and localities -----------------------------------------------------

    def commune_of_locality(self, loc: Locality) -> Commune:
        return self.communes[loc.nis]

    def representative_point(self, nis: str) -> tuple[float, float]:
        """(lat, lon) standing for the commune: its namesake locality, or a point inside."""
        return self._reps[nis]

    def commune_geojson(self, nis: str) -> dict:
        """The commune's outline as a GeoJSON Feature (KeyError for an unknown NIS)."""
        commune = self.communes[nis]
        return {
            "type": "Feature",
            "properties": {"nis": commune.nis, "name_fr": commune.name_fr,
                           "name_nl": commune.name_nl, "province": commune.province,
                           "region": commune.region, "population": commune.population},
            "geometry": copy.deepcopy(self._outlines[nis]),
        }

    def localities_for_postcode(self, postcode: str | int) -> list[Locality]:
        """Localities of a postcode, main locality first ('B-5000' accepted)."""
        digits = re.sub(r"\D", "", str(postcode))
        return list(self._by_postcode.get(digits, ()))

    def localities_of_commune(self, nis: str) -> list[Locality]:
        return sorted((l for l in self.localities if l.nis == nis),
                      key=lambda l: (l.postcode, not l.main, fold(l.name)))

    @property
    def postcodes(self) -> list[str]:
        return sorted(self._by_postcode)

    def find_commune(self, text_or_nis: str) -> Optional[Commune]:
        """A commune by NIS code or by French or Dutch name (folded)."""
        return self._gazetteer.find_commune(text_or_nis)

    def commune_suggestions(self, prefix: str, limit: int = 10) -> list[Commune]:
        """Communes whose French or Dutch name (or one of its words) starts with prefix."""
        return self._gazetteer.commune_suggestions(prefix, limit)

    def communes_by_province(self) -> "OrderedDict[str, list[Commune]]":
        """Province label → communes sorted by name; Brussels as 'Bruxelles-Capitale'.

        Sorted once per geography; every call gets its own dict and lists.
        """
        return OrderedDict((label, list(communes))
                           for label, communes in self._communes_by_province)

    @cached_property
    def _communes_by_province(self) -> tuple[tuple[str, tuple[Commune, ...]], ...]:
        groups: dict[str, list[Commune]] = {}
        for commune in self.communes.values():
            groups.setdefault(commune.province or BRUSSELS_LABEL, []).append(commune)
        return tuple((label, tuple(sorted(groups[label], key=lambda c: fold(c.name_fr))))
                     for label in sorted(groups, key=_province_sort_key))

    def resolve(self, text: str) -> Resolved:
        """Postcode, locality or commune typed by a person → a place, or why not."""
        return self._gazetteer.resolve(text)


def _province_sort_key(label: str) -> str:
    return re.sub(r"^province (de la |de l |du |de |des )", "", fold(label))


@lru_cache(maxsize=4)
def _load_cached(path: str, aliases: str) -> Geography:
    return Geography.load(path, aliases or None)


def load_geography(directory: str | Path, aliases: str | Path | None = None) -> Geography:
    """The geography of directory (with the alias list at aliases, or the one in data/),
    loaded once per process (errors are not cached)."""
    aliases_key = str(Path(aliases).expanduser().resolve()) if aliases else ""
    return _load_cached(str(Path(directory).expanduser().resolve()), aliases_key)


load_geography.cache_clear = _load_cached.cache_clear   # for tests that swap data
