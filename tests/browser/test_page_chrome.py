"""The page's chrome: a focus ring that can be seen on the light page and on the red header (WCAG 1.4.11),
fields whose aria-describedby names text that is on the page, and a header that folds its menu on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# The contrast (WCAG 2) between the focused element's outline colour and the background it is drawn on:
# the first opaque background among its ancestors (the outline lies outside the element's own box).
FOCUS_CONTRAST = """element => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  let under = element.parentElement, background = null;
  while (under) {
    const colour = rgb(getComputedStyle(under).backgroundColor);
    if (colour.length === 3 || colour[3] === 1) { background = colour.slice(0, 3); break; }
    under = under.parentElement;
  }
  background = background || [255, 255, 255];
  const style = getComputedStyle(element);
  const outline = rgb(style.outlineColor);
  const [light, dark] = [luminance(outline), luminance(background)].sort((a, b) => b - a);
  return {
    focused: document.activeElement === element,
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    alpha: outline.length === 4 ? outline[3] : 1,
    contrast: (light + 0.05) / (dark + 0.05),
  };
}"""

# Every id that an aria-describedby on the page names and that no element of the page has.
MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(element =>
  element.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
    .map(id => `${element.id || element.name || element.tagName}: ${id}`))"""


def _focus_ring(page, selector):
    element = page.locator(selector).first
    element.focus()
    return element.evaluate(FOCUS_CONTRAST)


RINGS = [
    ("/", ".main-nav a"),  # a link on the red header
    ("/", "#header-q"),  # a field on the red header
    ("/", "main a"),  # a link on the page
    ("/", ".header-search button"),  # a white button on the red header
    ("/accounts/password/", "#id_old_password"),  # a field in a white card
    ("/accounts/password/", "main button[type=submit]"),  # a button on the page
]


def test_the_focus_ring_has_three_to_one_against_what_it_is_drawn_on(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    log_in(page, base, "hnd")
    for path, selector in RINGS:
        page.goto(base + path)
        ring = _focus_ring(page, selector)
        assert ring["focused"], selector
        assert ring["style"] == "solid" and ring["width"] >= 2 and ring["alpha"] == 1, (selector, ring)
        assert ring["contrast"] >= 3, (selector, ring)


def test_the_skip_link_is_first_and_its_focus_ring_shows_on_the_page(committed_demo, live_server, phone_page):
    page, base = phone_page, live_server.url
    log_in(page, base, "hnd")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.evaluate(FOCUS_CONTRAST)["contrast"] >= 3


def test_the_password_fields_name_help_and_errors_that_are_on_the_page(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    log_in(page, base, "hnd")
    page.goto(f"{base}/accounts/password/")
    new_password = page.locator("#id_new_password1")
    assert "id_new_password1_helptext" in new_password.get_attribute("aria-describedby")
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    # Sent with a wrong old password and two different new ones: the fields now name their errors too.
    page.fill("#id_old_password", "not-the-password")
    page.fill("#id_new_password1", "Mot-mat-khau-moi-2025")
    page.fill("#id_new_password2", "Mot-mat-khau-khac-2025")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator("#id_old_password_error")).to_be_visible()
    assert "id_old_password_error" in page.locator("#id_old_password").get_attribute("aria-describedby")
    assert page.evaluate(MISSING_DESCRIPTIONS) == []


def _header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def test_on_a_phone_the_menu_folds_behind_a_button_that_the_keyboard_opens(committed_demo, live_server, phone_page):
    page, base = phone_page, live_server.url
    log_in(page, base, "hnd")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    toggle = page.get_by_role("button", name="Menu")
    assert _header_height(page) <= 120
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page.locator("#" + toggle.get_attribute("aria-controls")).count() == 1
    # Skip link, brand, bell, then the button.
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Nhiệm vụ của tôi")).to_be_focused()
    # Escape folds it again and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    nav.get_by_role("link", name="Quy chế").click()
    page.wait_for_url(f"{base}/regulations/")
    assert _header_height(page) <= 120


def test_without_javascript_the_phone_shows_the_menu_open(committed_demo, live_server, chromium):
    context = chromium.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    page, base = context.new_page(), live_server.url
    try:
        log_in(page, base, "hnd")
        expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    finally:
        context.close()


def test_on_a_wide_screen_the_menu_is_open_and_there_is_no_button(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    log_in(page, base, "hnd")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert _header_height(page) <= 120
