"""Property-based test of the API against its own OpenAPI document (schemathesis, WSGI).

Every operation of /api/v1/openapi.json is called with parameters generated from the
document (valid, then invalid ones), and the search, locate, communes and group
operations also with realistic parameters drawn from the reference geography and the
demo inventory (random text almost never names a real place, so without them the
successful answers would hardly be exercised). No answer may be a 5xx, have a status or
content type the document does not list, or a body that violates the response schema.

Bounded and deterministic: MAX_EXAMPLES per operation and mode, derandomized, offline;
a few hundred calls in all, a few seconds.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error,  # noqa: E402
                                 response_schema_conformance, status_code_conformance)

from finder import create_app  # noqa: E402
from finder.db import get_geography, get_store  # noqa: E402
from finder.models import CHAPTER_SLUGS  # noqa: E402
from finder.web.openapi import paths  # noqa: E402
from finder.web.params import RADIUS_CHOICES  # noqa: E402

from .conftest import DEMO_INVENTORY, init_database  # noqa: E402

MAX_EXAMPLES = {"valid": 30, "invalid": 15, "realistic": 40}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
CALLS: list[str] = []
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, geo_dir):
    database = tmp_path_factory.mktemp("fuzz") / "finder.sqlite"
    init_database(database)
    app = create_app({"TESTING": True, "GEO_DIR": str(geo_dir), "GEOCODING_ONLINE": False,
                      "DATABASE": str(database),
                      "TILE_URL": "/test-tiles/{z}/{x}/{y}.png"})
    result = app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


@pytest.fixture(scope="module")
def real(fuzz_app):
    """Real values to draw from: postcodes, names, NIS codes, themes, slugs, the area."""
    with fuzz_app.app_context():
        geography, store = get_geography(), get_store()
        communes = list(geography.communes.values())
        localities = geography.localities
        return {
            "places": sorted({l.postcode for l in localities}) + sorted({l.name for l in localities})
            + [c.name_nl for c in communes] + ["5000 Namur", "B-4000", "Bruxelles", "Braine",
                                                 "9000", "75001", "Saint-Georges", "!!", "1"],
            "communes": [c.name_fr for c in communes] + [c.nis for c in communes] + ["Paris"],
            "themes": store.themes() + ["inconnu"],
            "slugs": [g.slug for g in store.all_groups()] + ["pas-de-groupe"],
            "bounds": geography.bounds,
        }


def _search_queries(real) -> st.SearchStrategy[dict]:
    lat0, lon0, lat1, lon1 = real["bounds"]
    optional = lambda s: st.none() | s  # noqa: E731
    origin = st.one_of(
        st.fixed_dictionaries({"postcode": st.sampled_from(real["places"])}),
        st.fixed_dictionaries({"lat": st.floats(lat0 - 0.3, lat1 + 0.3),
                               "lon": st.floats(lon0 - 0.3, lon1 + 0.3)}),
        st.just({}))
    filters = st.fixed_dictionaries({
        "radius_km": optional(st.sampled_from(RADIUS_CHOICES)),
        "chapter": optional(st.sampled_from(CHAPTER_SLUGS)),
        "theme": optional(st.sampled_from(real["themes"])),
        "commune": optional(st.sampled_from(real["communes"])),
        "page": optional(st.integers(1, 3)),
        "limit": optional(st.integers(1, 500)),
    })
    return st.builds(lambda o, f: {**o, **{k: v for k, v in f.items() if v is not None}},
                     origin, filters)


def _realistic(path: str, real) -> st.SearchStrategy[tuple[dict, dict]]:
    """(query, path_parameters) drawn from real values (for the REALISTIC operations)."""
    none = st.just({})
    if path in ("/api/v1/search", "/api/v1/search.geojson"):
        return st.tuples(_search_queries(real), none)
    if path == "/api/v1/locate":
        return st.tuples(st.fixed_dictionaries({"q": st.sampled_from(real["places"])}), none)
    if path == "/api/v1/communes":
        prefixes = st.sampled_from(real["communes"]).flatmap(
            lambda name: st.integers(1, max(1, len(name))).map(lambda n: name[:n]))
        return st.tuples(st.fixed_dictionaries({"q": prefixes}), none)
    if path == "/api/v1/groups/{slug}":
        return st.tuples(none, st.fixed_dictionaries({"slug": st.sampled_from(real["slugs"])}))
    if path in ("/api/v1/groups", "/api/v1/groups.geojson", "/api/v1/groups.csv"):
        return st.tuples(st.fixed_dictionaries(
            {}, optional={"chapter": st.sampled_from(CHAPTER_SLUGS)}), none)
    raise AssertionError(f"no realistic parameters for {path}")


@pytest.fixture(scope="module", autouse=True)
def report_calls():
    yield
    print(f"\nAPI fuzz: {len(CALLS)} calls over {len(set(CALLS))} operations")


# The operations come from the same document the app serves (no app needed to list them):
# every one with valid parameters; those with parameters with invalid ones too; those
# whose answers depend on real places and groups with realistic ones.
REALISTIC = {"/api/v1/search", "/api/v1/search.geojson", "/api/v1/locate", "/api/v1/communes",
             "/api/v1/groups/{slug}", "/api/v1/groups", "/api/v1/groups.geojson",
             "/api/v1/groups.csv"}
CASES = [(path, mode) for path, item in sorted(paths().items()) for mode in MAX_EXAMPLES
         if mode == "valid" or (mode == "invalid" and item["get"]["parameters"])
         or (mode == "realistic" and path in REALISTIC)]


@pytest.mark.parametrize("path, mode", CASES, ids=[f"{p}-{m}" for p, m in CASES])
def test_api_conforms_to_its_document(api_schema, real, path, mode):
    operation = api_schema[path]["GET"]
    has_parameters = bool(operation.definition.raw.get("parameters"))
    if mode == "realistic":
        strategy = _realistic(path, real).map(
            lambda qp: operation.Case(query=qp[0], path_parameters=qp[1]))
    elif mode == "invalid":
        strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    else:
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    statuses = []

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES[mode], **SETTINGS)
    def run(case):
        # schemathesis' WSGI transport asks for gzip like requests does but does not
        # decode it: the API's JSON is checked uncompressed (test_compression.py checks
        # the compressed bytes).
        response = case.call_and_validate(checks=CHECKS,
                                          headers={"Accept-Encoding": "identity"})
        statuses.append(response.status_code)

    run()
    CALLS.extend([operation.label] * len(statuses))
    # Hypothesis stops early when it runs out of distinct cases; an operation with
    # parameters must still have been called several times.
    assert len(statuses) >= (5 if has_parameters else 1), "the operation was not exercised"
    if mode == "realistic" and path != "/api/v1/groups/{slug}":
        assert statuses.count(200) >= len(statuses) // 4, statuses
