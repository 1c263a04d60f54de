"""What a page counts is what it says: a registered office, a postal or a contact address is
no "lieu de réunion"; services with no place are shown under a schedule filter, and said to
be reachable whatever the day."""
from __future__ import annotations

import re

import pytest

from tests.conftest import group_row, login, ADMIN_EMAIL, add_account
from tests.test_pages import import_rows, text_of

NAMUR = dict(postcode="5000", locality="Namur", commune="Namur")


def rows(*kinds: str) -> list[dict]:
    return [group_row(group_id=f"groupe-{i}", name=f"Groupe {i}", address_kind=kind,
                      themes="Parkinson",
                      schedule="le mardi à 14 h", **NAMUR)
            for i, kind in enumerate(kinds)]


def summary(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    status = re.search(r'<p class="summary" role="status">(.*?)</p>', html, re.S).group(1)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    return text_of(status) + " | " + text_of(title)


def test_meeting_places_only_are_counted_as_such(make_app, tmp_path):
    client = import_rows(make_app(), tmp_path, rows("reunion", "reunion")).test_client()
    said = summary(client, "/?postcode=5000&radius_km=10")
    assert said.startswith("2 lieux de réunion à moins de 10 km")
    assert "2 lieux de réunion" in said.split(" | ")[1]


def test_a_registered_office_is_not_counted_as_a_meeting_place(make_app, tmp_path):
    app = import_rows(make_app(), tmp_path, rows("reunion", "siege", "courrier"))
    client = app.test_client()
    for url in ("/?postcode=5000&radius_km=10", "/?chapter=maladie", "/?q=parkinson"):
        said = summary(client, url)
        assert "3 adresses (dont 1 lieu de réunion)" in said.split(" | ")[0], (url, said)
        assert "3 adresses (dont 1 lieu de réunion)" in said.split(" | ")[1], (url, said)
        assert "3 lieux de réunion" not in said


def test_no_meeting_place_at_all_is_said(make_app, tmp_path):
    client = import_rows(make_app(), tmp_path, rows("siege")).test_client()
    assert summary(client, "/?postcode=5000&radius_km=10").startswith(
        "1 adresse (pas un lieu de réunion) à moins de 10 km")
    client = import_rows(make_app(), tmp_path, rows("siege", "contact"),
                         name="b.csv").test_client()
    assert "2 adresses (aucun lieu de réunion)" in summary(client, "/?chapter=maladie")


def test_the_admin_home_counts_meeting_places_apart(make_app, tmp_path):
    app = import_rows(make_app(), tmp_path, rows("reunion", "siege"))
    add_account(app, ADMIN_EMAIL, "admin")
    client = app.test_client()
    login(client, ADMIN_EMAIL)
    page = text_of(client.get("/admin/").get_data(as_text=True))
    assert "2 groupes et 2 adresses, dont 1 lieu de réunion" in page


def everywhere_rows() -> list[dict]:
    helpline = group_row(group_id="ligne-ecoute", name="Ligne d'écoute", postcode="",
                         locality="", commune="", phone="0800 00 000",
                         website="https://example.org/ecoute")
    return rows("reunion") + [helpline]


def test_services_without_a_place_under_a_schedule_filter_say_they_have_no_schedule(
        make_app, tmp_path):
    client = import_rows(make_app(), tmp_path, everywhere_rows()).test_client()
    for when in ("day=mardi", "moment=apres-midi", "semaine=1"):
        page = text_of(client.get(f"/?postcode=5000&radius_km=10&{when}")
                       .get_data(as_text=True))
        assert "Ligne d'écoute" in page, when
        assert "n'ont pas d'horaire de réunion" in page, when
        api = client.get(f"/api/v1/search?postcode=5000&radius_km=10&{when}").get_json()
        assert [g["name"] for g in api["everywhere"]] == ["Ligne d'écoute"]
        assert "everywhere_any_time" in [n["code"] for n in api["notices"]], when
    plain = text_of(client.get("/?postcode=5000&radius_km=10").get_data(as_text=True))
    assert "Ligne d'écoute" in plain and "n'ont pas d'horaire de réunion" not in plain
    api = client.get("/api/v1/search?postcode=5000&radius_km=10").get_json()
    assert "everywhere_any_time" not in [n["code"] for n in api["notices"]]


def test_the_map_data_counts_meeting_places_as_the_list_does(make_app, tmp_path):
    """The map's status line reads these: "Carte : 3 adresses (dont 1 lieu de réunion)"."""
    client = import_rows(make_app(), tmp_path, rows("reunion", "siege", "courrier")).test_client()
    for url in ("/carte/lieux.json?postcode=5000&radius_km=10",
                "/carte/lieux.json?postcode=5000&radius_km=10&z=12&tiles=2100,1390,2102,1392"):
        data = client.get(url).get_json()
        assert (data["count"], data["meeting"]) == (3, 1), url
    page = client.get("/?postcode=5000&radius_km=10").get_data(as_text=True)
    carried = re.findall(r'"count":(\d+),"approx":\d+,"meeting":(\d+)', page)
    assert carried and set(carried) == {("3", "1")}      # the first views the page carries
    assert 'data-status-addresses-one="Carte&#8239;: {n} adresses (dont 1 lieu de réunion)"' \
        in page


def places_title(client, slug: str) -> str:
    html = client.get(f"/groupes/{slug}").get_data(as_text=True)
    return text_of(re.search(r'<h2 id="places-title">(.*?)</h2>', html, re.S).group(1))


@pytest.mark.parametrize("kinds, title", [
    (("reunion",), "Lieu de réunion"),
    (("reunion", "reunion"), "Lieux de réunion"),
    (("siege",), "Adresse"),
    (("siege", "courrier"), "Adresses"),
    (("reunion", "siege"), "Lieux de réunion et adresses"),
])
def test_a_group_page_titles_its_places_for_what_they_are(make_app, tmp_path, kinds, title):
    """A group whose only address is its registered office has no "Lieu de réunion"."""
    one_group = [group_row(group_id="groupe-a", name="Groupe A", address_kind=kind,
                           address=f"Rue du Test {i + 1}", **NAMUR)
                 for i, kind in enumerate(kinds)]
    client = import_rows(make_app(), tmp_path, one_group).test_client()
    assert places_title(client, "groupe-a") == title
