"""The printed inventory (issue 15): plain data in, HTML and PDF out.

`Brochure` holds what one printed inventory shows, already reduced to what the public may
read (the caller builds the group views with web/render.py, whose places went through
serialize.public_place: a hidden place is at its commune only). `render_html` lays it out
with templates/brochure/ (cover, crisis lines, the chapters, services reachable from
everywhere, index of communes, index of themes, table of contents with page numbers) and
`render_pdf` prints that HTML with WeasyPrint: A4, tagged (PDF/UA-1), fonts embedded.

Nothing here knows SQL or Flask; building the views and caching the PDF on the current
Inventory (once per version) is finder/web/brochure.py's job.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Optional

import jinja2

from .text import fold
from .validation import display_host

# The chapter colours are a second cue only: every chapter and group also says its name.


@dataclass
class Section:
    slug: str
    number: int                     # 1..6, printed beside the title
    title: str
    colour: str
    groups: list                    # web.render.GroupView, each with its public places


@dataclass
class Brochure:
    title: str                      # "Inventaire des groupes d'entraide et de soutien"
    scope: str                      # what this edition covers ("Tout l'inventaire", a search)
    version_date: str               # the inventory version's date, in French
    printed_on: str                 # the day the next dates were computed, in French
    demo: bool
    crisis_lines: list              # (name, number, note), as the site shows them
    sections: list[Section]
    everywhere: list                # GroupView of the services without a meeting place
    search_lines: list[str] = field(default_factory=list)   # the search, for a results PDF
    online_url: str = ""

    @property
    def group_count(self) -> int:
        return sum(len(s.groups) for s in self.sections) + len(self.everywhere)


@dataclass(frozen=True)
class IndexEntry:
    term: str
    refs: tuple[tuple[str, str], ...]    # (anchor, group name), in the brochure's order


def anchor(view) -> str:
    """The id of a group in the brochure (index entries and the contents point to it)."""
    return f"groupe-{view.group.slug}"


def commune_index(brochure: Brochure) -> list[IndexEntry]:
    """Every commune where a printed group meets, with those groups."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for section in brochure.sections:
        for view in section.groups:
            for pv in view.places:
                name = pv.place.commune_name or pv.place.locality
                if name:
                    found[name].setdefault(anchor(view), view.group.name)
    return _entries(found)


def theme_index(brochure: Brochure) -> list[IndexEntry]:
    """Every theme of a printed group (services reachable from everywhere included)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for view in [v for s in brochure.sections for v in s.groups] + list(brochure.everywhere):
        for theme in view.group.themes:
            found[theme].setdefault(anchor(view), view.group.name)
    return _entries(found)


def _entries(found: dict[str, dict[str, str]]) -> list[IndexEntry]:
    return [IndexEntry(term, tuple(found[term].items()))
            for term in sorted(found, key=lambda t: (fold(t), t))]


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("finder", "templates"),
                          autoescape=True, trim_blocks=False, lstrip_blocks=False,
                          undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
# The printed inventory stays French: the site's partials it includes (crisis lines) mark
# their words for translation, which here give the French itself.
_ENV.install_null_translations(newstyle=True)
_ENV.filters["capitalize_first"] = _capitalize_first
_ENV.filters["url_host"] = display_host


def render_html(brochure: Brochure) -> str:
    """The whole brochure as one HTML document (its stylesheet inside)."""
    css = _ENV.loader.get_source(_ENV, "brochure/brochure.css")[0]
    return _ENV.get_template("brochure/inventaire.html").render(
        b=brochure, css=css, anchor=anchor, communes=commune_index(brochure),
        themes=theme_index(brochure),
        crisis_lines=[(name, number, None, note) for name, number, note
                      in brochure.crisis_lines])


def render_pdf(html: str, progress: Optional[Callable[[str], None]] = None) -> bytes:
    """Print the HTML: A4, PDF/UA-1 (tagged, language and title set), fonts embedded.

    progress(message) is told each stage and how long the previous one took.
    """
    from weasyprint import HTML      # imported here: the site starts without it loaded
    say = progress or (lambda message: None)
    start = time.perf_counter()
    say("Mise en page…")
    document = HTML(string=html).render(pdf_variant="pdf/ua-1")
    laid_out = time.perf_counter()
    say(f"Mise en page : {len(document.pages)} pages en {laid_out - start:.1f} s. "
        "Écriture du PDF…")
    body = document.write_pdf(pdf_variant="pdf/ua-1")
    say(f"PDF écrit en {time.perf_counter() - laid_out:.1f} s ({len(body) // 1024} Ko).")
    return body
