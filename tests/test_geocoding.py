"""Geocoding: offline from the reference geography, online (opt-in) through a cache.

No test reaches the internet: the online geocoder talks to a stub Nominatim served on
127.0.0.1 by a thread, which counts the requests it gets.
"""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from finder.config import defaults
from finder.geocoding import (GeocodingChain, OfflineGeocoder, OnlineGeocoder,
                              build_geocoder_chain, cache_key, street_query)
from finder.geography import load_geography
from finder.models import Place

USER_AGENT = "entraide-finder/0.1 (+tests@example.org)"
NAMUR, BEAUVECHAIN, ANS, MONS, WOLUWE_ST_PIERRE, IXELLES = (
    "92094", "25005", "62003", "53053", "21019", "21009")
LILLE = (50.6367, 3.0633)
RUE_DE_FER = Place(street="Rue de Fer 1", postcode="5000", locality="Namur",
                   commune_name="Namur")


class DictCache:
    """The GeocodeCache protocol over a dict; values go through JSON like in the store."""

    def __init__(self):
        self.data: dict[str, str] = {}

    def cache_get(self, key):
        return json.loads(self.data[key]) if key in self.data else None

    def cache_put(self, key, value):
        self.data[key] = json.dumps(value)


class StubNominatim:
    """Nominatim-like /search on 127.0.0.1: answers[q] is a result list or an HTTP status."""

    def __init__(self):
        self.answers: dict[str, object] = {}
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                stub.requests.append({"path": url.path, "params": params,
                                      "user_agent": self.headers.get("User-Agent")})
                answer = stub.answers.get(params.get("q"), [])
                if isinstance(answer, int):
                    self.send_error(answer)
                    return
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def nominatim_result(lat, lon, name, **address):
    return [{"place_id": 1, "lat": str(lat), "lon": str(lon), "display_name": name,
             "class": "building" if "house_number" in address else "place",
             "type": "yes" if "house_number" in address else "village",
             "address": {"country_code": "be", **address}}]


@pytest.fixture(scope="module")
def geo(geo_dir):
    return load_geography(geo_dir)


@pytest.fixture
def offline(geo):
    return OfflineGeocoder(geo)


@pytest.fixture
def chain(geo):
    return GeocodingChain(geo, OfflineGeocoder(geo))


@pytest.fixture
def nominatim():
    stub = StubNominatim()
    stub.answers[street_query(RUE_DE_FER)] = nominatim_result(
        50.46693, 4.86590, "1, Rue de Fer, Namur, 5000, Belgique",
        house_number="1", road="Rue de Fer", postcode="5000", city="Namur")
    yield stub
    stub.close()


def online_geocoder(stub, cache, **options):
    options.setdefault("min_delay_seconds", 0)
    options.setdefault("proxies", {})   # straight to 127.0.0.1, whatever the environment
    return OnlineGeocoder(cache, USER_AGENT, domain=stub.domain, scheme="http", **options)


def online_chain(geo, stub, cache, **options):
    online = online_geocoder(stub, cache, **options)
    return GeocodingChain(geo, OfflineGeocoder(geo), online=online)


# --- the offline geocoder is a geopy geocoder ---------------------------------------------

def test_offline_geocoder_is_a_geopy_geocoder_returning_locations(offline):
    assert isinstance(offline, Geocoder)
    beez = offline.geocode("5000 Beez")
    assert isinstance(beez, Location)
    assert beez.address == "5000 Beez, Namur"
    assert beez.latitude == pytest.approx(50.4687, abs=1e-3)
    assert beez.longitude == pytest.approx(4.9220, abs=1e-3)
    assert beez.raw["precision"] == "locality"
    assert (beez.raw["postcode"], beez.raw["locality"]) == ("5000", "Beez")
    assert (beez.raw["commune_nis"], beez.raw["commune_name"]) == (NAMUR, "Namur")


def test_offline_geocoder_lists_every_locality_of_a_postcode(offline):
    namur = offline.geocode("5000")
    assert namur.address == "5000 Namur, Namur"
    every = offline.geocode("5000", exactly_one=False)
    assert [loc.address for loc in every] == ["5000 Namur, Namur", "5000 Beez, Namur"]


def test_offline_geocoder_gives_a_commune_at_commune_precision(offline):
    mons = offline.geocode("Mons")
    assert mons.raw["precision"] == "commune" and mons.raw["commune_nis"] == MONS


def test_offline_geocoder_answers_none_outside_or_unknown(offline):
    assert offline.geocode("9000 Gent") is None          # Flanders
    assert offline.geocode("5999 Nulle-Part") is None    # no such postcode
    assert offline.geocode("Nulle-Part-sur-Rien") is None
    assert offline.geocode("5999 Nulle-Part", exactly_one=False) == []


def test_offline_reverse_gives_commune_and_nearest_locality(offline):
    beez = offline.reverse((50.4687, 4.9219))
    assert beez.raw["commune_nis"] == NAMUR and beez.raw["locality"] == "Beez"
    assert beez.address == "5000 Beez, Namur"
    assert offline.reverse("50.6367, 3.0633") is None    # Lille


def test_offline_geocoder_never_opens_a_socket(offline, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network used")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert offline.geocode("1320 L'Écluse").raw["commune_nis"] == BEAUVECHAIN
    assert offline.reverse((50.4687, 4.9219)) is not None


# --- the chain, offline ---------------------------------------------------------------

def test_postcode_and_locality_place_at_the_locality(chain):
    outcome = chain.locate(Place(postcode="5000", locality="Beez"))
    assert outcome.ok and outcome.source == "offline"
    place = outcome.place
    assert (place.precision, place.commune_nis, place.commune_name) == ("locality", NAMUR,
                                                                        "Namur")
    assert (place.lat, place.lon) == pytest.approx((50.4687, 4.9220), abs=1e-3)


def test_l_ecluse_outside_every_outline_is_placed_in_beauvechain(chain, geo):
    outcome = chain.locate(Place(postcode="1320", locality="L'Écluse"))
    assert outcome.ok and outcome.place.precision == "locality"
    assert outcome.place.commune_nis == BEAUVECHAIN
    assert outcome.place.commune_name == "Beauvechain"
    assert geo.commune_at(outcome.place.lat, outcome.place.lon) is None  # the trap itself


@pytest.mark.parametrize("place", [Place(postcode="6831"),
                                   Place(postcode="6831", locality="Noirfontaine"),
                                   Place(locality="Noirfontaine", commune_name="Bouillon")])
def test_a_locality_whose_point_is_a_homonym_is_placed_in_its_commune(chain, geo, place):
    """6831 Noirfontaine's geocoded point is near Liège: the row goes to Bouillon's point."""
    outcome = chain.locate(place)
    assert outcome.ok, outcome.problem
    assert (outcome.place.commune_name, outcome.place.precision) == ("Bouillon", "commune")
    assert geo.commune_at(outcome.place.lat, outcome.place.lon).name_fr == "Bouillon"


def test_locality_and_its_commune_give_the_locality(chain):
    outcome = chain.locate(Place(postcode="4432", locality="Alleur", commune_name="Ans"))
    assert outcome.ok
    assert (outcome.place.precision, outcome.place.commune_nis) == ("locality", ANS)
    assert outcome.place.locality == "Alleur"


def test_a_commune_alone_is_placed_at_its_representative_point(chain, geo):
    outcome = chain.locate(Place(commune_name="Mons"))
    assert outcome.ok and outcome.place.precision == "commune"
    assert outcome.place.commune_nis == MONS
    assert (outcome.place.lat, outcome.place.lon) == geo.representative_point(MONS)


def test_dutch_commune_name_is_understood(chain):
    outcome = chain.locate(Place(commune_name="Elsene"))
    assert outcome.ok and outcome.place.commune_name == "Ixelles"
    assert outcome.place.commune_nis == IXELLES


def test_a_district_that_is_no_postal_locality_falls_back_to_its_commune(chain, geo):
    outcome = chain.locate(Place(locality="Salzinnes", commune_name="Namur"))
    assert outcome.ok
    assert (outcome.place.precision, outcome.place.commune_nis) == ("commune", NAMUR)
    assert (outcome.place.lat, outcome.place.lon) == geo.representative_point(NAMUR)
    assert "Salzinnes" in outcome.note and "centre de la commune" in outcome.note


@pytest.mark.parametrize("place, postcode, locality", [
    (Place(locality="Stockel", commune_name="Woluwe-Saint-Pierre"), "1150",
     "Woluwe-Saint-Pierre"),
    (Place(locality="Mousty", commune_name="Ottignies-Louvain-la-Neuve"), "1341",
     "Céroux-Mousty"),
    (Place(postcode="1348", locality="LLN"), "1348", "Louvain-La-Neuve"),
    (Place(locality="Laeken", commune_name="Bruxelles"), "1020", "Laeken"),
])
def test_everyday_names_of_the_alias_list_are_placed_at_locality_precision(
        chain, place, postcode, locality):
    """The demo inventory's "Mousty (Ottignies-Louvain-la-Neuve)" and "Bruxelles (Stockel)"."""
    outcome = chain.locate(place)
    assert outcome.ok and outcome.note == ""
    assert (outcome.place.precision, outcome.place.postcode, outcome.place.locality) == (
        "locality", postcode, locality)


def test_a_postcode_with_a_name_that_is_not_one_of_its_localities_is_said(chain, geo):
    outcome = chain.locate(Place(postcode="4000", locality="Maastricht"))
    assert outcome.ok and outcome.place.precision == "commune"
    assert outcome.place.commune_name == "Liège"
    assert "« Maastricht » n'est pas une localité du code postal 4000" in outcome.note


def test_a_homonym_locality_is_told_apart_by_its_commune(chain):
    outcome = chain.locate(Place(locality="Celles", commune_name="Houyet"))
    assert outcome.ok and outcome.place.precision == "locality"
    assert outcome.place.postcode == "5561" and outcome.place.commune_name == "Houyet"


def test_unknown_postcode_is_a_french_problem_with_suggestions(chain):
    outcome = chain.locate(Place(postcode="5999", locality="Nulle-Part"))
    assert not outcome.ok
    assert outcome.problem.startswith("Adresse introuvable : « 5999 Nulle-Part ».")
    assert "Suggestions : " in outcome.problem
    assert outcome.place.lat is None and outcome.place.lon is None


def test_flemish_postcode_is_reported_outside(chain):
    outcome = chain.locate(Place(postcode="9000", locality="Gent"))
    assert not outcome.ok
    assert "Hors de Wallonie et de Bruxelles" in outcome.problem


def test_postcode_and_commune_that_disagree_are_reported_not_guessed(chain):
    outcome = chain.locate(Place(postcode="5000", commune_name="Liège"))
    assert not outcome.ok and outcome.place.lat is None
    assert "5000" in outcome.problem and "Liège" in outcome.problem


def test_locality_under_another_postcode_is_reported(chain):
    outcome = chain.locate(Place(postcode="5000", locality="Alleur"))
    assert not outcome.ok
    assert "Incohérence" in outcome.problem and "4432 Alleur" in outcome.problem


def test_locality_in_another_commune_is_reported(chain):
    outcome = chain.locate(Place(locality="Beez", commune_name="Liège"))
    assert not outcome.ok and "Beez" in outcome.problem and "Liège" in outcome.problem


def test_a_place_without_any_name_cannot_be_placed(chain):
    outcome = chain.locate(Place(label="Salle communale"))
    assert not outcome.ok and "impossible de placer" in outcome.problem


# --- manual coordinates ---------------------------------------------------------------

def test_manual_coordinates_are_kept_as_exact(chain):
    outcome = chain.locate(Place(lat=50.46693, lon=4.86590, postcode="5000"))
    assert outcome.ok and outcome.source == "manual"
    place = outcome.place
    assert (place.lat, place.lon, place.precision) == (50.46693, 4.86590, "exact")
    assert place.commune_nis == NAMUR and place.commune_name == "Namur"


def test_coordinates_in_lille_are_rejected(chain):
    outcome = chain.locate(Place(lat=LILLE[0], lon=LILLE[1], commune_name="Namur"))
    assert not outcome.ok
    assert "hors de Wallonie et de Bruxelles" in outcome.problem
    assert outcome.place.lat is None


# Town centres just across the border, each with its own postcode and with the postcode of
# the Walloon or Brussels commune next to it (Uccle, Frasnes-lez-Anvaing, Hastière, Arlon).
ACROSS_THE_BORDER = [
    ("Drogenbos", 50.7870, 4.3160, "1620", "1180"),
    ("Ronse", 50.7460, 3.6000, "9600", "7911"),
    ("Givet", 50.1380, 4.8250, "", "5540"),
    ("Steinfort", 49.6600, 5.9160, "", "6700"),
]


@pytest.mark.parametrize("name, lat, lon, own, neighbour", ACROSS_THE_BORDER)
def test_coordinates_just_across_the_border_are_outside(chain, geo, name, lat, lon, own,
                                                       neighbour):
    assert geo.commune_at(lat, lon) is None and geo.in_service_area(lat, lon)   # the trap
    for postcode in {own, neighbour, ""}:
        outcome = chain.locate(Place(lat=lat, lon=lon, postcode=postcode))
        assert not outcome.ok, (name, postcode, outcome.place)
        assert "hors de Wallonie et de Bruxelles" in outcome.problem


@pytest.mark.parametrize("postcode, name, commune", [("1320", "L'ecluse", "Beauvechain"),
                                                     ("4690", "Eben-Emael", "Bassenge")])
def test_a_border_village_point_just_outside_its_simplified_outline_is_in(
        chain, geo, postcode, name, commune):
    loc = next(l for l in geo.localities_for_postcode(postcode) if l.name == name)
    outcome = chain.locate(Place(lat=loc.lat, lon=loc.lon, postcode=postcode))
    assert outcome.ok and outcome.place.precision == "exact"
    assert outcome.place.commune_name == commune
    assert not chain.locate(Place(lat=loc.lat, lon=loc.lon)).ok      # no postcode: no claim


def test_coordinates_in_another_commune_than_the_named_one_are_reported(chain):
    outcome = chain.locate(Place(lat=50.46693, lon=4.86590, commune_name="Liège"))
    assert not outcome.ok and "Liège" in outcome.problem and "Namur" in outcome.problem


# --- online, opt-in, through the cache ------------------------------------------------

def test_online_geocoding_is_off_by_default(geo, nominatim):
    assert defaults("/tmp")["GEOCODING_ONLINE"] is False
    chain = build_geocoder_chain(geo, online_enabled=False, cache=DictCache(),
                                 user_agent=USER_AGENT, nominatim_domain=nominatim.domain,
                                 nominatim_scheme="http", min_delay_seconds=0)
    outcome = chain.locate(RUE_DE_FER)
    assert outcome.ok and outcome.source == "offline"
    assert outcome.place.precision == "locality" and outcome.place.locality == "Namur"
    assert nominatim.requests == []


def test_online_street_address_is_exact_and_asked_only_once(geo, nominatim):
    cache = DictCache()
    chain = build_geocoder_chain(geo, online_enabled=True, cache=cache,
                                 user_agent=USER_AGENT, nominatim_domain=nominatim.domain,
                                 nominatim_scheme="http", min_delay_seconds=0)
    first, second = chain.locate(RUE_DE_FER), chain.locate(RUE_DE_FER)
    assert first.ok and first.source == "online" and second.source == "cache"
    for outcome in (first, second):
        assert outcome.place.precision == "exact"
        assert (outcome.place.lat, outcome.place.lon) == (50.46693, 4.86590)
        assert outcome.place.commune_nis == NAMUR
    assert len(nominatim.requests) == 1
    request = nominatim.requests[0]
    assert request["path"] == "/search" and request["user_agent"] == USER_AGENT
    assert request["params"]["countrycodes"] == "be"
    assert request["params"]["q"] == "Rue de Fer 1, 5000 Namur"


def test_same_address_written_differently_hits_the_cache(nominatim):
    online = online_geocoder(nominatim, DictCache())
    online.geocode("Rue de Fer 1, 5000 Namur")
    again = online.geocode("rue de fer 1 5000 NAMUR")
    assert again is not None and again.raw["precision"] == "exact"
    assert len(nominatim.requests) == 1 and online.requests_made == 1


def test_not_found_answers_are_cached_too(geo, nominatim):
    cache = DictCache()
    chain = online_chain(geo, nominatim, cache)
    place = Place(street="Rue Imaginaire 99", postcode="5000", locality="Beez")
    first, second = chain.locate(place), chain.locate(place)
    assert len(nominatim.requests) == 1
    assert cache.cache_get(cache_key(street_query(place))) == {
        "query": "Rue Imaginaire 99, 5000 Beez", "found": False}
    for outcome in (first, second):   # still placed, honestly, at the locality
        assert outcome.ok and outcome.source == "offline"
        assert outcome.place.precision == "locality" and outcome.place.locality == "Beez"
        assert "introuvable en ligne" in outcome.note


def test_online_result_outside_wallonia_brussels_is_rejected(geo, nominatim):
    place = Place(street="Rue Nationale 1", postcode="5000", locality="Beez")
    nominatim.answers[street_query(place)] = nominatim_result(
        *LILLE, "1, Rue Nationale, Lille, France", house_number="1", road="Rue Nationale")
    outcome = online_chain(geo, nominatim, DictCache()).locate(place)
    assert outcome.ok and outcome.source == "offline"
    assert outcome.place.precision == "locality" and outcome.place.commune_nis == NAMUR
    assert (outcome.place.lat, outcome.place.lon) != LILLE
    assert "hors de Wallonie" in outcome.note


def test_online_result_just_across_the_border_is_ignored(geo, nominatim):
    place = Place(street="Rue de Charlemont 1", postcode="5540", commune_name="Hastière")
    nominatim.answers[street_query(place)] = nominatim_result(
        50.1380, 4.8250, "Rue de Charlemont, Givet, France", road="Rue de Charlemont")
    outcome = online_chain(geo, nominatim, DictCache()).locate(place)
    assert outcome.ok and outcome.place.precision == "commune"
    assert outcome.place.commune_name == "Hastière"
    assert "hors de Wallonie et de Bruxelles" in outcome.note


def test_online_result_in_another_commune_is_rejected(geo, nominatim):
    place = Place(street="Rue Haute 2", postcode="5000", locality="Beez")
    nominatim.answers[street_query(place)] = nominatim_result(
        50.6451, 5.5734, "2, Rue Haute, Liège", house_number="2", road="Rue Haute")
    outcome = online_chain(geo, nominatim, DictCache()).locate(place)
    assert outcome.ok and outcome.place.commune_nis == NAMUR
    assert outcome.place.precision == "locality" and "Liège" in outcome.note


def test_cached_online_result_is_reused_when_online_is_off(geo, nominatim):
    cache = DictCache()
    online_chain(geo, nominatim, cache).locate(RUE_DE_FER)
    offline_only = build_geocoder_chain(geo, online_enabled=False, cache=cache,
                                        user_agent=USER_AGENT)
    outcome = offline_only.locate(RUE_DE_FER)
    assert outcome.ok and outcome.source == "cache" and outcome.place.precision == "exact"
    assert len(nominatim.requests) == 1


def test_server_errors_are_not_cached(geo, nominatim):
    cache = DictCache()
    nominatim.answers[street_query(RUE_DE_FER)], answer = 500, nominatim.answers[
        street_query(RUE_DE_FER)]
    chain = online_chain(geo, nominatim, cache, max_retries=0, error_wait_seconds=0)
    failed = chain.locate(RUE_DE_FER)
    assert failed.ok and failed.source == "offline" and "indisponible" in failed.note
    assert cache.data == {}
    nominatim.answers[street_query(RUE_DE_FER)] = answer
    assert chain.locate(RUE_DE_FER).place.precision == "exact"
    assert len(nominatim.requests) == 2


def test_rate_limiter_spaces_requests(nominatim, monkeypatch):
    """Two requests at once: the second waits the whole delay (on a fake clock: no timing
    in tests)."""
    from geopy.extra.rate_limiter import RateLimiter
    now, waits = [100.0], []
    monkeypatch.setattr(RateLimiter, "_clock", lambda self: now[0])
    monkeypatch.setattr(RateLimiter, "_sleep",
                        lambda self, seconds: (waits.append(seconds), now.__setitem__(
                            0, now[0] + seconds)))
    online = online_geocoder(nominatim, DictCache(), min_delay_seconds=2.5)
    online.geocode("Rue A 1, 5000 Namur")
    online.geocode("Rue B 2, 5000 Namur")
    assert waits == [2.5]
    assert len(nominatim.requests) == 2


def test_nominatim_needs_an_application_user_agent():
    with pytest.raises(ValueError):
        OnlineGeocoder(DictCache(), "")


def test_online_requires_a_cache(geo):
    with pytest.raises(ValueError):
        build_geocoder_chain(geo, online_enabled=True, cache=None, user_agent=USER_AGENT)


def test_sqlite_cache_persists_across_store_instances(tmp_path, nominatim):
    from finder.store import Store
    path = tmp_path / "finder.sqlite"
    store = Store(path)
    store.migrate()
    online_geocoder(nominatim, store).geocode("Rue de Fer 1, 5000 Namur")
    store.close()

    reopened = Store(path)
    try:
        again = online_geocoder(nominatim, reopened).geocode("Rue de Fer 1, 5000 Namur")
    finally:
        reopened.close()
    assert again is not None and again.raw["precision"] == "exact"
    assert (again.latitude, again.longitude) == (50.46693, 4.86590)
    assert len(nominatim.requests) == 1
