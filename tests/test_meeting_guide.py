"""The Meeting Guide feed against the rules of its spec (code4recovery/spec, README), and
what our data makes of them: weekly meetings only get a day, the address decides
`approximate`, offices are not meetings, slugs are unique, short and stable."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from .conftest import group_row, write_inventory

FEED = "/api/v1/meeting-guide.json"
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UPDATED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def spec_problems(feed) -> list[str]:
    """Every rule of the spec that the feed breaks, as sentences (empty: valid)."""
    if not isinstance(feed, list):
        return ["the feed is not a JSON array of meetings"]
    problems, slugs = [], set()
    for i, m in enumerate(feed):
        where = f"meeting {i} ({m.get('slug')!r})"
        name, slug = m.get("name"), m.get("slug")
        if not isinstance(name, str) or not name.strip() or len(name) > 255:
            problems.append(f"{where}: name is required, at most 255 characters")
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 64:
            problems.append(f"{where}: slug must be URL-safe, at most 64 characters")
        if slug in slugs:
            problems.append(f"{where}: slug is not unique")
        slugs.add(slug)
        if "day" in m or "time" in m:
            days = m.get("day")
            days = days if isinstance(days, list) else [days]
            if not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
                problems.append(f"{where}: day must be 0-6 or a list of them")
            if not HHMM.match(str(m.get("time", ""))):
                problems.append(f"{where}: a weekly meeting needs time as HH:MM")
        if "end_time" in m and (not HHMM.match(str(m["end_time"])) or "time" not in m):
            problems.append(f"{where}: end_time must be HH:MM, beside a time")
        if "timezone" in m:
            try:
                ZoneInfo(m["timezone"])
            except Exception:
                problems.append(f"{where}: timezone is not a tz database name")
        if not (m.get("formatted_address") or m.get("address") or m.get("city")):
            problems.append(f"{where}: no geographic information")
        if m.get("approximate", "no") not in ("yes", "no"):
            problems.append(f"{where}: approximate must be 'yes' or 'no'")
        in_person = not (m.get("conference_url") or m.get("conference_phone"))
        if in_person and m.get("approximate") == "no" and not re.search(
                r"\d", m.get("formatted_address", "").split(",")[0]):
            problems.append(f"{where}: an in-person address said not approximate has no "
                            "street address")
        if ("latitude" in m) != ("longitude" in m) or not all(
                isinstance(m.get(k, 0), (int, float)) for k in ("latitude", "longitude")):
            problems.append(f"{where}: latitude and longitude go together, as numbers")
        if "updated" in m and not UPDATED.match(m["updated"]):
            problems.append(f"{where}: updated must be YYYY-MM-DD HH:MM:SS")
        for n in (1, 2, 3):
            if (m.get(f"contact_{n}_phone") or m.get(f"contact_{n}_email")) \
                    and not m.get(f"contact_{n}_name"):
                problems.append(f"{where}: contact {n} has no name (clients skip it)")
        for field in ("notes", "location", "name"):
            if re.search(r"<[a-zA-Z/]", str(m.get(field, ""))):
                problems.append(f"{where}: {field} holds HTML")
        if "url" in m and not str(m["url"]).startswith(("http://", "https://")):
            problems.append(f"{where}: url is not absolute")
    return problems


def test_the_validator_catches_what_the_spec_forbids():
    bad = [{"name": "", "slug": "a b"}, {"name": "x", "slug": "s", "day": 7, "time": "9h"},
           {"name": "x", "slug": "s", "formatted_address": "Namur", "contact_1_phone": "1"}]
    found = " ".join(spec_problems(bad))
    for words in ("name is required", "slug must be URL-safe", "not unique", "day must be",
                  "needs time", "no geographic information", "has no name"):
        assert words in found, words


def test_the_demo_feed_follows_the_spec(client):
    feed = client.get(FEED).get_json()
    assert spec_problems(feed) == []
    weekly = [m for m in feed if "day" in m]
    assert weekly, "the demo's weekly meetings with an hour have a day and a time"
    assert all(m["timezone"] == "Europe/Brussels" for m in feed)
    assert any(m["approximate"] == "no" and "latitude" not in m for m in feed), \
        "a street address placed only at its locality: address, no coordinates"


@pytest.fixture
def feed_of(make_app, tmp_path):
    def build(rows, app=None):
        app = app or make_app()
        path = write_inventory(tmp_path / "feed.csv", rows)
        result = app.test_cli_runner().invoke(args=["import", str(path), "--force"])
        assert result.exit_code == 0, result.output
        feed = app.test_client().get(FEED).get_json()
        assert spec_problems(feed) == []
        return feed, app
    return build


def by_group(feed, name):
    return [m for m in feed if m["group"] == name]


def test_weekly_meetings_carry_day_time_and_end_time(feed_of):
    feed, _ = feed_of([
        group_row(group_id="mardi", name="Le mardi", schedule="le mardi de 15 à 17h",
                  street="Rue de Fer 1"),
        group_row(group_id="trois-jours", name="Trois jours",
                  schedule="les lundis, mercredis et samedis de 19h à 21h"),
        group_row(group_id="deux-horaires", name="Deux horaires",
                  schedule="le mercredi de 9h à 12h30 et le jeudi de 15h à 19h"),
    ])
    (mardi,) = by_group(feed, "Le mardi")
    assert (mardi["day"], mardi["time"], mardi["end_time"]) == (2, "15:00", "17:00")
    assert mardi["timezone"] == "Europe/Brussels"
    (three,) = by_group(feed, "Trois jours")
    assert three["day"] == [1, 3, 6] and three["time"] == "19:00"    # 0 = Sunday
    two = sorted(by_group(feed, "Deux horaires"), key=lambda m: m["day"])
    assert [(m["day"], m["time"], m["end_time"]) for m in two] == [
        (3, "09:00", "12:30"), (4, "15:00", "19:00")]


def test_a_monthly_meeting_is_never_published_as_weekly(feed_of):
    feed, _ = feed_of([
        group_row(group_id="mensuel", name="Mensuel",
                  schedule="chaque 3e jeudi du mois, de 14 à 16 heures"),
        group_row(group_id="soir", name="Le soir", schedule="tous les lundis soirs"),
        group_row(group_id="flou", name="Flou", schedule="groupes de paroles mensuels"),
    ])
    for name in ("Mensuel", "Le soir", "Flou"):
        (m,) = by_group(feed, name)
        assert "day" not in m and "time" not in m, name
    (monthly,) = by_group(feed, "Mensuel")
    assert monthly["notes"].startswith("chaque 3e jeudi du mois, de 14 à 16 heures")


def test_approximate_describes_the_address_and_coordinates_only_where_exact(feed_of):
    feed, _ = feed_of([
        group_row(group_id="rue", name="Rue et numéro", street="Rue de Fer 1"),
        group_row(group_id="ville", name="Ville seule"),
        group_row(group_id="sans-numero", name="Sans numéro", street="Rue de Fer"),
        group_row(group_id="point", name="Point exact", street="Rue de Fer 1",
                  lat="50.4669", lon="4.8675"),
        group_row(group_id="discret", name="Discret", street="Rue de Fer 1",
                  show_exact="non"),
    ])
    (street,) = by_group(feed, "Rue et numéro")
    assert street["approximate"] == "no" and "latitude" not in street
    assert street["formatted_address"] == "Rue de Fer 1, 5000 Namur, Belgique"
    for name in ("Ville seule", "Sans numéro"):
        (m,) = by_group(feed, name)
        assert m["approximate"] == "yes" and "latitude" not in m, name
    (point,) = by_group(feed, "Point exact")
    assert point["approximate"] == "no"
    assert (point["latitude"], point["longitude"]) == (50.4669, 4.8675)
    (hidden,) = by_group(feed, "Discret")
    assert hidden["approximate"] == "yes" and "latitude" not in hidden
    assert "Fer" not in str(hidden) and hidden["formatted_address"] == "Namur, Belgique"


def test_offices_and_services_without_a_place_are_not_meetings(feed_of):
    feed, _ = feed_of([
        group_row(group_id="asbl", name="ASBL", street="Rue de Fer 1", address_kind="siege"),
        group_row(group_id="asbl", name="ASBL", postcode="4000", locality="Liège",
                  commune="Liège", schedule="le jeudi de 18h à 20h"),
        group_row(group_id="boite", name="Boîte", street="Rue de Fer 2",
                  address_kind="courrier"),
        group_row(group_id="ligne", name="Ligne", postcode="", locality="", commune="",
                  phone="0800 00 000"),
    ])
    assert [m["region"] for m in feed] == ["Liège"]
    assert not by_group(feed, "Boîte") and not by_group(feed, "Ligne")


def test_contacts_have_a_name(feed_of):
    feed, _ = feed_of([group_row(group_id="tel", name="Avec téléphone", phone="081 11 11 11",
                                 email="contact@example.org")])
    (m,) = feed
    assert (m["contact_1_name"], m["contact_1_phone"], m["contact_1_email"]) == (
        "Avec téléphone", "081 11 11 11", "contact@example.org")


def test_slugs_are_unique_short_and_stable_across_imports(feed_of):
    long_id = "groupe-de-parole-" + "tres-" * 11 + "long"      # 77 characters
    rows = [
        group_row(group_id="cafe", name="Café"),
        group_row(group_id="cafe", name="Café", postcode="4000", locality="Liège",
                  commune="Liège"),
        group_row(group_id="cafe-2", name="Café 2"),       # the old scheme's collision
        group_row(group_id="cafe-1", name="Café 1"),
        group_row(group_id=long_id, name="Long"),
        group_row(group_id=long_id + "-bis", name="Long bis"),
    ]
    feed, app = feed_of(rows)
    slugs = [m["slug"] for m in feed]
    assert len(slugs) == len(set(slugs)) == 6
    assert all(len(s) <= 64 for s in slugs)
    assert {"cafe-2", "cafe-1"} <= set(slugs)
    again, _ = feed_of(list(reversed(rows)), app)           # same data, another order
    assert {m["slug"]: m["region"] for m in again} == {m["slug"]: m["region"] for m in feed}
