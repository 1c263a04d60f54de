"""Plain data that crosses module boundaries (no SQL rows, no Flask objects).

Geography → store → search → views all speak in these dataclasses.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from dataclasses import asdict, dataclass, field, replace
from typing import Optional

from .schedule.model import Schedule
from .translatable import N_

# The six chapters of the Fédération Wallonie-Bruxelles inventory, in its order.
# Slugs are stable identifiers (URLs, API, import files); titles are what people read
# (French; N_ marks them for the site's catalogues, the views translate them).
CHAPTERS: tuple[tuple[str, str, str], ...] = (
    ("maladie", N_("La maladie"), "#b3261e"),
    ("suites-de-traitements", N_("Les suites d'opérations et de traitements"), "#6a3d9a"),
    ("handicap", N_("Le handicap"), "#1f5fa8"),
    ("dependance", N_("La dépendance"), "#a05a00"),
    ("troubles-du-comportement", N_("Les troubles du comportement"), "#1b7a3e"),
    ("situation-sociale",
     N_("La situation sociale et les événements de vie personnelle ou familiale"), "#8a3b6f"),
)
CHAPTER_SLUGS = tuple(slug for slug, _, _ in CHAPTERS)
CHAPTER_TITLES = {slug: title for slug, title, _ in CHAPTERS}
CHAPTER_COLOURS = {slug: colour for slug, _, colour in CHAPTERS}

# Kinds of group. Labels are French, keys are stable.
KINDS = {
    "entraide": N_("Groupe d'entraide (pairs, bénévoles)"),
    "soutien": N_("Groupe de soutien (professionnels présents)"),
    "self-help": N_("Self-help"),
    "association": N_("Association"),
}

# What a group offers (the inventory's `services` column). Keys are stable, labels French.
SERVICE_LABELS = {
    "ecoute": N_("Écoute"),
    "groupe-de-parole": N_("Groupe de parole"),
    "aide-sociale": N_("Aide sociale"),
    "aide-administrative": N_("Aide administrative"),
    "aide-juridique": N_("Aide juridique"),
    "information": N_("Information"),
    "activites": N_("Activités"),
}

# Precision of a stored location, best first.
PRECISIONS = ("exact", "locality", "commune")
# What an address is. Only a meeting place is where people go to meet the group; the
# others are shown with what they are, and no feed lists them as a meeting.
ADDRESS_KINDS = {
    "reunion": N_("lieu de réunion"),
    "siege": N_("siège de l'association (pas un lieu de réunion)"),
    "courrier": N_("adresse postale (pas un lieu de réunion)"),
    "contact": N_("adresse de la personne de contact (pas forcément le lieu des réunions)"),
}

PRECISION_LABELS = {
    "exact": N_("adresse précise"),
    "locality": N_("localité"),
    "commune": N_("commune"),
}


@dataclass(frozen=True)
class Commune:
    nis: str
    name_fr: str
    name_nl: str
    province: str
    region: str
    population: int = 0

    @property
    def name(self) -> str:
        return self.name_fr


@dataclass(frozen=True)
class Locality:
    """A bpost postal locality with its point and the commune it belongs to.

    trusted is False when the geocoded point was a homonym far from the commune: lat/lon
    are then the commune's representative point, good for commune precision only."""
    postcode: str
    name: str
    lat: float
    lon: float
    nis: str
    main: bool
    trusted: bool = True


@dataclass(frozen=True)
class Resolved:
    """The answer of Geography.resolve(text): a place, or why there is none.

    status: "ok" | "not_found" | "ambiguous" | "mismatch" | "outside" | "invalid"
    ("mismatch": a valid postcode with a name that is none of its localities, "5000 Paris")
    """
    query: str
    status: str
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: Optional[str] = None  # "locality" or "commune"
    postcode: Optional[str] = None
    locality: Optional[str] = None
    commune: Optional[Commune] = None
    suggestions: tuple[str, ...] = ()
    message: str = ""  # French, for people (a translatable.Said: the views translate it)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict:
        return {
            "query": self.query,
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "postcode": self.postcode,
            "locality": self.locality,
            "commune": ({"nis": self.commune.nis, "name": self.commune.name_fr}
                        if self.commune else None),
        }


@dataclass
class Place:
    """A meeting place of a group."""
    label: str = ""            # venue name ("Résidence Au fil de Hoëgne")
    street: str = ""           # street and number as given
    postcode: str = ""
    locality: str = ""         # as given or resolved
    commune_nis: str = ""
    commune_name: str = ""
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: str = ""        # one of PRECISIONS
    show_exact: bool = True    # False: publish only at commune precision
    schedule: str = ""         # free text, French ("le 2e mardi du mois, 14 h")
    address_kind: str = "reunion"   # one of ADDRESS_KINDS
    id: Optional[int] = None
    # What `schedule` says as data (finder/schedule): rules, exceptions, what was not
    # understood. Set by the import, stored beside the text; None only before that.
    schedule_parsed: Optional[Schedule] = None
    # The point the public may see: lat/lon, or the commune's point when show_exact is off.
    public_lat: Optional[float] = None
    public_lon: Optional[float] = None
    # Who put it on the map by hand in the admin, and when (ISO time); "" otherwise.
    placed_by: str = ""
    placed_at: str = ""

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def meeting_place(self) -> bool:
        """True when the group meets here (not a registered, postal or contact address)."""
        return self.address_kind == "reunion"

    @property
    def address_kind_label(self) -> str:
        """What the address is, for people; empty for a meeting place."""
        return "" if self.meeting_place else ADDRESS_KINDS.get(self.address_kind, "")

    def address_line(self) -> str:
        """The address a person may read (commune only when not exact)."""
        town = " ".join(p for p in (self.postcode, self.locality or self.commune_name) if p)
        if not self.show_exact:
            return self.commune_name or town
        parts = [p for p in (self.label, self.street, town) if p]
        return ", ".join(parts)


@dataclass
class Group:
    slug: str
    name: str
    chapter: str
    kind: str = "entraide"
    themes: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    # audience normalised at import (audience.AUDIENCES keys); `audience` keeps the wording
    audience_kinds: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    cost: str = ""
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    source_url: str = ""
    source_date: str = ""      # the date the source shows ("2021-09", may be empty)
    checked_on: str = ""       # ISO date we read the source
    demo: bool = False
    notes: str = ""            # what the sources leave in doubt, shown to the public
    places: list[Place] = field(default_factory=list)
    id: Optional[int] = None

    @property
    def chapter_title(self) -> str:
        return CHAPTER_TITLES.get(self.chapter, self.chapter)

    @property
    def everywhere(self) -> bool:
        """A service with no meeting place (a helpline, a website)."""
        return not self.places


@dataclass(frozen=True)
class Query:
    """What a person asks for. All filters optional."""
    lat: Optional[float] = None
    lon: Optional[float] = None
    radius_km: Optional[float] = None
    chapter: Optional[str] = None
    theme: Optional[str] = None
    commune_nis: Optional[str] = None
    text: Optional[str] = None         # "De quoi s'agit-il ?" as typed (textindex matches it)
    audience: Optional[str] = None     # one of audience.AUDIENCES
    service: Optional[str] = None      # one of SERVICE_LABELS
    free: bool = False                 # only groups a source says are free of charge
    days: tuple[int, ...] = ()         # schedule: meets on one of these weekdays (0 = Monday)
    moment: Optional[str] = None       # schedule: "matin" | "apres-midi" | "soir"
    week_of: Optional[date] = None     # schedule: meets between this day and 6 days later
    limit: Optional[int] = None        # results hydrated (a page); None = all
    offset: int = 0

    @property
    def has_origin(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def needs_text_index(self) -> bool:
        """Words typed or a filter the text index answers (textindex.TextIndex)."""
        return bool(self.text or self.audience or self.service or self.free)

    @property
    def has_schedule_filter(self) -> bool:
        """A day, a part of the day or "cette semaine" (schedule/filters.py)."""
        return bool(self.days or self.moment or self.week_of)

    def unpaged(self) -> "Query":
        """The same question without its page: what a ranking is cached under (every other
        field, present or added later, is part of the key)."""
        return replace(self, limit=None, offset=0)


@dataclass
class Result:
    group: Group
    place: Optional[Place]     # None for services reachable from everywhere
    distance_km: Optional[float] = None
    relevance: Optional[float] = None  # text searches: 1 = the best match of the query
    rank_km: Optional[float] = None    # with both: the distance ranked by (search.RELEVANCE_KM)


@dataclass
class SearchOutcome:
    """Results of a search, plus what a page needs to tell the truth about them."""
    query: Query
    results: list[Result]               # places within the radius (or all), nearest first
    nearest_outside: list[Result]       # when nothing is within the radius: the nearest few
    everywhere: list[Group]             # services with no place, for the chosen chapter
    total: int = 0                      # places matching, before limit/offset
    place_ids: list[int] = field(default_factory=list)  # all matching places, in order
    text: Optional["TextMatch"] = None  # what a text query was understood as
    # words matching nothing: the nearest groups of the chapter they point to
    suggested: list[Result] = field(default_factory=list)
    # a schedule filter is on: places left out because their schedule is not known
    unknown_schedule_left_out: int = 0
    # of the `total` places, the meeting places (the others: registered, postal or contact
    # addresses, Place.address_kind); a count of "lieux de réunion" says this one
    meeting_places: int = 0


ROLES = {"admin": "administrateur", "editor": "éditeur"}


@dataclass(frozen=True)
class Account:
    """A maintainer who may sign in to /admin. Editors edit; admins also manage accounts
    and accept deletions."""
    email: str
    role: str                      # "admin" | "editor"
    password_hash: str = field(repr=False, default="")
    created_at: str = ""
    password_changed_at: str = ""
    id: Optional[int] = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


# ----- a group as data: history, hashes -------------------------------------------------

# Not part of what a group says: left out of content_hash (an import of a file, which has
# no such columns, is "unchanged" when only these differ).
_PROVENANCE = ("placed_by", "placed_at")


def _without_ids(group: Group) -> dict:
    data = asdict(group)
    data.pop("id", None)
    for p in data["places"]:
        p.pop("id", None)
    return data


def group_data(group: Group) -> dict:
    """The group as JSON-ready data (no database ids): what the history keeps."""
    data = _without_ids(group)
    for place, p in zip(group.places, data["places"]):
        p["schedule_parsed"] = (place.schedule_parsed.to_dict()
                                if place.schedule_parsed is not None else None)
    return data


def group_from_data(data: dict) -> Group:
    data = dict(data)
    places = []
    for p in data.pop("places", []):
        fields = {k: v for k, v in p.items() if k in Place.__dataclass_fields__}
        parsed = fields.pop("schedule_parsed", None)
        fields["schedule_parsed"] = (Schedule.from_dict(fields.get("schedule", ""), parsed)
                                     if parsed is not None else None)
        places.append(Place(**fields))
    known = {k: v for k, v in data.items() if k in Group.__dataclass_fields__}
    return Group(**known, places=places)


def content_hash(group: Group) -> str:
    """What a group says, hashed: an import skips a group whose hash did not change."""
    data = _without_ids(group)
    for p in data["places"]:
        for key in _PROVENANCE:
            p.pop(key, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """One recorded change of a group: who, when, what it was before and after."""
    id: int
    group_slug: str
    at: str
    who: str
    action: str                    # see store_history.ACTIONS
    summary: str
    before: Optional[dict]         # group_data, None when the change created the group
    after: Optional[dict]          # group_data, None when it removed the group
    version: int                   # inventory version this change made
    undoes: Optional[int] = None
    undone_by: Optional[int] = None


@dataclass(frozen=True)
class Proposal:
    """What someone from the public proposed: a new group, or a correction of one.

    `data` holds the proposed values by file column (text, as typed: hostile until an
    editor accepts it). `email` is the proposer's, optional, never published."""
    id: int
    kind: str                      # "new" | "correction"
    group_slug: Optional[str]      # the group corrected (None for a new group)
    data: dict
    message: str
    email: str
    created_at: str


@dataclass
class TextMatch:
    """How a free-text query was understood, so every output can say the same."""
    text: str
    words: tuple[str, ...] = ()                        # folded words searched
    expansions: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (expression, searched for)
    corrections: tuple[tuple[str, str], ...] = ()      # (typed, searched instead)
    partial: bool = False          # no group has every word: groups with some of them
    relevance: dict = field(default_factory=dict)      # group_id → relevance (0, 1]
    closest_themes: tuple[str, ...] = ()               # when nothing matches
    chapter: Optional[str] = None                      # the chapter the query points to

    @property
    def matched(self) -> bool:
        return bool(self.relevance)
