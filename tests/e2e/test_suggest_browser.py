"""The "De quoi s'agit-il ?" combobox in a real headless Chromium: keyboard, screen-reader
announcements, and a plain text field when JavaScript is off."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_only_local, screenshot_path


def test_typing_suggests_themes_and_the_keyboard_picks_one(demo_server, page,
                                                             requested_urls):
    page.goto(demo_server + "/")
    field = page.locator("#q")
    expect(field).to_have_attribute("role", "combobox")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.click()
    field.press_sequentially("park", delay=40)
    listbox = page.locator("#q-suggestions")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.locator("[role=option]")
    expect(options.first).to_contain_text("maladie de Parkinson")
    status = page.locator("[data-suggest-status]")
    expect(status).to_contain_text("suggestion")            # announced (live region)
    field.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", "q-suggestions-0")
    page.screenshot(path=str(screenshot_path("suggest-open")))
    field.press("Enter")                                      # picks, does not submit
    expect(field).to_have_value("maladie de Parkinson")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(status).to_contain_text("Choisi")
    field.press("Enter")                                      # now submits the form
    page.wait_for_url("**/?*q=maladie*")
    expect(page.locator(".result-name").first).to_contain_text("Parkinson")
    assert_only_local(requested_urls)


def test_escape_closes_and_the_field_works_without_javascript(demo_server, browser):
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    page.goto(demo_server + "/")
    field = page.locator("#q")
    field.press_sequentially("deu", delay=40)
    expect(page.locator("#q-suggestions")).to_be_visible()
    field.press("Escape")
    expect(page.locator("#q-suggestions")).to_be_hidden()
    context.close()
    plain = browser.new_context(locale="fr-BE", java_script_enabled=False)
    page = plain.new_page()
    page.goto(demo_server + "/")
    field = page.locator("#q")
    assert field.get_attribute("role") is None
    field.fill("fibro")
    field.press("Enter")
    page.wait_for_url("**q=fibro*")
    expect(page.locator(".result-name").first).to_contain_text("Fibro")
    plain.close()
