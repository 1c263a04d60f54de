"""Faults: a bad inventory file or geography stops start-up with one clear message; a
running app keeps serving its last good inventory when the file goes bad under it.

An import killed with SIGKILL leaves the previous inventory intact: that is
tests/test_importer.py::test_an_import_killed_midway_leaves_the_previous_inventory
(not repeated here).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from finder.config import PROJECT_ROOT
from finder.db import StartupError
from tests.conftest import DEMO_GROUPS, group_row, write_inventory

SEARCH_API = "/api/v1/search?postcode=5000&radius_km=20"
SEARCH_PAGE = "/?postcode=5000&radius_km=20"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def garbage(path: Path, size: int = 16384) -> Path:
    path.write_bytes(b"ceci n'est pas une base SQLite \x00\xff" * (size // 34 + 1))
    return path


def run(args: list[str], env_changes: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_changes)
    return subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def assert_clean_failure(result: subprocess.CompletedProcess, setting: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Démarrage impossible" in output and setting in output, output
    assert "Traceback" not in output, output
    assert len(output.strip().splitlines()) <= 4, output


def results(client) -> list[str]:
    response = client.get(SEARCH_API)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [r["group"]["slug"] for r in response.get_json()["results"]]


# -- start-up -----------------------------------------------------------------------------

def test_a_corrupted_inventory_stops_create_app_naming_the_setting(make_app, tmp_path):
    bad = garbage(tmp_path / "abime.sqlite")
    with pytest.raises(StartupError) as err:
        make_app(DATABASE=str(bad))
    assert "FINDER_DATABASE" in str(err.value) and str(bad) in str(err.value)
    assert isinstance(err.value, SystemExit)      # printed as is, without a traceback


def test_flask_commands_say_so_in_one_paragraph(tmp_path, geo_dir):
    bad = garbage(tmp_path / "abime.sqlite")
    result = run([sys.executable, "-m", "flask", "--app", "finder", "routes"],
                 {"FINDER_DATABASE": str(bad), "FINDER_GEO_DIR": str(geo_dir)})
    assert_clean_failure(result, "FINDER_DATABASE")


def test_a_missing_geography_stops_flask_run_naming_the_setting(tmp_path):
    result = run([sys.executable, "-m", "flask", "--app", "finder", "run", "--port", "0"],
                 {"FINDER_DATABASE": str(tmp_path / "finder.sqlite"),
                  "FINDER_GEO_DIR": str(tmp_path / "pas-de-geographie")})
    assert_clean_failure(result, "FINDER_GEO_DIR")
    assert "pas-de-geographie" in result.stderr


def test_create_app_in_a_fresh_process_shows_the_message_not_a_traceback(tmp_path, geo_dir):
    bad = garbage(tmp_path / "abime.sqlite")
    result = run([sys.executable, "-c", "from finder import create_app; create_app()"],
                 {"FINDER_DATABASE": str(bad), "FINDER_GEO_DIR": str(geo_dir)})
    assert_clean_failure(result, "FINDER_DATABASE")


def test_frame_ancestors_that_are_not_origins_stop_flask_in_one_paragraph(tmp_path, geo_dir):
    result = run([sys.executable, "-m", "flask", "--app", "finder", "routes"],
                 {"FINDER_DATABASE": str(tmp_path / "finder.sqlite"),
                  "FINDER_GEO_DIR": str(geo_dir),
                  "FINDER_EMBED_FRAME_ANCESTORS": "partenaire.example"})
    assert_clean_failure(result, "FINDER_EMBED_FRAME_ANCESTORS")
    assert "« partenaire.example » (il manque https://" in result.stderr


def test_gunicorn_refuses_to_start_on_a_corrupted_inventory(tmp_path, geo_dir):
    assert GUNICORN.exists(), "gunicorn is part of the [prod] extra: pip install -e '.[test,prod]'"
    bad = garbage(tmp_path / "abime.sqlite")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run([str(GUNICORN), "--config", "gunicorn.conf.py", "finder:create_app()"],
                 {"FINDER_DATABASE": str(bad), "FINDER_GEO_DIR": str(geo_dir),
                  "FINDER_BIND": f"127.0.0.1:{port}", "FINDER_WORKERS": "1"}, timeout=90)
    assert_clean_failure(result, "FINDER_DATABASE")


# -- while running ------------------------------------------------------------------------

@pytest.fixture
def running(demo_app):
    """The demo app after a first search, as a long-running server would be."""
    client = demo_app.test_client()
    before = results(client)
    assert before and client.get("/healthz").get_json()["status"] == "ok"
    return demo_app, client, before


def assert_degraded(client, mentioning: str) -> dict:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    problem = body["database"]["problem"]
    assert "FINDER_DATABASE" in problem and mentioning in problem
    # The cause, not where the file lives: paths stay in the log.
    database = client.application.config["DATABASE"]
    assert database not in response.get_data(as_text=True)
    assert os.path.dirname(database) not in response.get_data(as_text=True)
    assert body["database"]["groups"] == DEMO_GROUPS          # what visitors are still shown
    return body


def test_a_file_replaced_by_a_corrupted_one_does_not_reach_visitors(running, tmp_path):
    app, client, before = running
    database = Path(app.config["DATABASE"])
    replacement = garbage(tmp_path / "nouveau.sqlite")
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(replacement, database)                      # a new inode at the same path
    assert results(client) == before
    page = client.get(SEARCH_PAGE)
    assert page.status_code == 200 and "Résultats" in page.get_data(as_text=True)
    assert_degraded(client, "[FINDER_DATABASE]")


def test_a_file_overwritten_in_place_does_not_reach_visitors(running):
    app, client, before = running
    database = Path(app.config["DATABASE"])
    with open(database, "r+b") as f:                        # same inode, garbage pages
        f.write(b"\xde\xad\xbe\xef" * 4096)
    assert results(client) == before
    assert_degraded(client, "corromp")


def test_a_deleted_file_does_not_reach_visitors(running):
    app, client, before = running
    database = Path(app.config["DATABASE"])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    assert results(client) == before
    assert_degraded(client, "introuvable")


def test_a_sound_file_again_is_picked_up_and_health_recovers(running, tmp_path):
    app, client, before = running
    database = Path(app.config["DATABASE"])
    keep = tmp_path / "sain.sqlite"
    shutil.copyfile(database, keep)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(garbage(tmp_path / "abime.sqlite"), database)
    assert_degraded(client, "[FINDER_DATABASE]")
    os.replace(keep, database)
    assert results(client) == before
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_an_import_while_running_is_seen_by_the_next_request(running, tmp_path):
    app, client, before = running
    new = write_inventory(tmp_path / "namur.csv", [group_row(
        group_id="nouveau-groupe-namur", name="Nouveau groupe à Namur")])
    result = app.test_cli_runner().invoke(args=["import", str(new), "--force"])
    assert result.exit_code == 0, result.output
    assert results(client) == ["nouveau-groupe-namur"]
    assert client.get("/healthz").get_json()["database"]["groups"] == 1


def test_an_import_from_another_process_is_seen_too(running, tmp_path, geo_dir):
    app, client, before = running
    new = write_inventory(tmp_path / "namur.csv", [group_row(
        group_id="groupe-d-un-autre-processus", name="Groupe importé ailleurs")])
    result = run([sys.executable, "-m", "flask", "--app", "finder", "import", str(new), "--force"],
                 {"FINDER_DATABASE": app.config["DATABASE"], "FINDER_GEO_DIR": str(geo_dir)},
                 timeout=120)
    assert result.returncode == 0, result.stderr
    assert results(client) == ["groupe-d-un-autre-processus"]


def test_without_any_readable_inventory_the_api_answers_503_not_500(demo_app, tmp_path):
    database = Path(demo_app.config["DATABASE"])
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(garbage(tmp_path / "abime.sqlite"), database)
    client = demo_app.test_client()            # first request after the file went bad
    response = client.get(SEARCH_API)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503 and "FINDER_DATABASE" in health.get_json()["problem"]


def test_an_import_in_progress_neither_stalls_nor_breaks_searches(make_app, tmp_path, geo_dir,
                                                                  monkeypatch):
    """While another process writes a large import, each request reads the version (cheap)
    instead of re-checking the whole file; the old inventory is served until the commit."""
    from finder.store import Store
    from tests.conftest import DEMO_INVENTORY
    app = make_app(SNAPSHOT_CHECK_SECONDS=60)
    assert app.test_cli_runner().invoke(args=["import", str(DEMO_INVENTORY)]).exit_code == 0
    client = app.test_client()
    before = results(client)
    big = tmp_path / "big.csv"
    assert app.test_cli_runner().invoke(
        args=["generate-synthetic", "6000", "-o", str(big)]).exit_code == 0
    checks = []
    real_check = Store.check
    monkeypatch.setattr(Store, "check", lambda self: (checks.append(1), real_check(self))[1])
    env = dict(os.environ, FINDER_DATABASE=app.config["DATABASE"], FINDER_GEO_DIR=str(geo_dir))
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "finder", "import",
                             str(big), "--force"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, requests = set(), 0
    try:
        while proc.poll() is None and requests < 2000:
            slugs = results(client)
            seen.add(tuple(slugs))
            requests += 1
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == 0
    after = results(client)
    assert after != before and all(s.startswith("synthetique") for s in after)
    assert seen <= {tuple(before), tuple(after)}, "a half-written inventory was served"
    assert requests >= 5, "the import finished before searches could run alongside it"
    assert len(checks) <= 3, f"{len(checks)} full checks during one import"


def test_without_any_readable_inventory_pages_say_so_in_french(demo_app, tmp_path):
    database = Path(demo_app.config["DATABASE"])
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(garbage(tmp_path / "abime.sqlite"), database)
    client = demo_app.test_client()
    page = client.get(SEARCH_PAGE)
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "momentanément indisponible" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    data = client.get("/carte/lieux.json?postcode=5000")
    assert data.status_code == 503 and data.get_json()["error"]["code"] == "unavailable"


# -- worker restarts ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_a_worker_restarted_after_the_file_went_bad_serves_the_last_sound_inventory(
        demo_app, tmp_path, geo_dir):
    """gunicorn recycles a worker (max_requests) after the file was replaced by garbage:
    the new worker still serves the inventory the master read, and /healthz says degraded."""
    import json
    import time
    database = Path(demo_app.config["DATABASE"])
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")
    env = dict(os.environ, FINDER_DATABASE=str(database), FINDER_GEO_DIR=str(geo_dir),
               FINDER_BIND=f"127.0.0.1:{port}", FINDER_WORKERS="1",
               FINDER_SECRET_KEY="cle-de-test-" + "0" * 40)
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "--max-requests", "3",
         "--max-requests-jitter", "0", "finder:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _ = http_get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    pytest.fail("gunicorn did not start: " + log.read()[-2000:])
                time.sleep(0.2)
        status, body = http_get(base + SEARCH_API)
        assert status == 200
        before = [r["group"]["slug"] for r in json.loads(body)["results"]]
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(garbage(tmp_path / "abime.sqlite"), database)
        for _ in range(8):                   # the worker is replaced after every 3 requests
            status, body = http_get(base + SEARCH_API)
            assert status == 200, body[:300]
            assert [r["group"]["slug"] for r in json.loads(body)["results"]] == before
        status, body = http_get(base + "/healthz")
        health = json.loads(body)
        assert status == 200 and health["status"] == "degraded", health
        assert health["database"]["groups"] == DEMO_GROUPS
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    output = log.read()
    assert output.count("Booting worker") >= 3, output       # workers were really replaced
    assert "Traceback" not in output, output


# -- no command but import and init-db creates a database -----------------------------------

@pytest.mark.parametrize("command", [
    ["export", "--format", "csv"],
    ["search", "--postcode", "5000"],
    ["run", "--port", "0"],
])
def test_commands_and_servers_on_a_missing_database_stop_and_create_nothing(
        command, tmp_path, geo_dir):
    missing = tmp_path / "pas-encore.sqlite"
    result = run([sys.executable, "-m", "flask", "--app", "finder", *command],
                 {"FINDER_DATABASE": str(missing), "FINDER_GEO_DIR": str(geo_dir),
                  "FINDER_SECRET_KEY": "cle-de-test-" + "0" * 40})
    assert_clean_failure(result, "FINDER_DATABASE")
    assert "init-db" in result.stderr and str(missing) in result.stderr
    assert not missing.exists()


def test_gunicorn_on_a_missing_database_stops_and_creates_nothing(tmp_path, geo_dir):
    missing = tmp_path / "pas-encore.sqlite"
    result = run([str(GUNICORN), "--config", "gunicorn.conf.py", "finder:create_app()"],
                 {"FINDER_DATABASE": str(missing), "FINDER_GEO_DIR": str(geo_dir),
                  "FINDER_BIND": f"127.0.0.1:{free_port()}", "FINDER_WORKERS": "1",
                  "FINDER_SECRET_KEY": "cle-de-test-" + "0" * 40}, timeout=90)
    assert_clean_failure(result, "FINDER_DATABASE")
    assert not missing.exists()


def test_an_emptied_file_is_a_missing_inventory_not_a_new_one(make_app, tmp_path):
    emptied = tmp_path / "videe.sqlite"
    emptied.write_bytes(b"")
    with pytest.raises(StartupError) as err:
        make_app(DATABASE=str(emptied), create_database=False)
    assert "introuvable ou vide" in str(err.value)
    assert emptied.stat().st_size == 0


def test_init_db_and_import_create_the_database(tmp_path, geo_dir):
    env = {"FINDER_DATABASE": str(tmp_path / "neuve.sqlite"), "FINDER_GEO_DIR": str(geo_dir)}
    created = run([sys.executable, "-m", "flask", "--app", "finder", "init-db"], env)
    assert created.returncode == 0 and "Base créée" in created.stdout, created.stderr
    again = run([sys.executable, "-m", "flask", "--app", "finder", "init-db"], env)
    assert again.returncode == 0 and "rien n'a été effacé" in again.stdout
    env["FINDER_DATABASE"] = str(tmp_path / "importee.sqlite")
    imported = run([sys.executable, "-m", "flask", "--app", "finder", "import", "--demo"], env)
    assert imported.returncode == 0, imported.stderr
    exported = run([sys.executable, "-m", "flask", "--app", "finder", "export"], env)
    assert exported.returncode == 0 and exported.stdout.count("\n") > 60
