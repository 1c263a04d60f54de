"""On a phone, a search lands on its results, not on the form again.

The form, the crisis lines and the introduction fill about two screens of a 390 px wide
phone: after "Chercher" the person would see the form they just filled and have to
scroll to find what they asked for. The form, the pagination and every other search link
lead to the page's #resultats, which only a page without an error carries: with an error
the page stays at the top, on the error summary (focused), as before.
"""
from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(locale="fr-BE", viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    yield page
    ctx.close()


def search(page, base: str, postcode: str) -> None:
    page.goto(base + "/")
    page.fill("#postcode", postcode)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("load")


def top_of(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().top")


def test_a_search_lands_on_its_results(demo_server, phone):
    phone.goto(demo_server + "/?postcode=5000")
    assert top_of(phone, "#resultats-titre") > PHONE["height"], \
        "the results start below the first screen: otherwise nothing to jump to"
    search(phone, demo_server, "5000")
    assert phone.url.endswith("#resultats")
    title = top_of(phone, "#resultats-titre")
    assert 0 < title < PHONE["height"] / 2, f"results title at {title:.0f} px"
    assert "5000" in phone.locator(".summary").inner_text() or \
        "Namur" in phone.locator(".summary").inner_text()


def test_the_next_page_of_results_lands_on_its_results_too(demo_server, phone):
    phone.goto(demo_server + "/?postcode=5000&radius_km=100#resultats")
    next_link = phone.locator(".pagination a[rel=next]")
    assert next_link.count(), "the demo inventory gives more than one page at 100 km"
    with phone.expect_navigation():
        next_link.click()
    assert "page=2" in phone.url and phone.url.endswith("#resultats")
    assert 0 < top_of(phone, "#resultats-titre") < PHONE["height"] / 2


def test_a_search_with_an_error_stays_on_the_error_summary(demo_server, phone):
    search(phone, demo_server, "9999")              # Flanders: outside the directory
    assert phone.url.endswith("#resultats")         # the same form sent it...
    assert phone.locator("#resultats").count() == 0  # ...but this page has no such target
    summary = phone.locator("[data-error-summary]")
    assert summary.is_visible()
    assert phone.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    top = top_of(phone, "[data-error-summary]")
    assert 0 <= top < PHONE["height"], f"error summary at {top:.0f} px"
