"""/healthz: is this process able to answer searches? JSON for load balancers and people.

200 {"status": "ok", "database": {counts, version, imported_at}, "geography": {...}}
    when the reference geography is loaded and an inventory with at least one group is
    being served.
200 {"status": "degraded", ..., "database": {..., "problem": "…"}} when the running app
    still serves its last good inventory but the file on disk has become unusable
    (replaced by a corrupted one, deleted): visitors are fine, someone must look. Not a
    503 on purpose: a health check that fails makes an orchestrator restart the process,
    and a restart would then refuse to start on the bad file and drop the good copy.
503 {"status": "unavailable", "problem": "…"} when there is nothing to serve: geography
    missing, no readable inventory, or an empty one (nothing imported yet).

Never cached, never rate-limited, and it says nothing about visitors. Problems are named
by their cause and setting, never by a file path: the paths and the exact errors go to
the log (ERROR/WARNING lines of finder.web.health).
"""
from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, jsonify

from ..db import get_geography, get_inventory, get_reader
from ..geography import GeographyError
from ..store import StoreError

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _geography() -> dict:
    geo = get_geography()
    return {"communes": len(geo.communes), "postcodes": len(geo.postcodes),
            "localities": len(geo.localities)}


def _database() -> dict:
    inventory = get_inventory()
    counts = inventory.counts
    return {
        "groups": counts["groups"], "places": counts["places"],
        "services_without_place": counts.get("everywhere", 0),
        "demo": inventory.demo,
        "inventory_version": inventory.version,
        "imported_at": inventory.token[2],
    }


_PATH = re.compile(r"(?<![\w:/])(?:~|[A-Za-z]:)?(?:[\\/][^\s\\/()«»,;]+)+[\\/]?")


def public_problem(detail: str) -> str:
    """A problem as /healthz shows it: the cause, each file path replaced by the name of
    its setting (or "…"); the full text goes to the log."""
    text = str(detail)
    for setting in ("DATABASE", "GEO_DIR"):
        path = str(current_app.config.get(setting) or "")
        if path:
            text = text.replace(path, f"[FINDER_{setting}]")
    return _PATH.sub("…", text)


@bp.route("/healthz")
def healthz():
    body: dict = {"status": "ok"}
    problems = []
    try:
        body["geography"] = _geography()
    except GeographyError as exc:
        log.error("healthz: reference geography unusable: %s", exc)
        problems.append(public_problem(exc))
    try:
        body["database"] = _database()
        if not body["database"]["groups"]:
            problems.append("Inventaire vide : importez un inventaire "
                            "(flask --app finder import <fichier>).")
    except StoreError as exc:
        log.error("healthz: inventory unusable: %s", exc)
        problems.append(public_problem(exc))
    if "database" in body:
        body["caches"] = get_inventory().stats()
    if problems:
        body["status"] = "unavailable"
        body["problem"] = " ".join(problems)
        status = 503
    else:
        status = 200
        disk_problem = get_reader().problem
        if disk_problem:
            log.warning("healthz: degraded, serving the last sound inventory: %s", disk_problem)
            body["status"] = "degraded"
            body["database"]["problem"] = public_problem(disk_problem)
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
