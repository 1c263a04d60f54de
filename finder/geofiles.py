"""Reading the reference geography's two files (communes.geojson, postcodes.csv).

Every problem is a GeographyError in French naming the file and the FINDER_GEO_DIR
setting: the app does not start on data it cannot trust.
"""
from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import shapely
from shapely.geometry import shape

from .models import Commune

COMMUNES_FILE = "communes.geojson"
POSTCODES_FILE = "postcodes.csv"
SETTING = "FINDER_GEO_DIR"

_REQUIRED_COLUMNS = ("postcode", "locality", "lat", "lon", "commune_nis", "point_trusted")


class GeographyError(Exception):
    """The reference geography cannot be loaded (message in French, for whoever deploys)."""

    def __init__(self, problem: str, directory: Path | str):
        self.directory = str(directory)
        super().__init__(
            f"Données géographiques indisponibles : {problem} "
            f"(dossier essayé : « {self.directory} »). Réglez {SETTING} sur le dossier "
            f"qui contient {COMMUNES_FILE} et {POSTCODES_FILE}.")


def read_geojson(path: Path, directory: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise GeographyError(f"fichier {path.name} absent", directory) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeographyError(f"fichier {path.name} illisible ({exc})", directory) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise GeographyError(f"{path.name} n'est pas une FeatureCollection", directory)
    return features


def read_feature(feature: dict, directory: Path):
    try:
        props = feature["properties"]
        nis = str(props["nis"]).strip()
        name_fr = str(props["name_fr"]).strip()
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise GeographyError(f"commune mal décrite dans {COMMUNES_FILE} ({exc!r})",
                             directory) from exc
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    commune = Commune(
        nis=nis, name_fr=name_fr,
        name_nl=str(props.get("name_nl") or name_fr).strip(),
        province=str(props.get("province") or "").strip(),
        region=str(props.get("region") or "").strip(),
        population=int(props.get("population_2020") or props.get("population") or 0),
    )
    return commune, geometry


def read_postcodes(path: Path, directory: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise GeographyError(
                    f"colonnes manquantes dans {path.name} : {', '.join(missing)}", directory)
            rows = []
            for line, row in enumerate(reader, start=2):
                rows.append(_read_row(row, line, path.name, directory))
    except FileNotFoundError:
        raise GeographyError(f"fichier {path.name} absent", directory) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GeographyError(f"fichier {path.name} illisible ({exc})", directory) from exc
    if not rows:
        raise GeographyError(f"aucune localité dans {path.name}", directory)
    return rows


def _read_row(row: dict, line: int, filename: str, directory: Path) -> dict:
    try:
        postcode = (row["postcode"] or "").strip()
        name = (row["locality"] or "").strip()
        lat, lon = float(row["lat"]), float(row["lon"])
        nis = (row["commune_nis"] or "").strip()
        trusted = (row["point_trusted"] or "").strip()
        if not (re.fullmatch(r"\d{4}", postcode) and name and re.fullmatch(r"\d{5}", nis)
                and trusted in ("0", "1") and math.isfinite(lat) and math.isfinite(lon)):
            raise ValueError("valeur manquante ou invalide")
    except (TypeError, ValueError) as exc:
        raise GeographyError(f"ligne {line} de {filename} invalide ({exc})",
                             directory) from exc
    main = (row.get("bpost_main_locality") or "").strip().lower() in ("1", "true", "oui", "yes")
    return {"postcode": postcode, "locality": name, "lat": lat, "lon": lon, "main": main,
            "commune_nis": nis, "trusted": trusted == "1"}
