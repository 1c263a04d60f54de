"""Turning a meeting place (street, postcode, locality, commune) into a point.

- GeocodingChain.locate(place): manual coordinates -> cached or online street address ->
  offline postcode/locality/commune, the last through OfflineGeocoder.geocode() (the one
  path tests and production share). Nothing is placed silently at a wrong spot: names that
  cannot be resolved, or that contradict each other, give ok=False and a French message; a
  point outside every commune is outside the area unless it lies on the border of its
  postcode's commune (Geography.commune_for_venue).
- The geocoders themselves (offline, Nominatim) are in finder/geocoders.py.

No SQL here: the cache is any object with cache_get/cache_put (finder.store.Store is one).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

from geopy.exc import GeopyError
from geopy.location import Location

from .geocoders import (NOMINATIM_DOMAIN, GeocodeCache,  # noqa: F401 (re-exported)
                        OfflineGeocoder, OnlineGeocoder, cache_key, location_from_cached)
from .models import PRECISIONS, Commune, Place, Resolved

PRECISION_WORDS = {"exact": "à l'adresse", "locality": "au centre de la localité",
                   "commune": "au centre de la commune"}


# ---------------------------------------------------------------------------------------
# The chain: manual coordinates -> cache -> online -> offline
# ---------------------------------------------------------------------------------------
@dataclass
class LocateOutcome:
    """place: a copy of the place, located (ok) or without any point (not ok)."""
    place: Place
    ok: bool
    problem: str = ""   # French: why it could not be placed
    source: str = ""    # "manual" | "cache" | "online" | "offline"
    note: str = ""      # French: a remark that did not prevent placing it


@dataclass(frozen=True)
class _Spot:
    lat: float
    lon: float
    precision: str
    commune: Commune
    postcode: str = ""
    locality: str = ""
    note: str = ""


class _Problem(Exception):
    pass


class GeocodingChain:
    def __init__(self, geography, offline: Optional[OfflineGeocoder] = None,
                 online: Optional[OnlineGeocoder] = None,
                 cache: Optional[GeocodeCache] = None):
        self.geography = geography
        self.offline = offline or OfflineGeocoder(geography)
        self.online = online
        self.cache = cache if cache is not None else (online.cache if online else None)

    def locate(self, place: Place) -> LocateOutcome:
        try:
            if place.lat is not None or place.lon is not None:
                return self._manual(place)
            spot = self._from_names(place)
            source, note = "offline", spot.note
            if place.street.strip():
                better, street_source, street_note = self._from_street(place, spot)
                spot, source = (better, street_source) if better else (spot, source)
                note = " ".join(n for n in (note, street_note) if n)
            self._check_named_commune(place, spot.commune)
        except _Problem as problem:
            return LocateOutcome(dataclasses.replace(place, lat=None, lon=None, precision=""),
                                 ok=False, problem=str(problem))
        located = dataclasses.replace(
            place, lat=spot.lat, lon=spot.lon, precision=spot.precision,
            commune_nis=spot.commune.nis, commune_name=spot.commune.name_fr,
            postcode=spot.postcode or place.postcode, locality=spot.locality or place.locality)
        return LocateOutcome(located, ok=True, source=source, note=note)

    def _commune_near(self, lat: float, lon: float, place: Place) -> Optional[Commune]:
        """The commune of a point found for place; None outside the area."""
        return self.geography.commune_for_venue(lat, lon, place.postcode.strip())

    # -- manual coordinates --------------------------------------------------------------
    def _manual(self, place: Place) -> LocateOutcome:
        lat, lon = place.lat, place.lon
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _Problem(f"Coordonnées invalides : {lat}, {lon}.")
        commune = self._commune_near(lat, lon, place)
        if commune is None:
            raise _Problem(f"Coordonnées hors de Wallonie et de Bruxelles : {lat:.5f}, "
                           f"{lon:.5f}. Vérifiez la latitude et la longitude.")
        self._check_named_commune(place, commune)
        precision = place.precision if place.precision in PRECISIONS else "exact"
        return LocateOutcome(dataclasses.replace(place, precision=precision,
                                                 commune_nis=commune.nis,
                                                 commune_name=commune.name_fr),
                             ok=True, source="manual")

    # -- street address: cache, then online -----------------------------------------------
    def _from_street(self, place: Place, fallback: _Spot):
        """(spot or None, source, note); only ever improves on the offline spot."""
        query = street_query(place)
        if self.online is not None:
            known, found = self.online.cached(query)
            source = "cache" if known else "online"
            if not known:
                try:
                    found = self.online.geocode(query)
                except GeopyError as error:
                    return None, "", f"Géocodeur en ligne indisponible ({error})."
        else:
            value = self.cache.cache_get(cache_key(query)) if self.cache is not None else None
            if value is None:
                return None, "", ""
            found, source = location_from_cached(value), "cache"
        placed = f"placé {PRECISION_WORDS[fallback.precision]}."
        if found is None:
            return None, "", f"Adresse introuvable en ligne : « {query} » ; {placed}"
        commune = self._commune_near(found.latitude, found.longitude, place)
        if commune is None:
            return None, "", ("Le géocodeur en ligne propose un point hors de Wallonie et "
                              f"de Bruxelles pour « {query} » : ignoré, {placed}")
        if commune.nis != fallback.commune.nis:
            return None, "", (f"Le géocodeur en ligne place « {query} » à {commune.name_fr}, "
                              f"pas à {fallback.commune.name_fr} : ignoré, {placed}")
        precision = found.raw.get("precision", "locality")
        if PRECISIONS.index(precision) >= PRECISIONS.index(fallback.precision):
            return None, "", ""
        return (_Spot(found.latitude, found.longitude, precision, commune,
                      fallback.postcode, fallback.locality), source, "")

    # -- names: postcode, locality, commune ----------------------------------------------
    def _from_names(self, place: Place) -> _Spot:
        postcode, locality = place.postcode.strip(), place.locality.strip()
        named = self._named_commune(place)
        if postcode:
            return self._from_postcode(postcode, locality, named)
        if locality:
            return self._from_locality(locality, named)
        if named is not None:
            return self._commune_spot(named)
        raise _Problem("Ni code postal, ni localité, ni commune : impossible de placer ce lieu.")

    def _offline(self, query: str, what: str = "", detail: str = "") -> Location:
        """The offline geocoder's place for query, or the problem saying why there is none."""
        found = self.offline.geocode(query)
        if found is None:
            raise _Problem(not_placed_message(self.offline.why_not(query), query, what, detail))
        return found

    def _from_postcode(self, postcode: str, locality: str, named: Optional[Commune]) -> _Spot:
        query = f"{postcode} {locality}".strip()
        every = self.offline.geocode(postcode, exactly_one=False)   # each locality of it
        if not every:
            self._offline(query)                    # raises: why there is no such postcode
        communes = {loc.raw["commune_nis"]: self.geography.communes[loc.raw["commune_nis"]]
                    for loc in every}
        names = ", ".join(sorted(c.name_fr for c in communes.values()))
        if named is not None and named.nis not in communes:
            raise _Problem(f"Le code postal {postcode} ({names}) ne correspond pas à la "
                           f"commune « {named.name_fr} » : lequel est juste ?")
        why = ""
        if locality:
            found = self.offline.geocode(query)
            if found is not None:
                return self._spot_of(found)
            resolved = self.offline.why_not(query)
            if resolved.status != "mismatch":      # a place under another postcode
                raise _Problem(not_placed_message(resolved, query, what="Incohérence"))
            why = f"« {locality} » n'est pas une localité du code postal {postcode}"
        elif len(every) == 1:
            return self._spot_of(every[0])
        if named is None and len(communes) > 1:
            raise _Problem(f"Le code postal {postcode} couvre plusieurs communes ({names}) : "
                           "précisez la commune ou la localité.")
        return self._commune_spot(named or next(iter(communes.values())), why)

    def _from_locality(self, locality: str, named: Optional[Commune]) -> _Spot:
        if named is None:
            return self._spot_of(self._offline(locality))
        query = f"{locality} ({named.name_fr})"   # the commune as a hint, as people write it
        found = self.offline.geocode(query)
        if found is not None and found.raw["commune_nis"] == named.nis:
            return self._spot_of(found)
        if found is None and self.offline.why_not(query).status == "not_found":
            # a hamlet, a district: the commune, honestly
            return self._commune_spot(
                named, f"« {locality} » n'est pas une localité postale de {named.name_fr}")
        where = f" ({found.raw['commune_name']})" if found is not None else ""
        detail = f"« {locality} »{where} n'est pas dans la commune « {named.name_fr} »."
        if found is None:
            self._offline(query, what="Incohérence", detail=detail)   # raises, with why
        raise _Problem(f"Incohérence : « {query} ». {detail}")

    def _named_commune(self, place: Place) -> Optional[Commune]:
        given = place.commune_nis.strip() or place.commune_name.strip()
        if not given:
            return None
        commune = self.geography.find_commune(given)
        if commune is None:
            raise _Problem(not_placed_message(self.offline.why_not(given), given,
                                              what="Commune introuvable"))
        return commune

    def _check_named_commune(self, place: Place, commune: Commune) -> None:
        named = self._named_commune(place)
        if named is not None and named.nis != commune.nis:
            given = place.commune_name or place.commune_nis
            raise _Problem(f"La commune indiquée, « {given} », ne correspond pas au lieu "
                           f"trouvé, à {commune.name_fr} : lequel est juste ?")

    def _commune_spot(self, commune: Commune, why: str = "") -> _Spot:
        spot = self._spot_of(self._offline(commune.name_fr))   # its representative point
        return dataclasses.replace(spot, precision="commune", commune=commune, postcode="",
                                   locality="",
                                   note=f"{why} : placé au centre de la commune." if why else "")

    def _spot_of(self, found: Location) -> _Spot:
        raw = found.raw
        commune = self.geography.communes[raw["commune_nis"]]
        if raw["precision"] != "locality":
            return _Spot(found.latitude, found.longitude, "commune", commune, note=raw["note"])
        return _Spot(found.latitude, found.longitude, "locality", commune,
                     raw["postcode"] or "", raw["locality"] or "", note=raw["note"])


def street_query(place: Place) -> str:
    """The free-form address sent to Nominatim (and the source of its cache key)."""
    town = " ".join(p for p in (place.postcode.strip(),
                                place.locality.strip() or place.commune_name.strip()) if p)
    return ", ".join(p for p in (place.street.strip(), town) if p)


def not_placed_message(resolved: Resolved, query: str, what: str = "",
                       detail: str = "") -> str:
    """French sentences for a name the geography could not turn into one place."""
    if resolved.status == "outside":
        text = f"Hors de Wallonie et de Bruxelles : « {query} »."
    else:
        what = what or ("Lieu ambigu" if resolved.status == "ambiguous"
                        else "Adresse introuvable")
        text = f"{what} : « {query} »."
        detail = detail or resolved.message
    if detail:
        text += f" {detail}"
    if resolved.suggestions:
        text += f" Suggestions : {', '.join(resolved.suggestions[:5])}."
    return text


def build_geocoder_chain(geography, *, online_enabled: bool, cache: Optional[GeocodeCache],
                         user_agent: str, nominatim_domain: Optional[str] = None,
                         nominatim_scheme: str = "https",
                         min_delay_seconds: float = 1.0) -> GeocodingChain:
    """The chain the app and the importer use. Online only when asked, and with a cache."""
    online = None
    if online_enabled:
        if cache is None:
            raise ValueError("Le géocodage en ligne demande un cache persistant.")
        online = OnlineGeocoder(cache, user_agent, domain=nominatim_domain or NOMINATIM_DOMAIN,
                                scheme=nominatim_scheme, min_delay_seconds=min_delay_seconds)
    return GeocodingChain(geography, OfflineGeocoder(geography), online=online, cache=cache)
