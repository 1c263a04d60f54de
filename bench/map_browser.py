"""The search map in a real browser, against Folium's own clustering, on the same points.

    nice python bench/map_browser.py [--sizes 2000,10000,100000] [--runs 3]

For each size: a synthetic inventory (finder.synthetic: obviously fake groups spread over
the communes by population) is imported with the real importer into a temporary SQLite
file and served by the real app (werkzeug, threaded, in a child process, compression on)
with plain local tiles. Four pages, with the same Leaflet files (ours, from
/assets/leaflet, fingerprinted and cached a year like every asset of ours) and the same
tiles:

  ours     the finder page `/` (no filter: every place): the search form, the first 50
           results of the list, and the map, which draws the first view the page carries
           and asks the server for the clusters and markers of any other view
           (/carte/lieux.json?z=&tiles=).
  fast     folium.plugins.FastMarkerCluster of every place's public point (what our map
           shows), Leaflet.markercluster from /assets/markercluster.
  cluster  folium.plugins.MarkerCluster with one folium.Marker per point.
  bare     the floor: a page with Leaflet's stylesheet and script and one L.marker,
           nothing else. No map page of any kind shows markers sooner on this machine;
           the ratio ours/bare is what our page costs above it.

Debian's Chromium (shutil.which("chromium"), the flags of tests/e2e/conftest.py), driven by
Playwright; a fresh browser context for every load; kinds alternate within a run (the
order turns from one run to the next); each page was loaded once before the runs (the
server's caches are warm). Two visits are timed:

  first    an empty browser cache: every script, stylesheet and tile comes over the wire
  return   the same context loads the page a second time: what the browser cached
           (fingerprinted assets: a year; pages: revalidated) is used, as on a person's
           second search

Figures are medians over the runs:

  markers   ms from navigation to the first frame painted with a marker or cluster in
            the marker pane (MutationObserver + requestAnimationFrame, in the page)
  blocking  main-thread blocking time (sum of each long task's time over 50 ms) from
            navigation to 1 s after the markers
  bytes     bytes over the wire (CDP encodedDataLength) until then: page, scripts,
            styles, data, tiles
  zoom/pan  (first visit) ms from map.setZoom(+1), then map.panBy(twice the map's width,
            eastward), unanimated, to the last frame that changed the marker pane within
            1.5 s (our map: a view it has neither seen nor got with the page, so request,
            answer, drawing); "—" when nothing in the marker pane changed

Targets (issue 14): at 10,000 and 100,000 places our markers on screen >= 3x sooner than
FastMarkerCluster and < 300 ms, < 100 KB for the first view, a pan or zoom redrawn in
< 100 ms. The ratio columns are fast/ours and cluster/ours (higher: ours is faster), and
ours/bare (lower: ours is closer to the floor). The targets are checked on each visit.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM_ARGS, tile_png  # noqa: E402

TILE_URL = "/bench-tiles/{z}/{x}/{y}.png"
KINDS = ("ours", "fast", "cluster", "bare")
PATHS = {"ours": "/", "fast": "/bench/fast", "cluster": "/bench/cluster", "bare": "/bench/bare"}
VISITS = ("first", "return")
LOAD_TIMEOUT_S = 120
SETTLE_MS = 1000

# Runs in the page before any of its scripts: catches Leaflet's maps as they are made,
# the long tasks, and the frames in which the marker pane changed.
PROBE = """
(() => {
  const bench = window.__bench = {maps: [], first: null, changes: [], longtasks: []};
  let real;
  Object.defineProperty(window, 'L', {configurable: true, get() { return real; },
    set(v) { real = v; if (v && v.Map && !v.__benchHooked) { v.__benchHooked = true;
      v.Map.addInitHook(function () { bench.maps.push(this); }); } }});
  new PerformanceObserver(list => { for (const e of list.getEntries())
    bench.longtasks.push([e.startTime, e.duration]); }).observe({type: 'longtask', buffered: true});
  new MutationObserver(records => {
    if (!records.some(r => r.target.classList && r.target.classList.contains('leaflet-marker-pane'))) return;
    requestAnimationFrame(() => {
      const t = performance.now();
      if (bench.first === null && document.querySelector('.leaflet-marker-pane > *')) bench.first = t;
      bench.changes.push(t);
    });
  }).observe(document, {childList: true, subtree: true});
})();
"""


# The floor: Leaflet and one marker, nothing else (its script in the head, not async).
BARE_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Leaflet seul</title>
<link rel="stylesheet" href="{css}"><script src="{js}"></script>
<style>html, body, #m {{ height: 100%; margin: 0; }}</style></head>
<body><div id="m"></div><script>
var m = L.map("m").setView([50.5, 4.75], 8);
L.marker([50.5, 4.75]).addTo(m);
L.tileLayer("{tiles}").addTo(m);
</script></body></html>
"""


# ----- the server (a child process) --------------------------------------------------------

def serve(directory: str, geo_dir: str, port_pipe, kinds=KINDS) -> None:
    """Import nothing: the database is there. Build the Folium pages, then serve."""
    from werkzeug.serving import make_server

    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster
    from finder import create_app

    app = create_app({"DATABASE": str(Path(directory) / "finder.sqlite"), "GEO_DIR": geo_dir,
                      "TILE_URL": TILE_URL, "GEOCODING_ONLINE": False,
                      "RATELIMIT_ENABLED": False, "REQUEST_LOG": False,
                      "SECRET_KEY": secrets.token_hex(32)})
    tile = tile_png()
    app.add_url_rule("/bench-tiles/<int:z>/<int:x>/<int:y>.png", "bench_tiles",
                     lambda z, x, y: (tile, 200, {"Content-Type": "image/png",
                                                  "Cache-Control": "max-age=3600"}))
    with app.app_context():
        from finder.db import get_inventory
        points = [(lat, lon) for lat, lon, _, _ in get_inventory().public_points.values()]
    # Folium's pages on our Leaflet (mapview.configure_assets pointed folium.Map at it)
    # and on our copy of Leaflet.markercluster; fingerprinted URLs (?v=), cached a year
    # like ours, so that a return visit compares like with like.
    with app.test_request_context():
        from flask import url_for
        asset = {name: url_for(endpoint, filename=name) for endpoint, name in (
            ("assets.markercluster", "leaflet.markercluster.js"),
            ("assets.markercluster", "MarkerCluster.css"),
            ("assets.markercluster", "MarkerCluster.Default.css"),
            ("assets.leaflet", "leaflet.js"), ("assets.leaflet", "leaflet.css"))}
    local_js = [("markerclusterjs", asset["leaflet.markercluster.js"])]
    local_css = [("markerclustercss", asset["MarkerCluster.css"]),
                 ("markerclusterdefaultcss", asset["MarkerCluster.Default.css"])]
    MarkerCluster.default_js, MarkerCluster.default_css = local_js, local_css
    FastMarkerCluster.default_js, FastMarkerCluster.default_css = local_js, local_css
    pages, built = {"bare": BARE_PAGE.format(css=asset["leaflet.css"], js=asset["leaflet.js"],
                                             tiles=TILE_URL)}, {}
    for kind in [k for k in kinds if k not in ("ours", "bare")]:
        start = time.perf_counter()
        m = folium.Map(location=[50.5, 4.75], zoom_start=8, tiles=None)
        folium.TileLayer(tiles=TILE_URL, attr="Fond de carte (tuiles locales)").add_to(m)
        if kind == "fast":
            # Folium's default callback needs Leaflet.awesome-markers (a CDN plugin we do
            # not serve): Leaflet's own marker, as MarkerCluster's folium.Marker has.
            FastMarkerCluster(points, callback="function (row) { return L.marker("
                              "new L.LatLng(row[0], row[1])); }").add_to(m)
        else:
            layer = MarkerCluster().add_to(m)
            for lat, lon in points:
                folium.Marker([lat, lon]).add_to(layer)
        m.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                      [max(p[0] for p in points), max(p[1] for p in points)]])
        pages[kind] = m.get_root().render()
        built[kind] = time.perf_counter() - start
    app.add_url_rule("/bench/<kind>", "bench_page",
                     lambda kind: (pages[kind], 200, {"Content-Type": "text/html; charset=utf-8"}))
    # Folium's pages run inline scripts and styles: our Content-Security-Policy (set by
    # the app for every response) would block them, so it is taken off these two only.
    wsgi = app.wsgi_app

    def without_csp(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/bench/"):
            return wsgi(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "content-security-policy"]
            return start_response(status, headers, exc_info)
        return wsgi(environ, start)
    app.wsgi_app = without_csp
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port_pipe.send((server.server_port, built, {k: len(v) for k, v in pages.items()}))
    server.serve_forever()


# ----- one page load in the browser ------------------------------------------------------

def load(page, url: str, received: dict) -> Optional[float]:
    """Navigate, wait for the first marker and then SETTLE_MS: the marker's time (ms)."""
    received["bytes"] = 0
    response = page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
    if response is None or response.status not in (200, 304):   # never an error page's figure
        raise RuntimeError(f"{url}: HTTP {response.status if response else '?'}")
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    first = None
    while first is None:
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)
        first = page.evaluate("window.__bench && window.__bench.first")
    while page.evaluate("performance.now()") < first + SETTLE_MS:
        time.sleep(0.05)
    return first


def measure(browser, url: str, visit: str = "first") -> dict:
    """One page load in a fresh context; "return": the second load in that context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        received = {"bytes": 0}
        cdp.on("Network.loadingFinished",
               lambda e: received.__setitem__("bytes", received["bytes"] + e["encodedDataLength"]))
        if visit == "return" and load(page, url, received) is None:
            return {"markers": None}
        first = load(page, url, received)
        if first is None:
            return {"markers": None}
        longtasks = page.evaluate("window.__bench.longtasks")
        blocking = sum(max(0.0, d - 50) for s, d in longtasks if s < first + SETTLE_MS)
        out = {"markers": first, "blocking": blocking, "bytes": received["bytes"]}
        if visit == "return":
            return out
        for name, action in (("zoom", "m.setZoom(m.getZoom() + 1, {animate: false})"),
                             ("pan", "m.panBy([2 * m.getSize().x, 0], {animate: false})")):
            t0 = page.evaluate(f"""() => {{ const m = window.__bench.maps[0];
                const t0 = performance.now(); {action}; return t0; }}""")
            time.sleep(1.5)
            changes = [t for t in page.evaluate("window.__bench.changes") if t > t0]
            out[name] = (max(changes) - t0) if changes else None    # nothing redrawn
        return out
    finally:
        context.close()


# ----- the run -----------------------------------------------------------------------------

def prepare(directory: Path, n: int, geo_dir: str) -> float:
    from finder.geography import load_geography
    from finder.synthetic import write_synthetic_inventory
    sys.path.insert(0, str(ROOT / "bench"))
    from map_render import import_inventory, make_app
    inventory = directory / "synthetic.csv"
    write_synthetic_inventory(load_geography(geo_dir), n, inventory)
    app = make_app(directory, geo_dir)
    return import_inventory(app, inventory)


def fmt(value, unit: str = "ms") -> str:
    if value is None:
        return "—"
    if unit == "KB":
        return f"{value / 1024:,.0f} KB"
    return f"{value:,.0f} ms"


def ratio(base, ours) -> str:
    if base is None or not ours:
        return "—"
    return f"{base / ours:.1f}x"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def print_table(results: dict) -> dict:
    print(f"{'':8} {'markers':>10} {'blocking':>10} {'bytes':>10} {'zoom':>8} {'pan':>8}")
    med = {}
    for kind in KINDS:
        med[kind] = {m: median([r.get(m) for r in results[kind]])
                     for m in ("markers", "blocking", "bytes", "zoom", "pan")}
        row = med[kind]
        print(f"{kind:8} {fmt(row['markers']):>10} {fmt(row['blocking']):>10} "
              f"{fmt(row['bytes'], 'KB'):>10} {fmt(row['zoom']):>8} {fmt(row['pan']):>8}")
    for base_kind in ("fast", "cluster"):
        theirs = med[base_kind]
        print(f"{base_kind + '/ours':14} markers {ratio(theirs['markers'], med['ours']['markers'])}"
              f"  blocking {ratio(theirs['blocking'], med['ours']['blocking'])}"
              f"  bytes {ratio(theirs['bytes'], med['ours']['bytes'])}")
    print(f"{'ours/bare':14} markers {ratio(med['ours']['markers'], med['bare']['markers'])}"
          f"  (the floor: Leaflet and one marker, {fmt(med['bare']['markers'])})")
    return med


def targets(n: int, med: dict, zoom_pan: dict) -> str:
    ours, fast = med["ours"], med["fast"]
    checks = [
        ("markers >= 3x sooner than FastMarkerCluster",
         fast["markers"] is not None and ours["markers"] is not None
         and fast["markers"] >= 3 * ours["markers"]),
        ("markers < 300 ms", ours["markers"] is not None and ours["markers"] < 300),
        ("first view < 100 KB", ours["bytes"] is not None and ours["bytes"] < 100 * 1024),
        ("zoom and pan redrawn < 100 ms", zoom_pan["zoom"] is not None
         and max(zoom_pan["zoom"], zoom_pan["pan"] or 0) < 100),
    ]
    return f"{n:,}: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--visits", default=",".join(VISITS),
                        help="first (empty cache), return (what the browser cached), or both")
    parser.add_argument("--cluster-up-to", type=int, default=50_000,
                        help="largest size for the MarkerCluster page (one folium.Marker "
                             "per point: about 6 ms each to build here, and its page grows "
                             "by 200 bytes a point)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    visits = [v for v in VISITS if v in args.visits.split(",")]
    if not visits:
        parser.error(f"--visits: one or more of {', '.join(VISITS)}")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    from finder.config import defaults
    geo_dir = os.environ.get("FINDER_GEO_DIR") or defaults(str(ROOT / "instance"))["GEO_DIR"]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores; runs per size: {args.runs}; visits: {', '.join(visits)}",
          flush=True)
    summary = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                seconds = prepare(Path(tmp), n, geo_dir)
                parent, child = multiprocessing.Pipe()
                kinds = KINDS if n <= args.cluster_up_to else ("ours", "fast", "bare")
                server = multiprocessing.get_context("fork").Process(
                    target=serve, args=(tmp, geo_dir, child, kinds), daemon=True)
                server.start()
                port, built, html_sizes = parent.recv()
                base = f"http://127.0.0.1:{port}"
                print(f"\n{n:,} places: imported in {seconds:.1f} s; Folium pages built in "
                      + ", ".join(f"{k} {v:.1f} s ({html_sizes[k] / 1024:,.0f} KB HTML)"
                                  for k, v in built.items()), flush=True)
                try:
                    if len(kinds) < len(KINDS):
                        print(f"MarkerCluster not run above {args.cluster_up_to:,} places "
                              f"(--cluster-up-to)", flush=True)
                    for kind in kinds:              # warm the server's caches
                        measure(browser, base + PATHS[kind])
                    results = {v: {k: [] for k in KINDS} for v in visits}
                    for run in range(args.runs):
                        order = kinds[run % len(kinds):] + kinds[:run % len(kinds)]
                        for visit in visits:
                            for kind in order:
                                results[visit][kind].append(
                                    measure(browser, base + PATHS[kind], visit))
                finally:
                    server.terminate()
                    server.join(5)
            meds = {}
            for visit in visits:
                cache = "empty cache" if visit == "first" else "what the browser cached"
                print(f"-- {visit} visit ({cache})")
                meds[visit] = print_table(results[visit])
            summary.append((n, meds))
            sys.stdout.flush()
        browser.close()
    print("\nTargets at 10,000 and 100,000 places (ours; zoom and pan: first visit):")
    for n, meds in summary:
        if n < 10000:
            continue
        zoom_pan = meds.get("first", {}).get("ours", {"zoom": None, "pan": None})
        for visit, med in meds.items():
            print(f"  {visit:6} visit, {targets(n, med, zoom_pan)}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
