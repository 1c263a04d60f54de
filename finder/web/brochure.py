"""The printed inventory as a PDF: `/inventaire.pdf` and `/resultats.pdf` (issue 15).

`inventory_brochure` gathers one edition (every group, or one chapter, or one province)
from an Inventory into a `brochure.Brochure`; `results_brochure` does the same for the
results of a search. No request builds the PDF of an edition: finder/printjobs.py builds
it in a process of its own (`flask brochure --warm`, cli_brochure.py), once per inventory
version, edition and day (the next meeting dates move), and `/inventaire.pdf` serves the
file, or says "en préparation" meanwhile. A results PDF (capped) is built in the request
and kept on the Inventory, like the other whole-inventory outputs.
"""
from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime
from typing import Callable, Optional

from flask import (Blueprint, Response, current_app, g, render_template, request, send_file,
                   url_for)

from flask_babel import force_locale

from ..brochure import Brochure, Section, print_brochure
from ..db import get_geography, get_inventory, get_reader_of
from ..models import CHAPTERS, CHAPTER_SLUGS, Group
from ..printjobs import Edition, PrintJobs, version_tag
from ..text import fold
from .clock import request_moment
from .i18n import INVENTORY_LANG, gettext
from .params import BadParameter, parse_search
from .render import CRISIS_LINES, french_date, group_view

bp = Blueprint("brochure", __name__)
log = logging.getLogger(__name__)

TITLE = "Inventaire des groupes d'entraide et de soutien"
UPCOMING = 3                # next dates printed for each place
# Meeting places a results PDF prints at most (one page of results). It is built inside the
# request: 500 places took 77 s at the demo size (44 pages, machine loaded), past gunicorn's
# 30 s; bench/brochure.py measures the cap's worst case.
MAX_RESULTS = 50
bp.add_app_template_global(MAX_RESULTS, "results_pdf_cap")      # said beside the link
RETRY_SECONDS = 10          # "en préparation": the page refreshes itself after this


# ----- gathering an edition ------------------------------------------------------------

def province_names(geography) -> list[str]:
    return list(geography.communes_by_province())


def find_province(geography, text: str) -> Optional[str]:
    """'Namur', 'province de Namur', 'bruxelles' → the geography's label, or None."""
    wanted = fold(text).strip()
    if not wanted:
        return None
    for label in province_names(geography):
        folded = fold(label)
        if wanted == folded or folded.endswith(" " + wanted) or wanted in folded.split(" de "):
            return label
    for label in province_names(geography):
        if wanted in fold(label):
            return label
    return None


def _province_of(geography) -> dict[str, str]:
    return {c.nis: label for label, communes in geography.communes_by_province().items()
            for c in communes}


def version_date(inventory) -> str:
    imported = (inventory.store().get_meta("imported_at", "") or "")[:10]
    return french_date(imported) if imported else "date inconnue"


def _sections(views_by_chapter: dict[str, list], only: Optional[str] = None) -> list[Section]:
    return [Section(slug, number, title, colour, views_by_chapter.get(slug, []))
            for number, (slug, title, colour) in enumerate(CHAPTERS, start=1)
            if only is None or slug == only]


def _add(by_chapter: dict, group: Group, geography, moment, provinces: Optional[dict],
         province: Optional[str]) -> None:
    if not group.places:
        return                              # printed with the services reachable from everywhere
    if provinces is not None:
        places = [p for p in group.places if provinces.get(p.commune_nis) == province]
        if not places:
            return
        group = replace(group, places=places)
    by_chapter.setdefault(group.chapter, []).append(
        group_view(group, geography, moment, upcoming=UPCOMING))


def inventory_brochure(inventory, geography, moment: datetime, *, chapter: Optional[str] = None,
                       province: Optional[str] = None, online_url: str = "",
                       progress: Callable = lambda label, items: nullcontext(items)
                       ) -> Brochure:
    """One edition: the groups of a chapter (all when None) meeting in a province (anywhere
    when None), in the printed inventory's order. progress(label, items): a context giving
    the groups to loop over (the command's progress bar)."""
    store = inventory.store()
    provinces = _province_of(geography) if province else {}
    by_chapter: dict[str, list] = {}
    with progress("Groupes", store.all_groups(chapter=chapter)) as groups:
        for group in groups:
            _add(by_chapter, group, geography, moment, provinces if province else None,
                 province)
    everywhere = [group_view(g) for g in store.groups_without_places(chapter=chapter)]
    scope = [dict((s, t) for s, t, _ in CHAPTERS)[chapter] if chapter else "Tout l'inventaire"]
    if province:
        scope.append(province)
    return Brochure(
        title=TITLE, scope=" · ".join(scope), version_date=version_date(inventory),
        printed_on=french_date(moment.date().isoformat()), demo=inventory.demo,
        crisis_lines=list(CRISIS_LINES), sections=_sections(by_chapter, chapter),
        everywhere=everywhere, online_url=online_url)


def results_brochure(inventory, geography, moment: datetime, outcome, *, scope: str,
                     search_lines: list[str], online_url: str) -> Brochure:
    """The results of a search: each group once, with the places the search found, in the
    results' order within each chapter."""
    groups: dict[str, Group] = {}
    for result in outcome.results:
        found = groups.get(result.group.slug)
        if found is None:
            groups[result.group.slug] = replace(result.group, places=[result.place])
        elif result.place.id not in {p.id for p in found.places}:
            found.places.append(result.place)
    by_chapter: dict[str, list] = {}
    for group in groups.values():
        by_chapter.setdefault(group.chapter, []).append(
            group_view(group, geography, moment, upcoming=UPCOMING))
    sections = [s for s in _sections(by_chapter) if s.groups]
    return Brochure(
        title=TITLE, scope=scope, version_date=version_date(inventory),
        printed_on=french_date(moment.date().isoformat()), demo=inventory.demo,
        crisis_lines=list(CRISIS_LINES), sections=sections,
        everywhere=[group_view(g) for g in outcome.everywhere], search_lines=search_lines,
        online_url=online_url)


def build_brochure(inventory, geography, edition: Edition, *, online_url: str = "",
                   progress: Callable = lambda label, items: nullcontext(items),
                   say: Optional[Callable[[str], None]] = None,
                   on_part: Optional[Callable[[int], None]] = None) -> tuple[Brochure, bytes]:
    """Gather an edition and print it (minutes for thousands of groups: never in a
    request; finder/printjobs.py runs it in a process of its own)."""
    brochure = inventory_brochure(inventory, geography, request_moment(),
                                  chapter=edition.chapter, province=edition.province,
                                  online_url=online_url, progress=progress)
    return brochure, print_brochure(brochure, say=say, on_part=on_part)


# ----- the routes ----------------------------------------------------------------------

def _pdf_response(output, filename: str) -> Response:
    response = Response(output.body, mimetype="application/pdf")
    response.set_etag(output.etag)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response.make_conditional(request)


def edition_options(args, geography) -> tuple[Optional[str], Optional[str]]:
    """chapter and province of the URL, checked (BadParameter: the French 400 page)."""
    chapter = (args.get("chapter") or "").strip() or None
    if chapter and chapter not in CHAPTER_SLUGS:
        raise BadParameter("chapter", gettext("Ce sujet n'existe pas. Les sujets possibles : "
                                              "%(allowed)s.", allowed=", ".join(CHAPTER_SLUGS)))
    province_text = (args.get("province") or "").strip()
    province = find_province(geography, province_text) if province_text else None
    if province_text and province is None:
        raise BadParameter("province", gettext(
            "Cette province n'est pas connue. Choisissez parmi : %(allowed)s.",
            allowed=", ".join(province_names(geography))))
    return chapter, province


@bp.get("/inventaire.pdf")
def inventory_pdf():
    """The edition's PDF for the current inventory version when it is ready; else a build
    starts in the background (one at a time) and a page says how far it is: 503 with
    Retry-After, so that a PDF client never takes that page for the PDF, and `curl
    --retry` or `wget` come back by themselves."""
    geography, inventory = get_geography(), get_inventory()
    chapter, province = edition_options(request.args, geography)
    edition = Edition(chapter, province)
    config = current_app.config
    jobs = PrintJobs.for_config(config)
    tag = version_tag(inventory.token)
    found = jobs.find(edition, tag, request_moment().date().isoformat())
    failed = jobs.failure(edition, tag)
    if (found is None or not found.current) and not failed:
        # The brochure is French, whatever the page asking for it: its link too.
        online = config["SITE_URL"] or url_for("pages.index", _external=True, lang=None)
        jobs.start(edition, jobs.child_env(config), online_url=online)
    if found is not None:
        # an earlier day's PDF of this version while today's is built: its cover says
        # the day its next dates were computed
        return send_file(found.path, mimetype="application/pdf", conditional=True,
                         etag=found.path.stem, download_name="inventaire.pdf", max_age=0)
    if failed:
        log.error("brochure %s: the last build failed (%s); see %s", edition.slug,
                  failed.get("error"), jobs.folder / "build.log")
    return preparing_response(jobs.status(), edition, failed=bool(failed),
                              last=jobs.last_build(edition))


def preparing_response(status: Optional[dict], edition: Edition, *, failed: bool = False,
                       last: Optional[dict] = None) -> Response:
    """"La brochure est en préparation": how far the build is, refreshed every
    RETRY_SECONDS (a meta refresh: no script, the CSP is unchanged)."""
    status = status or {}
    elapsed = max(0, int(time.time() - status["started"])) if status.get("started") else None
    html = render_template(
        "brochure/preparing.html", retry=RETRY_SECONDS, status=status, elapsed=elapsed,
        ours=status.get("edition") in (None, edition.slug), running=status is not None
        and bool(status), failed=failed, last=last or {})
    response = Response(html, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def warm_after_write(response: Response) -> Response:
    """After a request that wrote the inventory (an admin edit: a new version), start
    building the whole inventory's PDF for it (printjobs.PrintJobs.warm)."""
    writer = g.get("writer")
    if writer is not None and request.method == "POST" and response.status_code < 400:
        config = current_app.config
        try:
            PrintJobs.for_config(config).warm(config, get_reader_of(current_app).current,
                                              request_moment().date().isoformat())
        except Exception:                      # never fails the edit that was saved
            log.exception("brochure: could not start building the new version's PDF")
    return response


@bp.get("/resultats.pdf")
def results_pdf():
    """'Imprimer ces résultats': the search page's results (the same URL parameters)."""
    from .pages import _filters, _origin_note, _summary
    geography, inventory = get_geography(), get_inventory()
    req = parse_search(request.args, geography, page_size=MAX_RESULTS)
    req = replace(req, page=1, query=replace(req.query, limit=MAX_RESULTS, offset=0))
    outcome, _ = inventory.search(req.query)
    moment = request_moment()
    # The printed inventory is French (the link to it says so in every language): its
    # search lines too, whatever the page's language, and one PDF serves every language.
    with force_locale(INVENTORY_LANG):
        lines = [f"{f.label} : {f.value}"
                 for f in _filters(req, lambda **changes: None, frozenset())]
        if _origin_note(req):
            lines.append(_origin_note(req))
        summary = _summary(replace(req, page=1), outcome.total, 1, outcome.meeting_places)
    if outcome.total > len(outcome.results):
        lines.append(f"Les {len(outcome.results)} premiers lieux sur {outcome.total} "
                     "sont imprimés : précisez la recherche pour les autres.")
    online = url_for("pages.index", _external=True, **req.as_args())

    def build() -> bytes:
        with force_locale(INVENTORY_LANG):          # its schedules and labels too
            return print_brochure(results_brochure(
                inventory, geography, moment, outcome,
                scope=f"Résultats de recherche : {summary}", search_lines=lines,
                online_url=online))
    key = ("results-pdf", req.query.unpaged(), moment.date().isoformat())
    return _pdf_response(inventory.output(key, build), "resultats.pdf")
