"""The Meeting Guide feed (https://github.com/code4recovery/spec): a pure function of the
inventory, so it can be built once per inventory version.

What the spec asks, and how our data answers it:

- Weekly meetings carry `day` (0 = Sunday … 6 = Saturday, one or a list), `time` and
  `end_time` ("HH:MM") and `timezone`. The spec is for weekly meetings only: a monthly
  meeting ("le 3e jeudi du mois") is never given a `day`; it goes out without day and
  time, its schedule in `notes` (the calendar files and the API give its dates). A weekly
  rule without an hour ("tous les lundis soirs") gets no `day` either: `time` would
  have to be invented.
- `approximate` describes the address: "no" when a street address with a house number is
  published (even if our point is only the locality's), or when the point is exact;
  "yes" otherwise. Coordinates go out only where the point is exact.
- Only meeting places are meetings: a registered office, a postal or a contact address
  (Place.address_kind) is left out, and so are services without a place.
- Contacts: the group's phone and e-mail as contact_1_phone / contact_1_email, with the
  group's name as contact_1_name (clients skip a contact without a name).
- Slugs are unique, at most 64 characters, and the same across imports of the same data:
  a group's own slug when it has one meeting, else the slug plus a short hash of what
  identifies the meeting (the place's address, the days and hour), never a counter.
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable, Iterable, Optional

from .models import Group, Place
from .serialize import public_place
from .validation import safe_email

TIMEZONE = "Europe/Brussels"
MAX_SLUG = 64
_HOUSE_NUMBER = re.compile(r"\d")


def meeting_guide(groups: Iterable[Group], geography,
                  group_url: Callable[[Group], str]) -> list[dict]:
    """One entry per meeting: per meeting place, and per distinct hour of its weekly
    rules (the spec's `day` may list several days at one hour)."""
    meetings: list[dict] = []
    for group in groups:
        entries = []
        seen: dict[tuple, int] = {}
        for place in group.places:
            if not place.meeting_place:
                continue
            public = public_place(place, geography)
            where = _place_key(public)
            seen[where] = seen.get(where, 0) + 1
            where = where + (seen[where],)       # two rows at one address stay two
            for times in _weekly_times(place) or [None]:
                entries.append((where, times, public))
        url = group_url(group)
        for where, times, public in entries:
            key = None if len(entries) == 1 else (where, times)
            meetings.append(_meeting(group, public, times, url, _slug(group.slug, key)))
    _make_unique(meetings)
    return meetings


def _place_key(place: Place) -> tuple:
    return (place.commune_nis, place.locality, place.street, place.label)


def _weekly_times(place: Place) -> list[tuple]:
    """[(days as the spec numbers them, start, end)] of the place's weekly rules that
    give an hour, one per distinct (start, end)."""
    schedule = place.schedule_parsed
    if schedule is None:
        return []
    by_hours: dict[tuple[str, str], set[int]] = {}
    for rule in schedule.weekly_rules:
        if rule.start:
            by_hours.setdefault((rule.start, rule.end), set()).update(
                (d + 1) % 7 for d in rule.weekdays)    # ours: 0 = Monday; spec: 0 = Sunday
    return [(tuple(sorted(days)), start, end) for (start, end), days in by_hours.items()]


def _slug(group_slug: str, key: Optional[tuple]) -> str:
    if key is None and len(group_slug) <= MAX_SLUG:
        return group_slug
    return _hashed(group_slug, repr(key), 6)


def _hashed(group_slug: str, key: str, size: int) -> str:
    digest = hashlib.sha1(f"{group_slug}\n{key}".encode()).hexdigest()[:size]
    return f"{group_slug[:MAX_SLUG - size - 1].rstrip('-')}-{digest}"


def _make_unique(meetings: list[dict]) -> None:
    """A hashed slug could still meet a group's own slug ('x-1a2b3c'): lengthen the later
    one's hash (deterministic: same inventory, same slugs)."""
    seen: set[str] = set()
    for meeting in meetings:
        slug, size = meeting["slug"], 8
        while slug in seen:
            slug = _hashed(meeting["slug"], meeting["slug"], size)
            size += 2
        meeting["slug"] = slug
        seen.add(slug)


def _meeting(group: Group, place: Place, times: Optional[tuple], url: str, slug: str) -> dict:
    exact_point = place.precision == "exact" and place.located
    street_address = bool(place.street and _HOUSE_NUMBER.search(place.street))
    town = " ".join(p for p in (place.postcode, place.locality or place.commune_name) if p)
    formatted = ", ".join(p for p in (place.street, town or place.commune_name, "Belgique") if p)
    notes = "\n\n".join(p for p in (place.schedule, group.notes, group.description,
                                    group.cost) if p)
    meeting = {
        "name": group.name[:255],
        "slug": slug,
        "group": group.name,
        "notes": notes,
        "location": place.label,
        "formatted_address": formatted,
        "region": place.commune_name,
        "approximate": "no" if (street_address or exact_point) else "yes",
        "url": url,
        "timezone": TIMEZONE,
    }
    if times is not None:
        days, start, end = times
        meeting["day"] = list(days) if len(days) > 1 else days[0]
        meeting["time"] = start
        if end:
            meeting["end_time"] = end
    if exact_point:
        meeting["latitude"] = round(place.lat, 5)
        meeting["longitude"] = round(place.lon, 5)
    if place.locality and place.locality != place.commune_name:
        meeting["sub_region"] = place.locality
    if len(group.checked_on) == 10:
        meeting["updated"] = f"{group.checked_on} 00:00:00"
    email = safe_email(group.email) or ""       # only an address fit for a mailto: link
    if group.phone or email:
        meeting["contact_1_name"] = group.name
        meeting["contact_1_phone"] = group.phone
        meeting["contact_1_email"] = email
    return {k: v for k, v in meeting.items() if v != ""}
