"""The public's proposals: "Proposer un groupe" and, on each group page, "Signaler une
erreur". Plain HTML forms (no JavaScript needed), the import's messages, a honeypot field
and a budget per client address; no third-party captcha. Nothing is published until an
editor accepts it in /admin/propositions.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from .. import proposals
from ..db import get_geography, get_store, get_writer
from ..models import CHAPTERS, KINDS
from ..translatable import N_
from .errors import error_response
from .i18n import gettext, label, say
from .throttle import client, get_throttle, too_many

bp = Blueprint("proposals", __name__)

HONEYPOT = "website_confirm"          # hidden from people; bots fill every field
MAX_SLUG = 200
TOO_MANY = N_("Merci ! Nous avons déjà reçu plusieurs propositions depuis cette adresse. "
              "Réessayez dans %(delay)s, ou écrivez-nous par courriel.")
TOO_MANY_TITLE = N_("Trop de propositions d'un coup")
LABELS = {
    "name": N_("Nom du groupe"), "chapter": N_("Sujet"), "kind": N_("Type de groupe"),
    "description": N_("Description (ce que fait le groupe, pour qui)"), "phone": N_("Téléphone"),
    "email": N_("Courriel du groupe"), "website": N_("Site web du groupe"), "cost": N_("Coût"),
    "place_label": N_("Nom du lieu de réunion"), "street": N_("Rue et numéro"),
    "postcode": N_("Code postal"), "locality": N_("Localité"), "commune": N_("Commune"),
    "schedule": N_("Quand se réunit-il ?"), "message": N_("Votre message"),
    "proposer_email": N_("Votre adresse e-mail (facultatif)"),
}


def _said(problems: dict) -> dict:
    """The form's problems (validation's French messages) in the page's language."""
    return {name: say(message) for name, message in problems.items()}


def _labels() -> dict:
    return {name: label(text) for name, text in LABELS.items()}


def _budget() -> dict:
    return {"proposal-client": (current_app.config["PROPOSAL_LIMIT"], client())}


def _accept_submission():
    """None to go on; else the response (429, or the thanks page for a filled honeypot)."""
    throttle = get_throttle()
    wait = throttle.blocked(_budget())
    if wait:
        return too_many(TOO_MANY_TITLE, TOO_MANY, wait)
    if request.form.get(HONEYPOT):
        throttle.spend(_budget())
        return render_template("proposal_thanks.html")        # looks the same, keeps nothing
    return None


@bp.route("/proposer", methods=["GET", "POST"])
def propose():
    values, problems, status = {}, {}, 200
    if request.method == "POST":
        refused = _accept_submission()
        if refused is not None:
            return refused
        problems, values, email, message = proposals.check_new(
            request.form, get_geography().in_service_area)
        if not problems:
            get_writer().add_proposal("new", None, values, message, email)
            get_throttle().spend(_budget())
            return render_template("proposal_thanks.html")
        values |= {"proposer_email": email, "message": message}
        status = 400
    return render_template("proposal_new.html", values=values, problems=_said(problems),
                           labels=_labels(), chapters=[(s, label(t)) for s, t, _ in CHAPTERS],
                           kinds={k: label(v) for k, v in KINDS.items()},
                           honeypot=HONEYPOT), status


@bp.route("/groupes/<slug>/signaler", methods=["GET", "POST"])
def report(slug: str):
    group = get_store().group_by_slug(slug) if len(slug) <= MAX_SLUG else None
    if group is None:
        return error_response(404, "group_not_found", title=gettext("Groupe introuvable"),
                              message=gettext("Ce groupe ne figure pas (ou plus) dans le "
                                              "répertoire."))
    from ..editing import group_form
    values, problems, status = group_form(group), {}, 200
    if request.method == "POST":
        refused = _accept_submission()
        if refused is not None:
            return refused
        problems, data, email, message = proposals.check_correction(
            request.form, group, get_geography().in_service_area)
        if not problems:
            get_writer().add_proposal("correction", group.slug, data, message, email)
            get_throttle().spend(_budget())
            return render_template("proposal_thanks.html", group=group)
        values = values | data | {"proposer_email": email, "message": message}
        status = 400
    return render_template("proposal_report.html", group=group, values=values,
                           problems=_said(problems), labels=_labels(), honeypot=HONEYPOT,
                           fields=proposals.CORRECTION_FIELDS,
                           back=url_for("pages.group", slug=group.slug)), status
