"""Proposals from the public, reviewed by an editor: beside the current data, edited,
accepted (one recorded change) or rejected (deleted, e-mail included)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ... import editing, proposals
from ...db import geocoder_chain, get_geography, get_writer
from ...models import ADDRESS_KINDS, CHAPTERS, KINDS, content_hash
from ...validation import PLACE_FIELDS
from . import bp
from .auth import admin_required, current_account
from .groups import GROUP_LABELS, PLACE_LABELS


@bp.get("/propositions")
def proposals_page():
    store = get_writer()
    items = [(p, store.group_by_slug(p.group_slug) if p.group_slug else None)
             for p in store.proposals()]
    return render_template("admin/proposals.html", items=items)


def _proposal_or_404(proposal_id: int):
    proposal = get_writer().proposal(proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def render_review(proposal, values=None, errors=None, status: int = 200):
    store = get_writer()
    group = store.group_by_slug(proposal.group_slug) if proposal.group_slug else None
    current = editing.group_form(group) if group else {}
    proposed = [(c, proposal.data.get(c, ""), current.get(c, "")) for c in proposal.data]
    return render_template(
        "admin/review.html", proposal=proposal, group=group, proposed=proposed,
        values=values or proposals.review_values(store, proposal), errors=errors or {},
        labels=GROUP_LABELS | PLACE_LABELS, kinds=KINDS, address_kinds=ADDRESS_KINDS,
        group_fields=editing.GROUP_FIELDS, place_fields=PLACE_FIELDS,
        chapter_options=[(s, t) for s, t, _ in CHAPTERS],
        version=content_hash(group) if group else ""), status


@bp.get("/propositions/<int:proposal_id>")
def review(proposal_id: int):
    return render_review(_proposal_or_404(proposal_id))


@bp.post("/propositions/<int:proposal_id>/accepter")
def accept(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    store = get_writer()
    try:
        outcome = proposals.accept(store, get_geography(), geocoder_chain(store), proposal,
                                   request.form, current_account().email)
    except editing.EditError as exc:
        flash(str(exc))
        return redirect(url_for("admin.review", proposal_id=proposal_id))
    if not outcome.ok:
        values = editing.clean(request.form, tuple(GROUP_LABELS) + tuple(PLACE_LABELS))
        return render_review(proposal, values, outcome.problems, 400)
    flash("Proposition acceptée et publiée ; elle est effacée (avec l'adresse de la "
          "personne qui l'a envoyée).")
    if outcome.note:
        flash(outcome.note)
    return redirect(url_for("admin.proposals_page"))


@bp.post("/propositions/<int:proposal_id>/rejeter")
def reject(proposal_id: int):
    get_writer().delete_proposal(_proposal_or_404(proposal_id).id)
    flash("Proposition rejetée et effacée.")
    return redirect(url_for("admin.proposals_page"))


@bp.post("/propositions/<int:proposal_id>/supprimer-groupe")
@admin_required
def delete_group(proposal_id: int):
    """A report that a group no longer exists, accepted by an administrator."""
    proposal = _proposal_or_404(proposal_id)
    store = get_writer()
    group = store.group_by_slug(proposal.group_slug) if proposal.group_slug else None
    if group is None:
        flash("Ce groupe n'est déjà plus dans l'inventaire.")
    else:
        store.record(group.slug, before=group, after=None, who=current_account().email,
                     action="delete", summary="signalé comme n'existant plus")
        flash(f"Groupe « {group.name} » retiré de l'inventaire (l'historique permet de "
              "l'annuler).")
    store.delete_proposal(proposal.id)
    return redirect(url_for("admin.proposals_page"))
