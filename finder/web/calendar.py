"""'Ajouter à mon agenda': the iCalendar file of a group, or of one of its places."""
from __future__ import annotations

from flask import Blueprint, Response

from ..calendar_ics import group_calendar, place_calendar
from ..db import get_geography, get_store
from .clock import request_moment
from ..translatable import N_
from .errors import error_response
from .i18n import gettext, label
from .pages import MAX_SLUG
from .security import public_url

bp = Blueprint("calendar", __name__)

NO_DATE = N_("Ce groupe ne publie pas d'horaire dont on puisse tirer des dates : il n'y a "
             "rien à ajouter à un agenda. Téléphonez-lui pour connaître ses prochaines "
             "réunions.")
NO_DATE_TITLE = N_("Pas de date à ajouter")


def _group(slug: str):
    return get_store().group_by_slug(slug) if len(slug) <= MAX_SLUG else None


def _ics(body, filename: str):
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/groupes/<slug>/agenda.ics")
def group_ics(slug: str):
    group = _group(slug)
    if group is None:
        return error_response(404, "not_found", title=gettext("Groupe introuvable"),
                              message=gettext("Ce groupe ne figure pas (ou plus) dans le "
                                              "répertoire."))
    url = public_url("pages.group", slug=group.slug)
    body = group_calendar(group, get_geography(), url, request_moment())
    if body is None:
        return error_response(404, "no_dates", label(NO_DATE), title=label(NO_DATE_TITLE))
    return _ics(body, f"{group.slug}.ics")


@bp.get("/groupes/<slug>/lieux/<int:number>/agenda.ics")
def place_ics(slug: str, number: int):
    group = _group(slug)
    if group is None or not 1 <= number <= len(group.places):
        return error_response(404, "not_found", title=gettext("Lieu introuvable"),
                              message=gettext("Ce lieu ne figure pas (ou plus) dans la fiche "
                                              "de ce groupe."))
    url = public_url("pages.group", slug=group.slug)
    body = place_calendar(group, number - 1, get_geography(), url, request_moment())
    if body is None:
        return error_response(404, "no_dates", label(NO_DATE), title=label(NO_DATE_TITLE))
    return _ics(body, f"{group.slug}-lieu-{number}.ics")
