"""Editing a group and its places; "vérifié aujourd'hui"; the history and undo."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ... import editing
from ...db import geocoder_chain, get_geography, get_writer
from ...models import ADDRESS_KINDS, CHAPTERS, KINDS, PRECISION_LABELS, content_hash
from ...store_history import ACTIONS
from ...validation import SERVICES
from ..pages import tiles_config
from . import bp
from .auth import admin_required, current_account

MAX_SLUG = 200

GROUP_LABELS = {
    "name": "Nom", "chapter": "Chapitre", "kind": "Type", "themes": "Thèmes (séparés par ;)",
    "audience": "Pour qui (séparés par ;)",
    "services": "Services (séparés par ;) : " + ", ".join(SERVICES),
    "cost": "Coût", "description": "Description", "phone": "Téléphone", "email": "Courriel",
    "website": "Site web", "source_url": "Source (adresse web)",
    "source_date": "Date de la source (AAAA-MM-JJ, AAAA-MM ou AAAA)",
    "checked_on": "Vérifié le (AAAA-MM-JJ)", "demo": "Donnée de démonstration",
    "notes": "À savoir (ce que les sources laissent dans le doute ; montré au public)",
}
PLACE_LABELS = {
    "place_label": "Nom du lieu", "street": "Rue et numéro", "postcode": "Code postal",
    "locality": "Localité", "commune": "Commune", "lat": "Latitude", "lon": "Longitude",
    "show_exact": "Publier l'adresse exacte", "schedule": "Quand (horaire, en toutes lettres)",
    "schedule_rule": "Règle exacte (facultatif, RFC 5545 : FREQ=MONTHLY;BYDAY=1TU 14:00-16:00)",
    "schedule_except": "Sauf (facultatif, avec la règle : congés scolaires; juillet; août)",
    "address_kind": "Cette adresse est",
}


def _group_or_404(slug: str):
    group = get_writer().group_by_slug(slug) if len(slug) <= MAX_SLUG else None
    if group is None:
        abort(404)
    return group


def render_group(slug: str, *, group_values=None, group_errors=None, place_index=None,
                 place_values=None, place_errors=None, status: int = 200):
    group = _group_or_404(slug)
    forms = [editing.place_form(group, i) for i in range(len(group.places) + 1)]
    if place_index is not None and 0 <= place_index < len(forms):
        forms[place_index] = place_values
    return render_template(
        "admin/group.html", group=group, version=content_hash(group),
        values=group_values or editing.group_form(group), errors=group_errors or {},
        place_forms=forms, place_index=place_index, place_errors=place_errors or {},
        labels=GROUP_LABELS, place_labels=PLACE_LABELS, kinds=KINDS,
        address_kinds=ADDRESS_KINDS,
        chapter_options=[(s, t) for s, t, _ in CHAPTERS],
        precision_labels=PRECISION_LABELS, stale=editing.is_stale(group),
        history=get_writer().changes(slug, limit=5), actions=ACTIONS,
        tiles=tiles_config()), status


def _who() -> str:
    return current_account().email


def _done(slug: str, outcome: editing.Outcome, message: str, anchor: str = ""):
    flash(outcome.note if outcome.change_id is None and outcome.note else message)
    if outcome.change_id is not None and outcome.note:
        flash(outcome.note)
    return redirect(url_for("admin.group", slug=slug) + anchor)


def _refused(slug: str, exc: editing.EditError):
    flash(str(exc))
    return redirect(url_for("admin.group", slug=slug))


@bp.get("/groupes/<slug>")
def group(slug: str):
    return render_group(slug)


@bp.post("/groupes/<slug>")
def save_group(slug: str):
    try:
        outcome = editing.edit_group(get_writer(), get_geography(), slug, request.form, _who(),
                                     request.form.get("version", ""))
    except editing.EditError as exc:
        return _refused(slug, exc)
    if not outcome.ok:
        return render_group(slug, group_values=editing.clean(request.form, editing.GROUP_FIELDS),
                            group_errors=outcome.problems, status=400)
    return _done(slug, outcome, "Fiche enregistrée.")


@bp.post("/groupes/<slug>/verifie")
def verify(slug: str):
    try:
        outcome = editing.verify_today(get_writer(), slug, _who())
    except editing.EditError as exc:
        return _refused(slug, exc)
    return _done(slug, outcome, "Noté : informations vérifiées aujourd'hui.")


@bp.post("/groupes/<slug>/lieux/<int:index>")
def save_place(slug: str, index: int):
    store = get_writer()
    try:
        outcome = editing.edit_place(store, get_geography(), geocoder_chain(store), slug, index,
                                     request.form, _who(), request.form.get("version", ""))
    except editing.EditError as exc:
        return _refused(slug, exc)
    if not outcome.ok:
        values = editing.clean(request.form, PLACE_LABELS)
        return render_group(slug, place_index=index, place_values=values,
                            place_errors=outcome.problems, status=400)
    return _done(slug, outcome, "Lieu enregistré.", f"#lieu-{index + 1}")


@bp.post("/groupes/<slug>/lieux/<int:index>/retirer")
def remove_place(slug: str, index: int):
    try:
        outcome = editing.remove_place(get_writer(), slug, index, _who(),
                                       request.form.get("version", ""))
    except editing.EditError as exc:
        return _refused(slug, exc)
    return _done(slug, outcome, "Lieu retiré (l'historique permet de l'annuler).")


@bp.get("/groupes/<slug>/historique")
def history(slug: str):
    store = get_writer()
    if len(slug) > MAX_SLUG:
        abort(404)
    changes = store.changes(slug)
    group = store.group_by_slug(slug)
    if group is None and not changes:
        abort(404)
    return render_template("admin/history.html", slug=slug, group=group, changes=changes,
                           diff=editing.diff, actions=ACTIONS)


@bp.post("/historique/<int:change_id>/annuler")
def undo(change_id: int):
    store = get_writer()
    change = store.change(change_id)
    if change is None:
        abort(404)
    back = redirect(url_for("admin.history", slug=change.group_slug))
    try:
        editing.undo(store, change_id, _who(), may_delete=current_account().is_admin)
    except editing.EditError as exc:
        flash(str(exc))
        return back
    flash("Modification annulée : le groupe est revenu à l'état d'avant.")
    return back


@bp.get("/lieux-a-preciser")
def places_to_refine():
    """Every place still at commune or locality precision, worst first."""
    rank = {"commune": 0, "locality": 1}
    rows = [(group, i, place) for group in get_writer().all_groups()
            for i, place in enumerate(group.places) if place.precision in rank]
    rows.sort(key=lambda r: (rank[r[2].precision], r[2].commune_name, r[0].name))
    return render_template("admin/places_to_refine.html", rows=rows,
                           precision_labels=PRECISION_LABELS)


@bp.post("/groupes/<slug>/supprimer")
@admin_required
def remove_group(slug: str):
    """Remove a group (administrators): one recorded change, which the history can undo."""
    group = _group_or_404(slug)
    get_writer().record(slug, before=group, after=None, who=_who(), action="delete",
                        summary="retiré par un administrateur")
    flash(f"Groupe « {group.name} » retiré de l'inventaire (son historique permet de "
          "l'annuler).")
    return redirect(url_for("admin.history", slug=slug))


@bp.post("/groupes/<slug>/demander-suppression")
def request_deletion(slug: str):
    """An editor asks for a deletion; an administrator accepts it among the proposals."""
    group = _group_or_404(slug)
    reason = (request.form.get("reason") or "").strip()[:1000]
    get_writer().add_proposal("correction", slug, {}, f"Suppression demandée par {_who()}"
                              + (f" : {reason}" if reason else "."), "")
    flash("Demande de suppression envoyée : un administrateur la verra dans les propositions.")
    return redirect(url_for("admin.group", slug=group.slug))
