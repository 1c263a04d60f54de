"""What the search form offers (templates/partials/search_form.html): its choices.

The themes and the communes are the same for every page, so they are not recomputed per
request: both are held by the current Inventory (the themes are part of it; the commune
datalist is rendered once per inventory version, `Inventory.derived`). Only what depends
on the request (the selected values, an unknown theme typed in the URL) is per page.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from ..audience import AUDIENCES
from ..models import CHAPTERS, SERVICE_LABELS
from ..schedule.model import WEEKDAYS_FR
from .params import MOMENT_LABELS, RADIUS_CHOICES, SearchRequest
from ..translatable import N_
from .i18n import current_lang, gettext, label, weekday_name


def form_choices(inventory, geography, req: SearchRequest) -> dict:
    """The `form` variable of templates/partials/search_form.html."""
    themes = inventory.themes
    return {
        "radius_choices": RADIUS_CHOICES,
        "chapters": [(slug, label(title)) for slug, title, _ in CHAPTERS],
        "themes": themes.by_chapter,
        "unknown_theme": req.theme if req.theme and req.theme not in themes.known else "",
        "commune_options": commune_options(inventory, geography),
        "audiences": [(k, label(v)) for k, v in AUDIENCES.items()],
        "services": [(k, label(v)) for k, v in SERVICE_LABELS.items()],
        "days": [(d, weekday_name(i).capitalize()) for i, d in enumerate(WEEKDAYS_FR)],
        "moments": [(k, label(v)) for k, v in MOMENT_LABELS.items()],
        "more_summary": more_summary,
        "more_open": bool(req.commune_text or req.theme or req.audience or req.service
                          or req.free or req.days or req.moment or req.this_week
                          or (req.origin_problem is not None
                              and req.origin_problem.status == "outside")),
    }


def more_summary(audience: bool, service: bool, free: bool, commune: bool,
                 theme: bool, when: bool = False) -> str:
    """'pour qui, ce qui est proposé, gratuit, commune, thème, quand': the criteria behind
    the fold."""
    names = [gettext(n) for n, shown in (
        (N_("pour qui"), audience), (N_("ce qui est proposé"), service),
        (N_("gratuit"), free), (N_("commune"), commune), (N_("thème"), theme),
        (N_("quand"), when)) if shown]
    return ", ".join(names)


def commune_options(inventory, geography) -> Markup:
    """The search form's commune datalist options (templates/partials/commune_options.html),
    rendered once per inventory version and language: 281 options are most of the form's rendering
    time. Re-rendered every time while templates auto-reload (debug), so edits show."""
    if current_app.jinja_env.auto_reload:
        return _render_commune_options(geography)
    return inventory.derived(("commune_options", current_lang()),
                             lambda: _render_commune_options(geography))


def _render_commune_options(geography) -> Markup:
    template = current_app.jinja_env.get_template("partials/commune_options.html")
    return Markup(template.render(communes_by_province=geography.communes_by_province()))
