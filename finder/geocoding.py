"""Turning a meeting place (street, postcode, locality, commune) into a point.

Built like geopy: one small interface per provider.

- OfflineGeocoder: a geopy Geocoder answering from the reference geography (no network).
- OnlineGeocoder (opt-in): geopy's Nominatim behind a RateLimiter and a persistent cache;
  the same address is never asked twice, "not found" answers included.
- GeocodingChain.locate(place): manual coordinates -> cached or online street address ->
  offline postcode/locality/commune, the last through OfflineGeocoder.geocode() (the one
  path tests and production share). Nothing is placed silently at a wrong spot: names that
  cannot be resolved, or that contradict each other, give ok=False and a French message; a
  point outside every commune is outside the area unless it lies on the border of its
  postcode's commune (Geography.commune_for_venue).

No SQL here: the cache is any object with cache_get/cache_put (finder.store.Store is one).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional, Protocol

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .models import PRECISIONS, Commune, Locality, Place, Resolved
from .text import fold

APP_USER_AGENT = "entraide-finder/0.1"
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
PRECISION_WORDS = {"exact": "à l'adresse", "locality": "au centre de la localité",
                   "commune": "au centre de la commune"}


class GeocodeCache(Protocol):
    """A persistent key -> JSON-able dict store (finder.store.Store implements it)."""

    def cache_get(self, key: str) -> Optional[dict]: ...

    def cache_put(self, key: str, value: dict) -> None: ...


class _NoNetworkAdapter(BaseSyncAdapter):
    """The offline geocoder's HTTP adapter: it cannot reach the network, even by mistake."""

    def get_json(self, url, *, timeout, headers):
        raise GeopyError("OfflineGeocoder makes no HTTP request")

    get_text = get_json


# ---------------------------------------------------------------------------------------
# Offline: the reference geography as a geopy geocoder
# ---------------------------------------------------------------------------------------
class OfflineGeocoder(Geocoder):
    """geopy Geocoder over the postcode/commune reference data. Never does any I/O."""

    def __init__(self, geography):
        super().__init__(scheme="https", timeout=None, proxies={}, ssl_context=None,
                         user_agent=APP_USER_AGENT, adapter_factory=_NoNetworkAdapter)
        self.geography = geography

    def geocode(self, query, exactly_one=True, timeout=None):
        """"5000 Beez", "Alleur", "Mons", "4432"... -> Location, or None when not found,
        ambiguous or outside Wallonia-Brussels. exactly_one=False: a list of every
        candidate (all the localities of a postcode, each meaning of an ambiguous name)."""
        resolved = self.why_not(query)
        if exactly_one:
            return self._location(resolved) if resolved.ok else None
        if resolved.status not in ("ok", "ambiguous"):
            return []
        others = [self.geography.resolve(s) for s in resolved.suggestions]
        candidates = [r for r in [resolved, *others] if r.ok]
        return list({loc.address: loc for loc in map(self._location, candidates)}.values())

    def why_not(self, query) -> Resolved:
        """The gazetteer's whole answer for query: for a None from geocode(), the reason
        (status, French message, suggestions)."""
        return self.geography.resolve(str(query or "").strip())

    def reverse(self, query, exactly_one=True, timeout=None):
        """The commune at a point, with its nearest postal locality; None outside."""
        point = Point(query)
        commune = self.geography.commune_at(point.latitude, point.longitude)
        if commune is None:
            return None
        near = min(self.geography.localities_of_commune(commune.nis), default=None,
                   key=lambda l: (l.lat - point.latitude) ** 2 + (l.lon - point.longitude) ** 2)
        raw = _raw("commune", near.postcode if near else None, near.name if near else None,
                   commune)
        location = Location(_address(raw["postcode"], raw["locality"], commune),
                            (point.latitude, point.longitude), raw)
        return location if exactly_one else [location]

    def _location(self, resolved: Resolved) -> Location:
        raw = _raw(resolved.precision, resolved.postcode, resolved.locality, resolved.commune)
        raw["note"] = resolved.message
        address = _address(resolved.postcode, resolved.locality, resolved.commune)
        return Location(address, (resolved.lat, resolved.lon), raw)


def _raw(precision, postcode, locality, commune: Optional[Commune]) -> dict:
    return {"source": "offline", "precision": precision, "postcode": postcode,
            "locality": locality, "commune_nis": commune.nis if commune else None,
            "commune_name": commune.name_fr if commune else None}


def _address(postcode, locality, commune: Optional[Commune]) -> str:
    """'5000 Beez, Namur'; '7000 Mons' for a commune alone."""
    name = commune.name_fr if commune else ""
    town = " ".join(p for p in (postcode, locality or name) if p)
    return f"{town}, {name}" if locality and name else town


# ---------------------------------------------------------------------------------------
# Online (opt-in): Nominatim, politely
# ---------------------------------------------------------------------------------------
def cache_key(query: str) -> str:
    """The normalized form under which an online answer is kept."""
    return "nominatim:" + fold(query)


def _location_from_cached(value: Optional[dict]) -> Optional[Location]:
    if not value or not value.get("found"):
        return None
    return Location(value.get("address") or "", (value["lat"], value["lon"]), value)


def nominatim_precision(raw: dict) -> str:
    """"exact" when Nominatim matched a house number or a road, else "locality"."""
    if "house_number" in (raw.get("address") or {}):
        return "exact"
    if raw.get("class") in ("highway", "building") or raw.get("type") == "house":
        return "exact"
    return "exact" if raw.get("addresstype") in ("road", "building") else "locality"


class OnlineGeocoder:
    """Nominatim (country_codes="be") behind a RateLimiter and a persistent cache.

    geocode(query) answers from the cache when it can; otherwise asks Nominatim once and
    keeps the answer, "not found" included. Errors are raised (GeopyError), never cached.
    """

    def __init__(self, cache: GeocodeCache, user_agent: str, *,
                 domain: str = NOMINATIM_DOMAIN, scheme: str = "https",
                 min_delay_seconds: float = 1.0, timeout: float = 10.0,
                 max_retries: int = 1, error_wait_seconds: float = 5.0, proxies: Any = None):
        if not user_agent or user_agent.startswith("geopy/"):
            raise ValueError("Nominatim demande un User-Agent propre à l'application.")
        self.cache = cache
        self.nominatim = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme,
                                   timeout=timeout, proxies=proxies)
        self._geocode = RateLimiter(self.nominatim.geocode,
                                    min_delay_seconds=min_delay_seconds,
                                    max_retries=max_retries,
                                    error_wait_seconds=error_wait_seconds,
                                    swallow_exceptions=False)
        self.requests_made = 0

    def cached(self, query: str) -> tuple[bool, Optional[Location]]:
        """(known, location): known is False when the query was never asked."""
        value = self.cache.cache_get(cache_key(query))
        return value is not None, _location_from_cached(value)

    def geocode(self, query: str) -> Optional[Location]:
        known, location = self.cached(query)
        if known:
            return location
        self.requests_made += 1
        found = self._geocode(query, exactly_one=True, addressdetails=True,
                              country_codes="be")
        value: dict = {"query": query, "found": found is not None}
        if found is not None:
            raw = found.raw or {}
            value.update(lat=found.latitude, lon=found.longitude, address=found.address,
                         precision=nominatim_precision(raw),
                         osm_class=raw.get("class"), osm_type=raw.get("type"))
        self.cache.cache_put(cache_key(query), value)
        return _location_from_cached(value)


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
            found, source = _location_from_cached(value), "cache"
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
            raise _Problem(not_placed_message(self.geography.resolve(given), given,
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
