"""The map's status line counts as the list does: a registered office, a postal or a
contact address is shown on the map but is no "lieu de réunion"."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import add_test_tiles
from tests.test_honest_counts import rows
from tests.test_pages import import_rows

STATUS = ".finder-map__status"


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize("kinds, lang, said", [
    (("reunion", "siege", "courrier"), "fr", "Carte : 3 adresses (dont 1 lieu de réunion)"),
    (("reunion", "reunion", "siege"), "fr", "Carte : 3 adresses (dont 2 lieux de réunion)"),
    (("siege", "contact"), "fr", "Carte : 2 adresses (aucun lieu de réunion)"),
    (("siege",), "fr", "Carte : 1 adresse (pas un lieu de réunion)"),
    (("reunion", "reunion"), "fr", "Carte : 2 lieux de réunion"),
    (("reunion", "siege", "courrier"), "nl", "Kaart: 3 adressen (waarvan 1 ontmoetingsplaats)"),
])
def test_the_map_says_addresses_when_some_are_no_meeting_place(
        make_app, tmp_path, live_server, page, kinds, lang, said):
    app = import_rows(make_app(), tmp_path, rows(*kinds))
    add_test_tiles(app)
    base = live_server(app)
    page.goto(f"{base}/?postcode=5000&radius_km=10&lang={lang}")
    status = page.locator(STATUS)
    expect(status).to_have_text(re.compile(r"\d"))
    assert norm(status.inner_text()).startswith(said), status.inner_text()
    list_summary = norm(page.locator(".summary").inner_text())
    if lang == "fr":                     # the list said it first, with the same words
        assert said.removeprefix("Carte : ") in list_summary, list_summary


@pytest.mark.parametrize("kinds, said", [
    (("siege",), "Carte : 1 adresse (pas un lieu de réunion)"),
    (("reunion", "siege"), "Carte : 2 adresses (dont 1 lieu de réunion)"),
    (("reunion",), "Carte : 1 lieu de réunion"),
])
def test_a_group_page_map_says_what_its_places_are(make_app, tmp_path, live_server, page,
                                                    kinds, said):
    from tests.conftest import group_row
    from tests.test_honest_counts import NAMUR
    one_group = [group_row(group_id="groupe-a", name="Groupe A", address_kind=kind,
                           address=f"Rue du Test {i + 1}", **NAMUR)
                 for i, kind in enumerate(kinds)]
    app = import_rows(make_app(), tmp_path, one_group)
    add_test_tiles(app)
    page.goto(live_server(app) + "/groupes/groupe-a")
    status = page.locator(STATUS)
    expect(status).to_have_text(re.compile(r"\d"))
    assert norm(status.inner_text()).startswith(said), status.inner_text()
