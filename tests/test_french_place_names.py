"""French writes "de" before a place's name as the language wants it: "dans la commune
d’Anderlecht", "du Roeulx", "de Namur"; other languages keep their own phrasing."""
from __future__ import annotations

import re

import pytest


def summary(html: str) -> str:
    return " ".join(re.search(r'<p class="summary"[^>]*>(.*?)</p>', html, re.S).group(1).split())


@pytest.mark.parametrize("commune, words", [("Anderlecht", "dans la commune d’Anderlecht"),
                                            ("Namur", "dans la commune de Namur"),
                                            ("Le Roeulx", "dans la commune du Roeulx")])
def test_a_commune_search_says_its_commune_in_good_french(client, commune, words):
    html = client.get("/", query_string={"commune": commune}).get_data(as_text=True)
    assert words in summary(html), summary(html)


def test_another_language_keeps_its_own_phrasing(client):
    html = client.get("/", query_string={"commune": "Anderlecht", "lang": "en"}).get_data(
        as_text=True)
    assert "Anderlecht" in summary(html) and "d’" not in summary(html), summary(html)


def test_a_distance_from_a_place_typed_by_name(client):
    html = client.get("/", query_string={"postcode": "Ixelles", "radius_km": "5"}).get_data(
        as_text=True)
    assert re.search(r"à moins de 5\s*km d’\S*\s*Ixelles|à moins de 5\s*km de \d{4} Ixelles",
                     summary(html)), summary(html)


def test_the_api_notice_names_the_commune_in_good_french(client):
    body = client.get("/api/v1/search", query_string={"postcode": "1050",
                                                      "commune": "Ixelles"}).get_json()
    messages = [n["message"] for n in body.get("notices", [])]
    assert any("commune d’Ixelles" in m for m in messages), messages
