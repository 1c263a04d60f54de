"""Load test of the production server: gunicorn + the real app, driven by wrk.

    python bench/load.py [--seconds 60] [--clients 50] [--places 2000] [--cache both|on|off]

What it does, on loopback only, bounded in time, stopping by itself:
1. writes a synthetic inventory (obviously fake groups, --places places spread over the 281
   communes by population) and imports it with `flask --app finder import` into a
   temporary database (FINDER_DATABASE);
2. starts gunicorn with gunicorn.conf.py on 127.0.0.1:<free port> (workers/threads from
   FINDER_WORKERS / FINDER_THREADS as in production), waits for /healthz;
3. runs wrk (--clients connections, 2 threads) for --seconds over a mix of searches:
   the finder page (50 %), the embed (20 %) and the JSON API (30 %), with postcodes drawn
   from the reference geography, radii 5–100 km and a chapter one time in three, from a
   pool of --distinct different URLs (people in the same towns search alike);
4. prints searches/s, p50/p99 latency and errors (socket errors + any non-2xx answer),
   then the share of searches answered by the search cache (from the app's request log).

With --cache both (default) it runs twice, search cache on then off (SEARCH_CACHE_SIZE=0).
Rate limits are raised out of the way (every wrk connection shares one address) but stay
active, so their cost is in the figures. Target on a 2-core machine: 0 errors, >= 300
searches/s. wrk itself uses CPU on the same machine: the figures are a floor.

wrk is Debian's `wrk` package: `sudo apt-get install wrk`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finder.config import defaults  # noqa: E402
from finder.geography import load_geography  # noqa: E402
from finder.models import CHAPTER_SLUGS  # noqa: E402
from finder.synthetic import write_synthetic_inventory  # noqa: E402

RADII = (5, 10, 20, 50, 100)
MIX = (("page", "/", 50), ("embed", "/embed", 20), ("api", "/api/v1/search", 30))
TARGET_RPS = 300

LUA = r"""
local paths = {%(paths)s}
local n = #paths
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

function request()
  return wrk.format("GET", paths[math.random(n)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%%d,"duration_us":%%d,"bytes":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_pool(geography, distinct: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    postcodes = geography.postcodes
    kinds = [k for k in MIX for _ in range(k[2])]
    pool = []
    for _ in range(distinct):
        kind, path, _ = rng.choice(kinds)
        args = {"postcode": rng.choice(postcodes), "radius_km": rng.choice(RADII)}
        if rng.random() < 1 / 3:
            args["chapter"] = rng.choice(CHAPTER_SLUGS)
        pool.append((kind, f"{path}?{urlencode(args)}"))
    return pool


def lua_script(pool: list[tuple[str, str]]) -> str:
    paths = ",".join(json.dumps(path) for _, path in pool)
    return LUA % {"paths": paths}


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up (code {proc.returncode}).")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                return json.load(r)
        except Exception as exc:         # not listening yet, or 503 while loading
            last = str(exc)
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not become healthy in {timeout:.0f} s ({last}).")


def check_pool(base: str, pool: list[tuple[str, str]]) -> None:
    """Every kind of request answers 200 before we measure (a typo would make all errors)."""
    seen = set()
    for kind, path in pool:
        if kind in seen:
            continue
        try:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            raise SystemExit(f"{kind} search answered {status}: {base + path}")
        seen.add(kind)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def cache_share(log_path: Path) -> tuple[int, int]:
    """(answered from a cache, searched) over the request log's lines."""
    hits = misses = 0
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if '"cache":"hit"' in line or '"cache":"page"' in line:
                hits += 1
            elif '"cache":"miss"' in line or ('"status":200' in line and '"ms"' in line):
                misses += 1
    return hits, misses


def run_once(label: str, env: dict, pool, lua_path: Path, args, workdir: Path) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(env, FINDER_BIND=f"127.0.0.1:{port}")
    log_path = workdir / f"server-{label}.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py"), "finder:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            health = wait_healthy(base, proc)
            check_pool(base, pool)
            # Warm-up: every worker loads its inventory copy and Python caches.
            subprocess.run(["wrk", "-t2", f"-c{args.clients}", "-d3s", "-s", str(lua_path),
                            base], capture_output=True, timeout=60, check=False)
            start_lines = sum(1 for _ in open(log_path, errors="replace"))
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.clients}", f"-d{args.seconds}s", "--timeout", "10s",
                 "--latency", "-s", str(lua_path), base],
                capture_output=True, text=True, timeout=args.seconds + 120, check=False)
        finally:
            stop(proc)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line[len("WRK_RESULT "):])
    # Only the measured run's log lines count for the cache share.
    lines = open(log_path, errors="replace").read().splitlines()[start_lines:]
    measured = workdir / f"measured-{label}.log"
    measured.write_text("\n".join(lines))
    result["cache_hits"], result["cache_misses"] = cache_share(measured)
    result["label"] = label
    result["places"] = health.get("database", {}).get("places")
    return result


def searches_per_second(r: dict) -> float:
    return r["requests"] / (r["duration_us"] / 1e6)


def report(r: dict) -> str:
    seconds = r["duration_us"] / 1e6
    rps = searches_per_second(r)
    errors = sum(r["errors"].values())
    searched = r["cache_hits"] + r["cache_misses"]
    share = f"{100 * r['cache_hits'] / searched:.0f} %" if searched else "n/a"
    verdict = "OK" if errors == 0 and rps >= TARGET_RPS else "BELOW TARGET"
    return (f"cache {r['label']:>3}: {rps:7.1f} searches/s | p50 {r['p50_us'] / 1000:6.1f} ms"
            f" | p99 {r['p99_us'] / 1000:6.1f} ms | max {r['max_us'] / 1000:6.1f} ms"
            f" | errors {errors} {r['errors']} | {r['requests']} requests in {seconds:.0f} s"
            f" | answered from cache: {share} | {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=300,
                        help="different search URLs in the mix (default 300)")
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 3600 or not 1 <= args.clients <= 1000:
        parser.error("--seconds 1..3600 and --clients 1..1000")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk  (Debian/Ubuntu)")
    if not Path(sys.executable).with_name("gunicorn").exists():
        raise SystemExit("gunicorn is not installed: pip install -e '.[prod]'")

    geo_dir = os.environ.get("FINDER_GEO_DIR") or defaults(str(ROOT / "instance"))["GEO_DIR"]
    geography = load_geography(geo_dir)
    workdir = Path(tempfile.mkdtemp(prefix="finder-load-"))
    try:
        inventory, db = workdir / "synthetic.csv", workdir / "finder.sqlite"
        write_synthetic_inventory(geography, args.places, inventory, seed=args.seed)
        env = dict(os.environ, FINDER_DATABASE=str(db), FINDER_GEO_DIR=str(geo_dir),
                   FINDER_SECRET_KEY=os.environ.get("FINDER_SECRET_KEY") or secrets.token_hex(32),
                   FINDER_TILE_URL="/tiles/{z}/{x}/{y}.png",
                   FINDER_RATELIMIT_SEARCH="1000000/minute",
                   FINDER_RATELIMIT_EMBED="1000000/minute",
                   FINDER_RATELIMIT_API="1000000/minute")
        subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "finder",
                        "import", str(inventory)], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=600)
        pool = request_pool(geography, args.distinct, args.seed)
        lua_path = workdir / "mix.lua"
        lua_path.write_text(lua_script(pool))
        workers = os.environ.get("FINDER_WORKERS") or f"{(os.cpu_count() or 1) + 1} (default)"
        threads = os.environ.get("FINDER_THREADS") or "2 (default)"
        print(f"{args.places} synthetic places, {args.distinct} distinct searches "
              f"(page 50 % / embed 20 % / API 30 %), {args.clients} clients, {args.seconds} s, "
              f"{os.cpu_count()} CPU, gunicorn workers={workers} threads={threads}")
        labels = ("on", "off") if args.cache == "both" else (args.cache,)
        results = {}
        for label in labels:
            run_env = dict(env)
            if label == "off":
                run_env["FINDER_SEARCH_CACHE_SIZE"] = "0"
                run_env["FINDER_PAGE_CACHE_BYTES"] = "0"
            load_before = os.getloadavg()[0]
            result = results[label] = run_once(label, run_env, pool, lua_path, args, workdir)
            print(report(result) + f" | load average {load_before:.1f} → "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
        if len(results) == 2:
            on, off = results["on"], results["off"]
            print(f"ratio, caches on vs off (the baseline, same run): "
                  f"{searches_per_second(on) / searches_per_second(off):.1f}× the searches/s, "
                  f"p50 {off['p50_us'] / on['p50_us']:.1f}× lower")
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
