"""The printed inventory (issue 15): plain data in, HTML and PDF out.

`Brochure` holds what one printed inventory shows, already reduced to what the public may
read (the caller builds the group views with web/render.py, whose places went through
serialize.public_place: a hidden place is at its commune only). `render_html` lays a part
of it out with templates/brochure/ (cover, crisis lines, table of contents with page
numbers; the chapters, services reachable from everywhere; index of communes, index of
themes) and `print_brochure` prints the parts with WeasyPrint as one PDF: A4, tagged
(PDF/UA-1), fonts embedded.

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
_ENV.globals["inv_lang"] = ""            # the whole brochure is French (its <html lang>)
_ENV.filters["capitalize_first"] = _capitalize_first
_ENV.filters["url_host"] = display_host


PARTS = ("front", "body", "index")
# The front matter's page numbers before they are known: as wide as real ones, so that
# the front matter lays out on as many pages as it will with them.
_UNKNOWN_PAGE = 8888


def render_html(brochure: Brochure, part: str, *, pages: Optional[dict[str, int]] = None,
                first_page: int = 1, total_pages: Optional[int] = None) -> str:
    """One part of the brochure as an HTML document (its stylesheet inside): "front" (cover,
    table of contents, crisis lines), "body" (the chapters, the services reachable from
    everywhere) or "index" (communes, themes). pages: anchor id -> page number, for the
    table of contents and the indexes (printed as numbers: no target-counter, whose
    lookups make WeasyPrint lay pages out again); first_page: the number of the part's
    first page; total_pages: printed on the cover and the contents."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")
    css = _ENV.loader.get_source(_ENV, "brochure/brochure.css")[0]
    known = pages or {}
    return _ENV.get_template("brochure/inventaire.html").render(
        b=brochure, css=css, anchor=anchor, part=part, first_page=first_page,
        page_of=lambda target: known.get(target, _UNKNOWN_PAGE),
        total_pages=total_pages or _UNKNOWN_PAGE,
        communes=commune_index(brochure) if part != "body" else [],
        themes=theme_index(brochure) if part != "body" else [],
        crisis_lines=[(name, number, None, note) for name, number, note
                      in brochure.crisis_lines])


def print_brochure(brochure: Brochure, say: Optional[Callable[[str], None]] = None,
                   on_part: Optional[Callable[[int], None]] = None) -> bytes:
    """The brochure as a PDF: A4, PDF/UA-1 (tagged, language and title set), fonts embedded.

    Laid out in three documents, in this order: the front matter with its page numbers
    unknown (to count its pages), the body (its first page number follows), the indexes
    (the pages of the groups read from the body's anchors), the front matter again with the
    real numbers; then their pages are written as one PDF (WeasyPrint's Document.copy:
    links, tags and fonts across the parts). Each page is laid out once.
    say(message) is told each stage; on_part(pages_before) when a part's layout starts
    (WeasyPrint's progress log counts each part's pages from 1).
    """
    from weasyprint import HTML      # imported here: the site starts without it loaded
    tell = say or (lambda message: None)
    started = time.perf_counter()

    def lay_out(part: str, pages_before: int, **numbers):
        if on_part:
            on_part(pages_before)
        html = render_html(brochure, part, first_page=pages_before + 1, **numbers)
        return HTML(string=html).render(pdf_variant="pdf/ua-1")

    front_count = len(lay_out("front", 0).pages)
    for _ in range(3):
        tell(f"Mise en page des chapitres (à partir de la page {front_count + 1})…")
        body = lay_out("body", front_count)
        found = _anchor_pages(body, front_count)
        tell(f"Chapitres : {len(body.pages)} pages. Mise en page des index…")
        index_first = front_count + len(body.pages)
        index = lay_out("index", index_first, pages=found)
        found.update(_anchor_pages(index, index_first))
        total = index_first + len(index.pages)
        front = lay_out("front", 0, pages=found, total_pages=total)
        if len(front.pages) == front_count:
            break
        front_count = len(front.pages)             # rare: lay the body out after it again
    laid_out = time.perf_counter()
    tell(f"Mise en page : {total} pages en {laid_out - started:.1f} s. Écriture du PDF…")
    document = front.copy([*front.pages, *body.pages, *index.pages])
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    tell(f"PDF écrit en {time.perf_counter() - laid_out:.1f} s ({len(pdf) // 1024} Ko).")
    return pdf


def _anchor_pages(document, pages_before: int) -> dict[str, int]:
    """anchor id -> the number of the page it is on (the first one, for a long group)."""
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=pages_before + 1):
        for name in page.anchors:
            found.setdefault(name, number)
    return found
