"""Everyday place names that are not postal localities: ``data/place-aliases.csv``.

People write "LLN", "Stockel", "Molenbeek" or "Bruxelles-Ville"; bpost's list only knows
1348 Louvain-La-Neuve, 1150 Woluwe-Saint-Pierre, Molenbeek-Saint-Jean, Bruxelles. The
alias list, kept as data a maintainer can extend (format in data/README.md), says which
postal locality or commune each such name stands for, and where that is written.

Columns: ``alias``, ``postcode`` + ``locality`` (a postal locality exactly as in
postcodes.csv) or ``commune_nis`` (a commune), ``source`` (where the name is attested).
A row that names no existing place, or a name that already is a locality or a commune, is
refused when the app starts: an alias is never guessed and never shadows a real name.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

SETTING = "FINDER_PLACE_ALIASES"
ALIASES_FILE = "place-aliases.csv"
COLUMNS = ("alias", "postcode", "locality", "commune_nis", "source")


class PlaceAliasError(Exception):
    """The alias list cannot be used (message in French, for whoever deploys)."""

    setting = SETTING

    def __init__(self, problem: str, path: Path | str):
        self.path = str(path)
        super().__init__(
            f"Liste des noms de lieux usuels inutilisable : {problem} (fichier : "
            f"« {self.path} »). Corrigez ce fichier (format décrit dans data/README.md), "
            f"ou réglez {SETTING} sur un autre fichier.")


@dataclass(frozen=True)
class PlaceAlias:
    alias: str          # as people write it ("LLN")
    postcode: str       # with locality: the postal locality it stands for
    locality: str
    commune_nis: str    # or: the commune it stands for
    source: str         # where the name is attested
    line: int           # in the file, for messages

    @property
    def is_commune(self) -> bool:
        return not self.postcode


def read_aliases(path: Path | str) -> tuple[PlaceAlias, ...]:
    """The rows of the alias file, checked for form (targets are checked by the gazetteer)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise PlaceAliasError(f"colonnes manquantes : {', '.join(missing)}", path)
            aliases = [_read_row(row, line, path) for line, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise PlaceAliasError("fichier absent", path) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PlaceAliasError(f"fichier illisible ({exc})", path) from exc
    return tuple(aliases)


def _read_row(row: dict, line: int, path: Path) -> PlaceAlias:
    value = {c: (row.get(c) or "").strip() for c in COLUMNS}
    if not value["alias"]:
        raise PlaceAliasError(f"ligne {line} : la colonne alias est vide", path)
    if not value["source"]:
        raise PlaceAliasError(f"ligne {line} : « {value['alias']} » sans source (où ce nom "
                              "est-il attesté ?)", path)
    locality_target = bool(value["postcode"] or value["locality"])
    if locality_target == bool(value["commune_nis"]):
        raise PlaceAliasError(f"ligne {line} : indiquez soit postcode et locality, soit "
                              "commune_nis", path)
    if locality_target and not (re.fullmatch(r"\d{4}", value["postcode"]) and value["locality"]):
        raise PlaceAliasError(f"ligne {line} : postcode (4 chiffres) et locality vont ensemble",
                              path)
    if value["commune_nis"] and not re.fullmatch(r"\d{5}", value["commune_nis"]):
        raise PlaceAliasError(f"ligne {line} : commune_nis doit compter 5 chiffres", path)
    return PlaceAlias(line=line, **value)
