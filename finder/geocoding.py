"""Turning a meeting place (postcode, locality, commune, street) into a point.

Built like geopy: one small interface per provider.

- OfflineGeocoder: a geopy Geocoder answering from the reference geography (no network).
- OnlineGeocoder (opt-in): geopy's Nominatim behind a RateLimiter and a persistent cache;
  the same address is never asked twice, "not found" answers included.
- GeocodingChain.locate(place): manual coordinates -> cached/online street address ->
  offline postcode/locality/commune. Nothing is placed silently at a wrong spot: names that
  cannot be resolved, or that contradict each other, give ok=False and a French message.

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

from .models import PRECISIONS, Commune, Place, Resolved
from .text import fold

APP_USER_AGENT = "entraide-finder/0.1"
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
_CACHE_PREFIX = "nominatim:"


def user_agent_for(contact: str = "") -> str:
    """The User-Agent Nominatim's usage policy asks for: the app and a way to reach us."""
    return f"{APP_USER_AGENT} (+{contact})" if contact else APP_USER_AGENT


class GeocodeCache(Protocol):
    """A persistent key -> JSON-able dict store (finder.store.Store implements it)."""

    def cache_get(self, key: str) -> Optional[dict]: ...

    def cache_put(self, key: str, value: dict) -> None: ...


class _NoNetworkAdapter(BaseSyncAdapter):
    """Given to the offline geocoder so that it cannot reach the network, even by mistake."""

    def get_json(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeopyError("OfflineGeocoder makes no HTTP request")

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeopyError("OfflineGeocoder makes no HTTP request")


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
        """"5000 Beez", "Alleur", "Mons", "4432"... -> Location, or None (not found,
        ambiguous, outside Wallonia-Brussels). exactly_one=False gives every candidate,
        e.g. all the localities of a postcode."""
        text = str(query or "").strip()
        if not exactly_one:
            return self._candidates(text)
        resolved = self.geography.resolve(text)
        return self.location_from_resolved(resolved) if resolved.ok else None

    def _candidates(self, text: str) -> list[Location]:
        if text.isdigit():
            localities = self.geography.localities_for_postcode(text)
            if localities:
                return [self._locality_location(loc) for loc in localities]
        resolved = self.geography.resolve(text)
        if resolved.ok:
            return [self.location_from_resolved(resolved)]
        found = (self.geography.resolve(s) for s in resolved.suggestions)
        return [self.location_from_resolved(r) for r in found if r.ok]

    def reverse(self, query, exactly_one=True, timeout=None):
        """The commune at a point (and its nearest postal locality), None outside."""
        point = Point(query)
        commune = self.geography.commune_at(point.latitude, point.longitude)
        if commune is None:
            return None
        nearest = _nearest_locality(self.geography, commune.nis, point)
        raw = _raw("commune", nearest.postcode if nearest else None,
                   nearest.name if nearest else None, commune)
        address = _address(raw["postcode"], raw["locality"], commune)
        location = Location(address, (point.latitude, point.longitude), raw)
        return location if exactly_one else [location]

    def location_from_resolved(self, resolved: Resolved) -> Location:
        raw = _raw(resolved.precision, resolved.postcode, resolved.locality, resolved.commune)
        address = _address(resolved.postcode, resolved.locality, resolved.commune)
        return Location(address, (resolved.lat, resolved.lon), raw)

    def _locality_location(self, loc) -> Location:
        commune = self.geography.communes.get(loc.nis)
        raw = _raw("locality", loc.postcode, loc.name, commune)
        return Location(_address(loc.postcode, loc.name, commune), (loc.lat, loc.lon), raw)


def _raw(precision, postcode, locality, commune: Optional[Commune]) -> dict:
    return {"source": "offline", "precision": precision, "postcode": postcode,
            "locality": locality, "commune_nis": commune.nis if commune else None,
            "commune_name": commune.name_fr if commune else None}


def _address(postcode, locality, commune: Optional[Commune]) -> str:
    town = " ".join(p for p in (postcode, locality) if p)
    name = commune.name_fr if commune else ""
    return ", ".join(p for p in (town, name) if p) or name


def _nearest_locality(geography, nis: str, point: Point):
    candidates = [loc for loc in geography.localities if loc.nis == nis]
    key = lambda loc: (loc.lat - point.latitude) ** 2 + (loc.lon - point.longitude) ** 2
    return min(candidates, key=key, default=None)


# ---------------------------------------------------------------------------------------
# Online (opt-in): Nominatim, politely
# ---------------------------------------------------------------------------------------
def cache_key(query: str) -> str:
    """The normalized form under which an online answer is kept."""
    return _CACHE_PREFIX + fold(query)


def _location_from_cached(value: Optional[dict]) -> Optional[Location]:
    if not value or not value.get("found"):
        return None
    return Location(value.get("address", ""), (value["lat"], value["lon"]), value)


def nominatim_precision(raw: dict) -> str:
    """"exact" when Nominatim matched a house number or a road, else "locality"."""
    address = raw.get("address") or {}
    if "house_number" in address or raw.get("class") in ("highway", "building"):
        return "exact"
    if raw.get("type") == "house" or raw.get("addresstype") in ("road", "building"):
        return "exact"
    return "locality"


class OnlineGeocoder:
    """Nominatim (country_codes="be") behind a RateLimiter and a persistent cache.

    geocode(query) answers from the cache when it can; otherwise asks Nominatim once and
    keeps the answer, "not found" included. Network errors are raised, never cached.
    """

    def __init__(self, cache: GeocodeCache, user_agent: str, *,
                 domain: str = NOMINATIM_DOMAIN, scheme: str = "https",
                 min_delay_seconds: float = 1.0, timeout: float = 10.0,
                 max_retries: int = 1, error_wait_seconds: float = 5.0,
                 proxies: Any = None):
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
    """place: a copy of the place, located (ok) or with no point at all (not ok)."""
    place: Place
    ok: bool
    problem: str = ""   # French, why it could not be placed
    source: str = ""    # "manual" | "cache" | "online" | "offline"
    note: str = ""      # French, a remark that did not prevent placing it


@dataclass(frozen=True)
class _Spot:
    lat: float
    lon: float
    precision: str
    commune: Commune
    postcode: str = ""
    locality: str = ""


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
            spot, source, note = self._from_names(place), "offline", ""
            if place.street.strip():
                better, street_source, note = self._from_street(place, spot)
                if better is not None:
                    spot, source = better, street_source
            self._check_named_commune(place, spot.commune)
        except _Problem as problem:
            return LocateOutcome(dataclasses.replace(place, lat=None, lon=None, precision=""),
                                 ok=False, problem=str(problem))
        located = dataclasses.replace(
            place, lat=spot.lat, lon=spot.lon, precision=spot.precision,
            commune_nis=spot.commune.nis, commune_name=spot.commune.name_fr,
            postcode=spot.postcode or place.postcode, locality=spot.locality or place.locality)
        return LocateOutcome(located, ok=True, source=source, note=note)

    # -- manual coordinates --------------------------------------------------------------
    def _manual(self, place: Place) -> LocateOutcome:
        lat, lon = place.lat, place.lon
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _Problem(f"Coordonnées invalides : {lat}, {lon}.")
        commune = self.geography.commune_at(lat, lon)
        if commune is None and self.geography.in_service_area(lat, lon):
            commune = self._named_commune(place)
        if commune is None:
            raise _Problem(f"Coordonnées hors de Wallonie et de Bruxelles : "
                           f"{lat:.5f}, {lon:.5f}. Vérifiez la latitude et la longitude.")
        self._check_named_commune(place, commune)
        precision = place.precision if place.precision in PRECISIONS else "exact"
        located = dataclasses.replace(place, precision=precision, commune_nis=commune.nis,
                                      commune_name=commune.name_fr)
        return LocateOutcome(located, ok=True, source="manual")

    # -- street address: cache, then online -----------------------------------------------
    def _from_street(self, place: Place, fallback: _Spot):
        """(spot or None, source, note). Only ever improves on the offline spot."""
        query = street_query(place)
        if self.online is not None:
            known, found = self.online.cached(query)
            source = "cache" if known else "online"
            if not known:
                try:
                    found = self.online.geocode(query)
                except GeopyError as error:
                    return None, "", f"Géocodeur en ligne indisponible ({error})."
        elif self.cache is not None:
            value = self.cache.cache_get(cache_key(query))
            if value is None:
                return None, "", ""
            found, source = _location_from_cached(value), "cache"
        else:
            return None, "", ""
        fallback_label = PRECISION_WORDS[fallback.precision]
        if found is None:
            return None, "", (f"Rue introuvable en ligne : « {query} » ; "
                              f"placé {fallback_label}.")
        lat, lon = found.latitude, found.longitude
        commune = self.geography.commune_at(lat, lon)
        if commune is None and self.geography.in_service_area(lat, lon):
            commune = fallback.commune
        if commune is None:
            return None, "", ("Le géocodeur en ligne propose un point hors de Wallonie et de "
                              f"Bruxelles pour « {query} » : ignoré, placé {fallback_label}.")
        if commune.nis != fallback.commune.nis:
            return None, "", (f"Le géocodeur en ligne place « {query} » à {commune.name_fr}, "
                              f"pas à {fallback.commune.name_fr} : ignoré, placé "
                              f"{fallback_label}.")
        precision = found.raw.get("precision", "locality")
        if PRECISIONS.index(precision) >= PRECISIONS.index(fallback.precision):
            return None, "", ""
        return (_Spot(lat, lon, precision, commune, fallback.postcode, fallback.locality),
                source, "")

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

    def _from_postcode(self, postcode: str, locality: str, named: Optional[Commune]) -> _Spot:
        localities = list(self.geography.localities_for_postcode(postcode))
        if not localities:
            query = f"{postcode} {locality}".strip()
            raise _Problem(not_placed_message(self.geography.resolve(query), query))
        if locality:
            for candidate in localities:
                if fold(candidate.name) == fold(locality):
                    return self._locality_spot(candidate)
            elsewhere = self.geography.resolve(locality)
            if elsewhere.ok and elsewhere.commune and elsewhere.commune.nis not in {
                    c.nis for c in localities}:
                raise _Problem(
                    f"Le code postal {postcode} ne correspond pas à « {locality} » "
                    f"({_address(elsewhere.postcode, elsewhere.locality, elsewhere.commune)}).")
        communes = {c.nis: self.geography.communes[c.nis] for c in localities}
        names = ", ".join(sorted(c.name_fr for c in communes.values()))
        if named is not None and named.nis not in communes:
            raise _Problem(f"Le code postal {postcode} ({names}) ne correspond pas à la "
                           f"commune « {named.name_fr} » : lequel est juste ?")
        if not locality and len(localities) == 1:
            return self._locality_spot(localities[0])
        if named is not None:
            return self._commune_spot(named)
        if len(communes) == 1:
            return self._commune_spot(next(iter(communes.values())))
        raise _Problem(f"Le code postal {postcode} couvre plusieurs communes ({names}) : "
                       "précisez la commune ou la localité.")

    def _from_locality(self, locality: str, named: Optional[Commune]) -> _Spot:
        query = f"{locality} {named.name_fr}" if named is not None else locality
        resolved = self.geography.resolve(locality)
        if named is not None and not (resolved.ok and resolved.commune
                                      and resolved.commune.nis == named.nis):
            within = self._resolved_within(resolved, named)
            if within is None:   # not a postal locality of that commune: the commune, honestly
                return self._commune_spot(named)
            resolved = within
        if not resolved.ok:
            raise _Problem(not_placed_message(resolved, query))
        if resolved.precision == "locality":
            return _Spot(resolved.lat, resolved.lon, "locality", resolved.commune,
                         resolved.postcode or "", resolved.locality or "")
        return self._commune_spot(resolved.commune)

    def _resolved_within(self, resolved: Resolved, commune: Commune) -> Optional[Resolved]:
        """Among an ambiguous answer's suggestions, the one locality inside `commune`."""
        if resolved.status != "ambiguous":
            return None
        inside = [r for r in map(self.geography.resolve, resolved.suggestions)
                  if r.ok and r.precision == "locality" and r.commune
                  and r.commune.nis == commune.nis]
        return inside[0] if len(inside) == 1 else None

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

    def _locality_spot(self, locality) -> _Spot:
        return _Spot(locality.lat, locality.lon, "locality",
                     self.geography.communes[locality.nis], locality.postcode, locality.name)

    def _commune_spot(self, commune: Commune) -> _Spot:
        lat, lon = self.geography.representative_point(commune.nis)
        return _Spot(lat, lon, "commune", commune)


PRECISION_WORDS = {"exact": "à l'adresse", "locality": "au centre de la localité",
                   "commune": "au centre de la commune"}


def street_query(place: Place) -> str:
    """The free-form address sent to Nominatim (and the cache key's source)."""
    town = " ".join(p for p in (place.postcode.strip(),
                                place.locality.strip() or place.commune_name.strip()) if p)
    return ", ".join(p for p in (place.street.strip(), town) if p)


def not_placed_message(resolved: Resolved, query: str, what: str = "") -> str:
    """French sentence for a name the geography could not turn into one place."""
    if resolved.status == "outside":
        text = f"Hors de Wallonie et de Bruxelles : « {query} »."
    elif resolved.status == "ambiguous":
        text = f"{what or 'Lieu ambigu'} : « {query} » désigne plusieurs endroits."
    else:
        text = f"{what or 'Adresse introuvable'} : « {query} »."
    if resolved.suggestions:
        label = "Précisez" if resolved.status == "ambiguous" else "Suggestions"
        text += f" {label} : {', '.join(resolved.suggestions[:5])}."
    return text


def build_geocoder_chain(geography, *, online_enabled: bool, cache: Optional[GeocodeCache],
                         user_agent: str, nominatim_domain: Optional[str] = None,
                         nominatim_scheme: str = "https",
                         min_delay_seconds: float = 1.0) -> GeocodingChain:
    """The chain the app and the importer use. Online only when asked, with a cache."""
    online = None
    if online_enabled:
        if cache is None:
            raise ValueError("Le géocodage en ligne demande un cache persistant.")
        online = OnlineGeocoder(cache, user_agent, domain=nominatim_domain or NOMINATIM_DOMAIN,
                                scheme=nominatim_scheme, min_delay_seconds=min_delay_seconds)
    return GeocodingChain(geography, OfflineGeocoder(geography), online=online, cache=cache)
