"""What the search form did not understand, said at the field it concerns.

A place that is not understood (unknown, ambiguous, outside the area), a commune that is
not one, words that cannot be searched: each is a `FieldError` of the field it belongs to.
The form (templates/partials/search_form.html) writes its message right after the field
(`aria-invalid`, `aria-describedby`), the error summary at the top of the form links to
the fields, the page title starts with "Erreur", and the results' status says plainly
which criterion was left out (`status_prefix`). Their words name the fields as the form
labels them (LABELS; tests/test_fielderrors.py compares them with the form).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..translatable import N_
from .i18n import gettext, label, ngettext, resolved_message
from .params import SearchRequest

LABELS = {
    "q": N_("De quoi s'agit-il\u202f?"),
    "postcode": N_("Code postal, localité ou commune"),
    "commune": N_("Commune"),
}


@dataclass
class FieldError:
    """A field's message. `name` is the field's id and URL parameter."""
    name: str
    message: str
    left_out: str                        # what the search did without it (the status says it)
    hint: str = ""
    suggestions: list[tuple[str, str]] = field(default_factory=list)     # (label, url)
    suggestions_intro: str = ""
    locked: bool = False                 # fixed by the embed: shown as text, no field

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def summary(self) -> str:
        """The summary's link text: the field as labelled, then its message."""
        return gettext("%(label)s\u202f: %(message)s", label=label(self.label),
                       message=self.message)

    @property
    def summary_item(self) -> tuple[str, str]:
        """(the field's id to link to, or "" when the embed fixed it; the summary's text)."""
        return ("" if self.locked else self.name, self.summary)


def search_field_errors(req: SearchRequest, page_url: Callable[..., str],
                        locked: frozenset = frozenset()) -> list[FieldError]:
    """The fields of the search form that were not understood, in the form's order."""
    errors = []
    if req.text_problem:
        errors.append(FieldError("q", req.text_problem, locked="q" in locked,
                                 left_out=gettext("vos mots n'ont pas été cherchés")))
    problem = req.origin_problem
    if problem is not None:
        errors.append(_place_error(req, page_url, locked))
    if req.commune_problem:
        errors.append(FieldError(
            "commune", req.commune_problem, locked="commune" in locked,
            left_out=gettext("aucun filtre de commune n'est appliqué"),
            suggestions=[(s, page_url(commune=s, page=None)) for s in req.commune_suggestions],
            suggestions_intro=gettext("Vouliez-vous dire\u202f:")))
    return errors


def _place_error(req: SearchRequest, page_url, locked: frozenset) -> FieldError:
    problem = req.origin_problem
    message = resolved_message(problem, N_("Ce lieu n'a pas été trouvé."))
    left_out = gettext("aucune distance n'est appliquée")
    if "postcode" in locked:
        return FieldError("postcode", message, left_out=left_out, locked=True)
    if problem.status == "outside":
        hint = (gettext("Tapez un code postal wallon ou bruxellois, ou choisissez une commune "
                        "dans «\u00a0Commune\u00a0» ci-dessous.") if "commune" not in locked
                else gettext("Tapez un code postal wallon ou bruxellois."))
        return FieldError("postcode", message, left_out=left_out, hint=hint)
    return FieldError(
        "postcode", message, left_out=left_out,
        suggestions=[(s, page_url(postcode=s, lat=None, lon=None, page=None))
                     for s in problem.suggestions],
        suggestions_intro=(gettext("Choisissez\u202f:") if problem.status == "ambiguous"
                           else gettext("Vouliez-vous dire\u202f:")))


def status_prefix(errors: list[FieldError]) -> str:
    """'Erreur : … ; aucune distance n'est appliquée. ' before the results count."""
    if not errors:
        return ""
    what = " ; ".join(f"{_what(e)} {e.left_out}" for e in errors)
    return gettext("Erreur\u202f: %(what)s. ", what=what)


def _what(error: FieldError) -> str:
    return {"q": gettext("votre recherche n'a pas pu être lue,"),
            "postcode": gettext("le lieu n'a pas été compris,"),
            "commune": gettext("la commune n'a pas été comprise,")}[error.name]


def error_title(errors: list[FieldError]) -> str:
    """The page title's start: 'Erreur : <first message>' (and how many more)."""
    if not errors:
        return ""
    first = errors[0].message.split(". ")[0].rstrip(". ")      # its first sentence
    more = len(errors) - 1
    extra = ngettext(" (et %(num)s autre erreur)", " (et %(num)s autres erreurs)", more) \
        if more else ""
    return gettext("Erreur\u202f: %(first)s%(extra)s", first=first, extra=extra)
