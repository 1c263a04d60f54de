"""Text → place: what Geography.resolve() does with what people type.

Accepted: a 4-digit postcode ("5000", "B-5000", "B5000"), a locality, a commune (French or
Dutch name), or a postcode with a name ("5000 Namur", "Namur 5000", "5000 Beez",
"4800 Polleur (Verviers)", "1050 Bruxelles" as Brussels addresses are written), and the
everyday names of the alias list ("LLN", "Stockel": finder/aliases.py). Matching ignores
case, accents, hyphens and apostrophes.
resolve() never raises for what a person types; statuses are those of models.Resolved.
For an "ok" answer, suggestions list other places the text could mean (may be empty).
"""
from __future__ import annotations

import difflib
import math
import re
from typing import TYPE_CHECKING, Optional, Union

from .aliases import PlaceAlias, PlaceAliasError
from .models import Commune, Locality, Resolved
from .text import fold
from .translatable import N_, Said

if TYPE_CHECKING:
    from .geography import Geography

MAX_QUERY_LENGTH = 100
MAX_SUGGESTIONS = 5
FLEMISH_RANGES = ((1500, 3999), (8000, 9999))

_BELGIAN_PREFIXES = {"B", "BE"}
_FOREIGN_PREFIXES = {"F", "FR", "L", "LU", "NL", "D", "DE", "CH", "UK", "GB"}
_NUMBER = re.compile(
    r"\b(?:(?P<prefix>BE|B|FR|F|LU|L|NL|DE|D|CH|UK|GB)(?:\s*[-‐‑–]\s*|(?=\d)))?"
    r"(?P<digits>\d+)\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_NOISE_WORDS = {"b", "be", "belgique", "belgie", "belgien", "belgium"}
# "1234 AB": the Dutch postcode format (four digits, two letters).
_DUTCH_POSTCODE = re.compile(r"(?<!\d)(\d{4}) ?([^\W\d_]{2})(?![^\W\d_])")
_SHORT_WORDS = {"la", "le", "de", "du", "au", "en", "et", "st", "b", "be"}
# How a Brussels address names the region whatever its commune: "1050 Bruxelles".
BRUSSELS_REGION = "Bruxelles-Capitale"
_BRUSSELS_WORDS = ("Bruxelles", "Brussel", "Brussels", "Bruxelles-Capitale",
                   "Brussel-Hoofdstad")

Place = Union[Commune, Locality]
_KEY_WORDS = {"st": "saint", "ste": "sainte", "lez": "les", "s": "sur"}


def name_key(text: str) -> str:
    """Compact matching key: fold() plus 'st'→'saint', 'lez'→'les', no spaces.

    >>> name_key("St-Gilles") == name_key("Saint Gilles") == name_key("SAINTGILLES")
    True
    """
    return "".join(_KEY_WORDS.get(w, w) for w in fold(text).split())


class Gazetteer:
    """Name and postcode indexes over a Geography."""

    def __init__(self, geo: "Geography", aliases: tuple[PlaceAlias, ...] = (),
                 aliases_path: str = ""):
        self.geo = geo
        self._communes_by_key: dict[str, list[Commune]] = {}
        self._commune_keys: dict[str, set[str]] = {}
        for commune in geo.communes.values():
            keys = {name_key(commune.name_fr), name_key(commune.name_nl)}
            self._commune_keys[commune.nis] = keys
            for key in keys:
                self._communes_by_key.setdefault(key, []).append(commune)
        self._localities_by_key: dict[str, list[Locality]] = {}
        for loc in sorted(geo.localities, key=lambda l: (not l.main, l.postcode)):
            self._localities_by_key.setdefault(name_key(loc.name), []).append(loc)
        self._postcode_numbers = sorted(int(pc) for pc in geo.postcodes)
        # The locality bearing the commune's name (main first): "5000 Namur" for Namur.
        self._namesake: dict[str, Locality] = {}
        for key, locs in self._localities_by_key.items():
            for loc in locs:
                if key in self._commune_keys[loc.nis]:
                    self._namesake.setdefault(loc.nis, loc)
        for alias in aliases:
            self._add_alias(alias, aliases_path)
        self._keys = sorted(set(self._communes_by_key) | set(self._localities_by_key))
        self._brussels_keys = {name_key(w) for w in _BRUSSELS_WORDS}

    def _add_alias(self, alias: PlaceAlias, path: str) -> None:
        """One more name for a postal locality or a commune (never a new place)."""
        key = name_key(alias.alias)
        where = f"ligne {alias.line} : « {alias.alias} »"
        if not key or key in self._communes_by_key or key in self._localities_by_key:
            raise PlaceAliasError(f"{where} est déjà le nom d'une commune, d'une localité ou "
                                  "d'un autre alias", path)
        if alias.is_commune:
            commune = self.geo.communes.get(alias.commune_nis)
            if commune is None:
                raise PlaceAliasError(f"{where} : aucune commune n'a le code NIS "
                                      f"{alias.commune_nis}", path)
            self._communes_by_key[key] = [commune]
            self._commune_keys[commune.nis].add(key)
            return
        target = [l for l in self.geo.localities_for_postcode(alias.postcode)
                  if name_key(l.name) == name_key(alias.locality)]
        if not target:
            raise PlaceAliasError(f"{where} : la localité {alias.postcode} {alias.locality} "
                                  "n'existe pas dans la liste des codes postaux", path)
        self._localities_by_key[key] = target

    # ----- communes --------------------------------------------------------------------

    def find_commune(self, text_or_nis) -> Optional[Commune]:
        text = str(text_or_nis or "").strip()
        if text in self.geo.communes:
            return self.geo.communes[text]
        found = self._communes_by_key.get(name_key(text[:MAX_QUERY_LENGTH]))
        return found[0] if found else None

    def commune_suggestions(self, prefix: str, limit: int = 10) -> list[Commune]:
        folded = fold(str(prefix or "")[:MAX_QUERY_LENGTH])
        if not folded or limit <= 0:
            return []
        key = name_key(folded)
        ranked = []
        for commune in self.geo.communes.values():
            ranks = []
            for offset, name in enumerate((commune.name_fr, commune.name_nl)):
                if name_key(name).startswith(key):
                    ranks.append(offset)
                elif f" {folded}" in f" {fold(name)}":
                    ranks.append(2 + offset)
            if ranks:
                ranked.append((min(ranks), fold(commune.name_fr), commune))
        ranked.sort(key=lambda r: r[:2])
        return [commune for _, _, commune in ranked[:limit]]

    # ----- resolve ---------------------------------------------------------------------

    def resolve(self, text) -> Resolved:
        query = (text if isinstance(text, str) else "" if text is None else str(text)).strip()
        if len(query) > MAX_QUERY_LENGTH:
            return Resolved(query=query[:MAX_QUERY_LENGTH], status="invalid", **_said(N_(
                "Le texte est trop long (%(max)s caractères au plus) : "
                "indiquez un code postal ou le nom d'une commune."), max=MAX_QUERY_LENGTH))
        spaced = re.sub(r"(?<=\d)(?=[^\W\d_])", " ", query)   # "5000Namur"
        numbers = [(m.group("prefix"), m.group("digits")) for m in _NUMBER.finditer(spaced)]
        rest = _NUMBER.sub(" ", spaced)
        hints = _PARENTHESIS.findall(rest)
        words = [w for w in _PARENTHESIS.sub(" ", rest).split()
                 if fold(w) not in _NOISE_WORDS]
        name = _readable(" ".join(words))             # as typed, for messages
        hint = name_key(hints[-1]) if hints else ""
        if not name and hint:
            name, hint = _readable(hints[-1]), ""
        if not numbers and not name:
            return Resolved(query=query, status="invalid",
                            **_said(N_("Indiquez un code postal ou le nom d'une commune.")))

        belgian = [d for p, d in numbers
                   if len(d) == 4 and (p is None or p.upper() in _BELGIAN_PREFIXES)]
        if belgian:
            dutch = _DUTCH_POSTCODE.search(spaced)
            if dutch and fold(dutch.group(2)) in _SHORT_WORDS:
                dutch = None
            answer = self._resolve_postcode(query, belgian[0], name, hint)
            if dutch and not answer.ok:     # "6211 AB": no Belgian place by that name
                token = f"{dutch.group(1)} {dutch.group(2).upper()}"
                return Resolved(query=query, status="outside", **_said(N_(
                    "« %(token)s » ressemble à un code postal néerlandais : ce répertoire "
                    "couvre la Wallonie et Bruxelles. Vous pouvez chercher par commune ou "
                    "par code postal belge."), token=token))
            return answer
        foreign = [f"{p}-{d}" for p, d in numbers if p and p.upper() in _FOREIGN_PREFIXES]
        if foreign or any(len(d) == 5 for _, d in numbers):
            token = foreign[0] if foreign else next(d for _, d in numbers if len(d) == 5)
            return Resolved(query=query, status="outside", **_said(N_(
                "« %(token)s » ressemble à un code postal étranger : ce répertoire couvre "
                "la Wallonie et Bruxelles. Vous pouvez chercher par commune ou par code "
                "postal belge."), token=token))
        if numbers and not name:
            return Resolved(query=query, status="not_found", **_said(N_(
                "« %(number)s » n'est pas un code postal belge : "
                "un code postal belge compte quatre chiffres."), number=numbers[0][1]))
        return self._resolve_name(query, name, hint)

    def _resolve_postcode(self, raw: str, pc: str, name: str, hint: str) -> Resolved:
        number = int(pc)
        if any(lo <= number <= hi for lo, hi in FLEMISH_RANGES):
            return Resolved(query=raw, status="outside", postcode=pc, **_said(N_(
                "Le code postal %(postcode)s est en Flandre : ce répertoire couvre la "
                "Wallonie et Bruxelles. Vous pouvez chercher par commune."), postcode=pc))
        locs = self.geo.localities_for_postcode(pc)
        key = name_key(name)
        if not locs:
            named = [self._label(p) for p in self._places(key, hint)] if key else []
            closest = sorted(self._postcode_numbers, key=lambda n: (abs(n - number), n))
            nearby = [self._label(self.geo.localities_for_postcode(f"{n:04d}")[0])
                      for n in closest[:MAX_SUGGESTIONS]]
            problem = (N_("Le code postal %(postcode)s n'existe pas en Belgique.")
                       if number < 1000 else
                       N_("Le code postal %(postcode)s ne figure pas dans notre liste."))
            return Resolved(query=raw, status="not_found", postcode=pc,
                            suggestions=_first(named + nearby),
                            **_said(problem, postcode=pc))
        if not key:
            others = tuple(self._label(l) for l in locs[1:])
            return self._locality_answer(raw, locs[0], suggestions=others)
        loc = self._match_in_postcode(locs, key) or self._match_in_postcode(locs, hint)
        if loc:
            return self._locality_answer(raw, loc)
        elsewhere = self._places(key, hint)
        if elsewhere:
            labels = [self._label(locs[0], with_commune=True)]
            labels += [self._label(p, with_commune=True) for p in elsewhere]
            return Resolved(query=raw, status="ambiguous", postcode=pc,
                            suggestions=_first(labels, limit=len(labels)), **_said(N_(
                                "Le code postal %(postcode)s ne correspond pas à "
                                "« %(name)s » : précisez le lieu."), postcode=pc, name=name))
        names = " et ".join(dict.fromkeys(self.geo.communes[l.nis].name_fr for l in locs))
        return Resolved(query=raw, status="mismatch", postcode=pc,
                        suggestions=_first([self._label(l) for l in locs]), **_said(N_(
                            "« %(name)s » n'est pas une localité du code postal %(postcode)s "
                            "(%(communes)s) : vérifiez le code postal ou le nom du lieu."),
                            name=name, postcode=pc, communes=names))

    def _match_in_postcode(self, locs: list[Locality], key: str) -> Optional[Locality]:
        if not key:
            return None
        for loc in self._localities_by_key.get(key, ()):   # its name, or an alias of it
            if loc in locs:
                return loc
        for loc in locs:                      # "6001 Charleroi": the commune of the code
            if key in self._commune_keys[loc.nis]:
                return loc
        if key in self._brussels_keys and \
                self.geo.communes[locs[0].nis].region == BRUSSELS_REGION:
            return locs[0]                    # "1050 Bruxelles": how Brussels writes it
        keys = [name_key(l.name) for l in locs]
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.8)
        return locs[keys.index(close[0])] if close else None

    def _resolve_name(self, raw: str, name: str, hint: str) -> Resolved:
        key = name_key(name)
        places = self._places(key, hint)
        if not places:
            suggestions = self._suggest(key, name)
            return Resolved(query=raw, status="not_found", suggestions=suggestions,
                            **_said(N_("Aucune commune ni localité de Wallonie ou de "
                                       "Bruxelles ne s'appelle « %(name)s »."), name=name))
        first, others = places[0], places[1:]
        if isinstance(first, Commune):
            return self._commune_answer(raw, first, others)
        if {p.nis for p in places} == {first.nis}:
            return self._locality_answer(raw, first)
        return Resolved(query=raw, status="ambiguous",
                        suggestions=tuple(self._label(p, with_commune=True) for p in places),
                        **_said(N_("Plusieurs lieux s'appellent « %(name)s » : précisez "
                                   "lequel."), name=name))

    def _places(self, key: str, hint: str = "") -> list[Place]:
        """Places named key: the commune first, then localities of other communes."""
        locs = self._localities_by_key.get(key, [])
        if hint:
            hinted = [l for l in locs if hint in self._commune_keys[l.nis]]
            if hinted:
                return hinted
        communes = self._communes_by_key.get(key, [])
        taken = {c.nis for c in communes}
        return [*communes, *(l for l in locs if l.nis not in taken)]

    # ----- answers ---------------------------------------------------------------------

    def _locality_answer(self, raw: str, loc: Locality, suggestions=(),
                         message: str = "") -> Resolved:
        # An untrusted point was replaced by the commune's: say commune precision.
        return Resolved(query=raw, status="ok", lat=loc.lat, lon=loc.lon,
                        precision="locality" if loc.trusted else "commune",
                        postcode=loc.postcode, locality=loc.name,
                        commune=self.geo.communes[loc.nis], suggestions=tuple(suggestions),
                        message=message)

    def _commune_answer(self, raw: str, commune: Commune, others) -> Resolved:
        lat, lon = self.geo.representative_point(commune.nis)
        namesake = self._namesake.get(commune.nis)
        return Resolved(query=raw, status="ok", lat=lat, lon=lon, precision="commune",
                        postcode=namesake.postcode if namesake else None, commune=commune,
                        suggestions=tuple(self._label(p, with_commune=True) for p in others))

    def _label(self, place: Place, with_commune: bool = False) -> str:
        """'5000 Namur', '4800 Polleur (Verviers)' or 'Ham-sur-Heure-Nalinnes'."""
        if isinstance(place, Commune):
            namesake = self._namesake.get(place.nis)
            return f"{namesake.postcode} {place.name_fr}" if namesake else place.name_fr
        label = f"{place.postcode} {place.name}"
        commune = self.geo.communes[place.nis]
        if with_commune and name_key(place.name) not in self._commune_keys[place.nis]:
            label += f" ({commune.name_fr})"
        return label

    def _suggest(self, key: str, typed: str = "") -> tuple[str, ...]:
        """Close names only: names that begin with the typed words ("Braine" → the three
        Braine-…), then look-alikes (difflib); "Gent" does not suggest Gentinnes."""
        if not key:
            return ()
        prefixed = []
        words = fold(typed)
        if len(key) >= 3 and words:
            starts = re.compile(re.escape(words) + r"(?: |$)")
            prefixed = sorted((k for k in self._keys if k.startswith(key) and k != key
                               and any(starts.match(n) for n in self._folded_names(k))),
                              key=lambda k: (not self._communes_by_key.get(k), len(k), k))
        close = difflib.get_close_matches(key, self._keys, n=MAX_SUGGESTIONS, cutoff=0.75)
        labels = []
        for k in prefixed + close:
            places = self._places(k)
            labels += [self._label(p, with_commune=len(places) > 1) for p in places]
        return _first(labels)

    def _folded_names(self, key: str) -> list[str]:
        names = [fold(c.name_fr) for c in self._communes_by_key.get(key, ())]
        names += [fold(c.name_nl) for c in self._communes_by_key.get(key, ())]
        return names + [fold(l.name) for l in self._localities_by_key.get(key, ())]


def _readable(text: str) -> str:
    """Text trimmed of edge punctuation; '' when it holds no letter or digit."""
    text = text.strip(" ,;:-/.")
    return text if re.search(r"[^\W_]", text) else ""


def _said(msgid: str, **params) -> dict:
    """A Resolved's message: French, keeping its msgid for the views (translatable.Said)."""
    return {"message": Said(msgid, **params)}


def _first(labels, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """Unique labels in order, at most limit."""
    return tuple(dict.fromkeys(labels))[:limit]


def medoid(locs: list[Locality]) -> Locality:
    """The locality nearest to all the others (for a postcode without a main locality)."""
    scale = math.cos(math.radians(50.5))

    def spread(a: Locality) -> float:
        return sum(math.hypot((a.lon - b.lon) * scale, a.lat - b.lat) for b in locs)
    return min(locs, key=lambda l: (spread(l), fold(l.name)))
