"""Whole-inventory downloads against ordinary searches, on a real gunicorn.

    python bench/bulk_downloads.py [--places 30000] [--downloaders 6] [--searches 40]
                                   [--root PATH]

On loopback only, bounded in count and time, stopping by itself:
1. writes a synthetic inventory (obviously fake groups) of --places places and imports it
   with `flask --app finder import` (the code of --root, default this checkout);
2. starts gunicorn with gunicorn.conf.py (production workers and threads) and rate limits
   out of the way (this measures CPU, not the limiter);
3. idle: --searches API searches one after the other (postcode, radius, 10 results),
   each a different question, and their latency;
4. under bulk load: --downloaders threads download /api/v1/groups, .geojson, .csv and
   the Meeting Guide feed in a loop while the same number of other searches run;
5. prints p50/p95 search latency idle and under load, their ratio (the baseline is the
   idle run of the same server), and the downloads done and their mean time.

Before/after: run it with --root pointing at a checkout of an older commit (its own
code serves; the same machine, the same inventory size) and compare the ratios.
With the bulk budget on (RATELIMIT_BULK, 10/minute per client) each downloader would in
addition get 429 after 10 downloads a minute; it is raised here to show the CPU cost.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import free_port, stop, wait_healthy  # noqa: E402
from finder.config import defaults  # noqa: E402
from finder.geography import load_geography  # noqa: E402
from finder.synthetic import write_synthetic_inventory  # noqa: E402

BULK = ("/api/v1/groups", "/api/v1/groups.geojson", "/api/v1/groups.csv",
        "/api/v1/meeting-guide.json")
LIMIT_OUT_OF_THE_WAY = "1000000/minute"


def get(url: str, timeout: float = 120) -> tuple[int, int]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


def timed_searches(base: str, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        start = time.perf_counter()
        status, _ = get(base + url)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"search answered {status}: {url}")
    return times


def search_urls(geography, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"/api/v1/search?" + urlencode({"postcode": rng.choice(geography.postcodes),
                                             "radius_km": rng.choice((10, 20, 50)),
                                             "limit": 10}) for _ in range(count)]


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=30000)
    parser.add_argument("--downloaders", type=int, default=6)
    parser.add_argument("--searches", type=int, default=40)
    parser.add_argument("--max-seconds", type=float, default=300,
                        help="stop the loaded phase after this long")
    parser.add_argument("--root", type=Path, default=ROOT, help="the code that serves")
    args = parser.parse_args()
    root = args.root.resolve()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    geo_dir = os.environ.get("FINDER_GEO_DIR") or defaults(str(ROOT / "instance"))["GEO_DIR"]
    geography = load_geography(geo_dir)
    workdir = Path(tempfile.mkdtemp(prefix="finder-bulk-"))
    env = dict(os.environ, FINDER_DATABASE=str(workdir / "finder.sqlite"),
               FINDER_GEO_DIR=str(geo_dir), PYTHONPATH=str(root),
               FINDER_SECRET_KEY=secrets.token_hex(32), FINDER_RATELIMIT_ENABLED="false",
               FINDER_RATELIMIT_API=LIMIT_OUT_OF_THE_WAY, FINDER_RATELIMIT_BULK=LIMIT_OUT_OF_THE_WAY,
               FINDER_BIND=f"127.0.0.1:{free_port()}")
    base = "http://" + env["FINDER_BIND"]
    inventory = workdir / "synthetic.csv"
    write_synthetic_inventory(geography, args.places, inventory, seed=args.places)
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "finder", "import",
                    str(inventory)], cwd=root, env=env, check=True, capture_output=True,
                   timeout=1800)
    print(f"{args.places:,} places imported in {time.perf_counter() - started:.0f} s "
          f"(code of {root})", file=sys.stderr)
    log = open(workdir / "gunicorn.log", "w")
    server = subprocess.Popen([str(gunicorn), "--config", str(root / "gunicorn.conf.py"),
                               "finder:create_app()"], cwd=root, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        wait_healthy(base, server, timeout=300)
        urls = search_urls(geography, 2 * args.searches + 1, seed=7)
        timed_searches(base, urls[:1])                   # warm: index built, templates read
        idle = timed_searches(base, urls[1:args.searches + 1])

        stop_at = time.monotonic() + args.max_seconds
        done: list[tuple[float, int]] = []
        running = threading.Event()
        running.set()

        def download(n: int) -> None:
            i = n
            while running.is_set() and time.monotonic() < stop_at:
                start = time.perf_counter()
                status, size = get(base + BULK[i % len(BULK)], timeout=args.max_seconds)
                if status == 200:
                    done.append((time.perf_counter() - start, size))
                i += 1

        threads = [threading.Thread(target=download, args=(n,), daemon=True)
                   for n in range(args.downloaders)]
        for t in threads:
            t.start()
        time.sleep(2)                                     # downloads under way
        loaded = timed_searches(base, urls[args.searches + 1:])
        running.clear()
        for t in threads:
            t.join(timeout=args.max_seconds)
    finally:
        stop(server)
        log.close()

    print(f"\n{args.places:,} places, {args.downloaders} clients downloading the whole "
          f"inventory in a loop (code of {root.name}):")
    print(f"  searches idle:       p50 {statistics.median(idle):8.1f} ms   p95 {p(idle, 95):8.1f} ms")
    print(f"  searches under load: p50 {statistics.median(loaded):8.1f} ms   p95 {p(loaded, 95):8.1f} ms")
    print(f"  ratio under load / idle: p50 {statistics.median(loaded) / statistics.median(idle):.1f}×"
          f"   p95 {p(loaded, 95) / p(idle, 95):.1f}×")
    if done:
        print(f"  downloads: {len(done)} done, mean {statistics.mean(s for s, _ in done):.2f} s, "
              f"{sum(b for _, b in done) / len(done) / 1e6:.1f} MB each on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
