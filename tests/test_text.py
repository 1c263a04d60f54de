"""Text rules shared by import, pages and map popups."""
from __future__ import annotations

import pytest

from finder.mapcontent import place_details
from finder.models import Group, Place
from finder.text import fold
from finder.validation import safe_email, safe_url
from finder.web.render import mailto_href


def test_names_compare_without_case_accents_hyphens_or_apostrophes():
    assert fold("L'Écluse") == fold("l ecluse") == fold("L’ECLUSE")
    assert fold("Saint-Gilles") == fold("saint gilles")


@pytest.mark.parametrize("email", [
    "info@cancer.be", "a.b+c@x-y.be", "pas-une-adresse", "x@y", "a b@c.be",
    "<script>@x.be", "a@b.be?subject=x", "javascript:alert(1)@x.be", "é!x@x.be",
])
@pytest.mark.parametrize("website", [
    "https://www.cancer.be", "http://focusfibromyalgie.be/index.html", "www.sans-schema.be",
    "javascript:alert(1)", "https://x.be/\"onmouseover=alert(1)", "ftp://x.be",
])
def test_the_popup_links_exactly_what_the_page_links(email, website):
    """A popup must never offer a link the group's page refuses, nor the reverse."""
    group = Group(slug="g", name="G", chapter="maladie", email=email, website=website)
    place = Place(commune_nis="92094", commune_name="Namur", lat=50.46, lon=4.86,
                  precision="commune")
    popup = place_details(group, place, url="/groupes/g")
    assert bool(popup["email"]) == (mailto_href(email) is not None) == bool(safe_email(email))
    assert popup["website"] == (safe_url(website) or "")
    if popup["website"]:
        assert popup["website"].startswith(("http://", "https://"))
