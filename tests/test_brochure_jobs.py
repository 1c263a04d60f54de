"""The site's printed inventory is built in the background, once per inventory version
(finder/printjobs.py): real builds of small inventories, in their own processes."""
from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time

from finder.printjobs import Edition, PrintJobs

from .conftest import group_row, write_inventory
from .test_brochure import NOW, pages_text

BUILD_TIMEOUT = 180          # seconds: a loaded machine (the suite runs beside other work)


def _import(app, tmp_path, rows, name="inv.csv"):
    path = write_inventory(tmp_path / name, rows)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
    assert result.exit_code == 0, result.output
    return result.output


def _app(make_app, tmp_path, *names):
    app = make_app(SCHEDULE_NOW=NOW)
    _import(app, tmp_path, [group_row(group_id=f"g{i}", name=name, demo="non")
                            for i, name in enumerate(names)])
    return app


def _jobs(app) -> PrintJobs:
    return PrintJobs.for_config(app.config)


def _wait_for_pdf(client, url="/inventaire.pdf"):
    """Ask as the page's refresh does, until the PDF comes (every answer before is the
    'en préparation' page)."""
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        response = client.get(url)
        if response.status_code == 200:
            return response
        assert response.status_code == 503, response.status_code
        time.sleep(0.5)
    raise AssertionError("the brochure was not built in time")


def _wait_until_free(jobs):
    deadline = time.monotonic() + BUILD_TIMEOUT
    while jobs.running():
        assert time.monotonic() < deadline, "the build did not end"
        time.sleep(0.3)


def test_first_request_says_en_preparation_then_serves_the_pdf(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    client = app.test_client()
    first = client.get("/inventaire.pdf")
    assert first.status_code == 503                  # never HTML with a 200 for a PDF
    assert first.mimetype == "text/html"
    assert first.headers["Retry-After"] == "10"
    assert first.headers["Cache-Control"] == "no-store"
    page = first.get_data(as_text=True)
    assert "La brochure est en préparation" in page
    assert '<meta http-equiv="refresh" content="10">' in page
    # the refresh needs no script, and the page keeps the site's CSP
    def policy(response):                      # a page's script nonce aside
        return re.sub(r" 'nonce-[^']+'", "", response.headers["Content-Security-Policy"])
    assert policy(first) == policy(client.get("/"))
    assert "unsafe-inline" not in policy(first)
    pdf = _wait_for_pdf(client)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "Groupe des Tilleuls" in " ".join(pages_text(pdf.data))
    again = client.get("/inventaire.pdf", headers={"If-None-Match": pdf.headers["ETag"]})
    assert again.status_code == 304                    # served from the file, not rebuilt
    jobs = _jobs(app)
    _wait_until_free(jobs)
    assert client.get("/inventaire.pdf").data == pdf.data
    assert not jobs.running()                          # nothing started again
    assert (jobs.folder / "build.log").read_text().count("groupes et services") == 1


def test_the_page_says_how_far_the_build_is(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    jobs = _jobs(app)
    fd = jobs.try_lock()                          # a build of ours is running...
    try:
        jobs.write_status(edition=Edition().slug, started=time.time() - 75, pages=312,
                          groups=900, stage="Mise en page…")
        page = app.test_client().get("/inventaire.pdf").get_data(as_text=True)
        assert "312 pages" in page and "900 groupes" in page and "1 min 15 s" in page
        jobs.record_done(Edition(), pages=1050, seconds=400)       # the previous build
        page = app.test_client().get("/inventaire.pdf").get_data(as_text=True)
        assert "312 pages</strong> mises en page sur environ 1050" in page
        assert "a duré environ 7 min" in page
        jobs.write_status(edition=Edition("maladie").slug, started=time.time(), pages=3)
        page = app.test_client().get("/inventaire.pdf").get_data(as_text=True)
        assert "Une autre édition de la brochure est en cours" in page
    finally:
        os.close(fd)
    # ...it ended: a status left behind is not shown as a running build
    page = app.test_client().get("/inventaire.pdf").get_data(as_text=True)
    assert "Une autre édition" not in page
    _wait_until_free(jobs)


def test_many_requests_at_once_start_one_build(make_app, tmp_path, caplog):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    caplog.set_level(logging.INFO, logger="finder.printjobs")
    statuses = []

    def ask():
        statuses.append(app.test_client().get("/inventaire.pdf").status_code)
    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [503] * 6
    jobs = _jobs(app)
    pid = (jobs.status() or {}).get("pid")
    for _ in range(3):                              # asking again while it runs
        app.test_client().get("/inventaire.pdf")
    if jobs.running():
        assert (jobs.status() or {}).get("pid") in (pid, None)
    _wait_for_pdf(app.test_client())
    started = [r for r in caplog.records if "brochure build started" in r.getMessage()]
    assert len(started) == 1


def test_a_build_running_elsewhere_is_not_started_twice(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    jobs = _jobs(app)
    fd = jobs.try_lock()                      # another process's build holds the lock
    try:
        assert not jobs.start(Edition(), jobs.child_env(app.config))
        for _ in range(3):
            assert app.test_client().get("/inventaire.pdf").status_code == 503
        time.sleep(2)
        assert not list(jobs.folder.glob("*.pdf"))
        assert not (jobs.folder / "build.log").exists()          # nothing was started
    finally:
        os.close(fd)
    assert _wait_for_pdf(app.test_client()).status_code == 200   # free: the next one builds


def test_a_lock_left_by_a_dead_build_is_taken_over(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    jobs = _jobs(app)
    jobs.folder.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time, json\n"
         "fd = os.open(sys.argv[1] + '/build.lock', os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "open(sys.argv[1] + '/build.json', 'w').write(json.dumps("
         "{'pid': os.getpid(), 'edition': 'tout_partout', 'pages': 7}))\n"
         "print('locked', flush=True)\n"
         "time.sleep(600)\n", str(jobs.folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert jobs.running()
        assert app.test_client().get("/inventaire.pdf").status_code == 503
        assert not jobs.start(Edition(), jobs.child_env(app.config))
    finally:
        holder.send_signal(signal.SIGKILL)          # the build dies without cleaning up
        holder.wait()
    assert json.loads((jobs.folder / "build.json").read_text())["pid"] == holder.pid
    assert not jobs.running()
    response = app.test_client().get("/inventaire.pdf")     # takes the lock over
    assert response.status_code == 503
    assert (jobs.status() or {}).get("pid") != holder.pid
    assert _wait_for_pdf(app.test_client()).status_code == 200


def test_pdf_is_current_after_an_import(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    client = app.test_client()
    first = _wait_for_pdf(client)
    assert "Groupe des Tilleuls" in " ".join(pages_text(first.data))
    jobs = _jobs(app)
    _wait_until_free(jobs)
    # what the next build's page will expect: this one's pages
    assert jobs.last_build(Edition())["pages"] == len(pages_text(first.data))
    # a new version: the import starts its brochure at once, without a visitor
    output = _import(app, tmp_path, [group_row(group_id="autre", name="Groupe des Saules",
                                               demo="non")], name="v2.csv")
    assert "en préparation" in output
    _wait_until_free(jobs)
    response = client.get("/inventaire.pdf")
    assert response.status_code == 200                     # ready for the first visitor
    text = " ".join(pages_text(response.data))
    assert "Groupe des Saules" in text and "Groupe des Tilleuls" not in text
    assert response.headers["ETag"] != first.headers["ETag"]
    assert len(list(jobs.folder.glob("*.pdf"))) == 1      # the old version's PDF is gone


def test_warm_command_prepares_what_the_site_serves(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["brochure", "--warm", "--chapter", "maladie"])
    assert result.exit_code == 0, result.output
    response = app.test_client().get("/inventaire.pdf?chapter=maladie")
    assert response.status_code == 200                            # the first time already
    assert "Groupe des Tilleuls" in " ".join(pages_text(response.data))
    assert "Déjà prêt" in runner.invoke(args=["brochure", "--warm", "--chapter",
                                              "maladie"]).output
    assert app.test_client().get("/inventaire.pdf").status_code == 503   # another edition
    _wait_until_free(_jobs(app))


def test_a_failed_build_is_said_and_not_retried_at_once(make_app, tmp_path):
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    jobs = _jobs(app)
    from finder.printjobs import version_tag
    with app.app_context():
        from finder.db import get_inventory
        tag = version_tag(get_inventory().token)
    jobs.record_failure(Edition(), tag, "OSError: disque plein")
    response = app.test_client().get("/inventaire.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "n'a pas pu être préparée" in page and "refresh" not in page
    assert not jobs.running() and not (jobs.folder / "build.log").exists()


def test_imports_start_nothing_when_warming_is_off(make_app, tmp_path):
    app = make_app(SCHEDULE_NOW=NOW, BROCHURE_WARM=False)
    _jobs(app).folder.mkdir(parents=True)
    output = _import(app, tmp_path, [group_row(name="Groupe des Tilleuls", demo="non")])
    assert "en préparation" not in output
    assert not _jobs(app).running() and not (_jobs(app).folder / "build.log").exists()


def test_an_admin_edit_starts_the_new_versions_brochure(make_app, tmp_path):
    from .conftest import ADMIN_EMAIL, add_account, csrf_from, login
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    client = app.test_client()
    first = _wait_for_pdf(client)                  # this site prints its brochure
    jobs = _jobs(app)
    _wait_until_free(jobs)
    add_account(app, ADMIN_EMAIL, "admin")
    assert login(client, ADMIN_EMAIL).status_code == 302
    assert not jobs.running()                      # a login is no new version
    html = client.get("/admin/groupes/g0").get_data(as_text=True)
    version = re.search(r'name="version" value="([^"]+)"', html).group(1)
    response = client.post("/admin/groupes/g0/verifie",
                           data={"csrf_token": csrf_from(html), "version": version})
    assert response.status_code == 302
    assert jobs.running() or len(list(jobs.folder.glob("*.pdf"))) == 1
    _wait_until_free(jobs)
    again = client.get("/inventaire.pdf")
    assert again.status_code == 200                # built before anyone asked
    assert again.headers["ETag"] != first.headers["ETag"]     # the new version's file


def test_the_brochure_links_to_the_site_without_the_asking_page_s_language(make_app, tmp_path,
                                                                          monkeypatch):
    """The brochure is French whatever page asked for it: the site's address printed in it
    carries no ?lang= of that page."""
    app = _app(make_app, tmp_path, "Groupe des Tilleuls")
    asked = []
    monkeypatch.setattr(PrintJobs, "start", lambda self, edition, env, online_url="":
                        asked.append(online_url) or True)
    assert app.test_client().get("/inventaire.pdf?lang=nl").status_code == 503
    assert asked == ["http://localhost/"]
