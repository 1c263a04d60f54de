"""Every place and group of one inventory version as plain data, read once.

A page of results shows a few dozen places and their groups. Reading them from SQLite
and rebuilding them (their schedules decoded from JSON) for every search cost more than
the search itself; the `Catalog` holds them all, built once per inventory version by
`Inventory.catalog` (a few MB per 10,000 places), and hands them out by id as the store
would (`places_by_id`, `groups_by_id`), so `search.page` reads either.

The objects are shared by every request of this version: treat them as read-only
(copy with dataclasses.replace to change one, as the brochure does).
"""
from __future__ import annotations

from typing import Iterable

from .models import Group, Place
from .store import Store


class Catalog:
    def __init__(self, places: dict[int, Place], groups: dict[int, Group]):
        self.places = places     # place id → Place
        self.groups = groups     # group id → Group (its `places` left empty)

    @classmethod
    def build(cls, store: Store) -> "Catalog":
        places = store.all_places()
        return cls(places, store.groups_by_id(store.group_ids(), with_places=False))

    def places_by_id(self, ids: Iterable[int]) -> dict[int, Place]:
        places = self.places
        return {i: places[i] for i in ids if i in places}

    def groups_by_id(self, ids: Iterable[int], *, with_places: bool = False) -> dict[int, Group]:
        if with_places:
            raise ValueError("the catalog keeps groups without their places")
        groups = self.groups
        return {i: groups[i] for i in ids if i in groups}
