"""Geocoders, built like geopy's: one small interface per provider.

- OfflineGeocoder: a geopy Geocoder answering from the reference geography (no network).
- OnlineGeocoder (opt-in): geopy's Nominatim behind a RateLimiter and a persistent cache;
  the same address is never asked twice, "not found" answers included.

finder/geocoding.py chains them. No SQL here: the cache is any object with
cache_get/cache_put (finder.store.Store is one).
"""
from __future__ import annotations

from typing import Any, Optional, Protocol

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .models import Commune, Resolved
from .text import fold

APP_USER_AGENT = "entraide-finder/0.1"
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"


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


def location_from_cached(value: Optional[dict]) -> Optional[Location]:
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
        return value is not None, location_from_cached(value)

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
        return location_from_cached(value)
