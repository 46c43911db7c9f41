"""Every page of the URL table (tests/security/test_url_permissions.py) that a role may open, opened as that
role on a phone (390 px): shown, no sideways scrolling, no accessibility violation that axe-core finds, and
every aria-describedby names text that is on the page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PASSWORD, log_in
from tests.browser.test_page_chrome import MISSING_DESCRIPTIONS
from tests.security.test_url_permissions import ROLES, RULES, build_world

pytestmark = pytest.mark.browser

# URLs that answer a GET with a file or a feed, not a page.
NOT_PAGES = {
    "healthz",
    "obligations:attachment_download",
    "obligations:contribution_file",
    "regulations:regulation_file",
    "regulations:document_file",
    "reports:export",
    "reports:file_download",
    "reports:consolidated_signed",
    "reports:import_template",
    "reports:calendar_feed",
}


def pages_of(role: str) -> list[str]:
    """The table's pages that `role` gets with a 200."""
    column = ROLES.index(role)
    return [
        name
        for name, rule in RULES.items()
        if rule.method == "get" and name not in NOT_PAGES and rule.expect.split()[column] == "200"
    ]


def test_the_table_names_pages_for_every_role():
    assert {role: len(pages_of(role)) > 0 for role in ROLES} == dict.fromkeys(ROLES, True)
    assert "obligations:task_report" in pages_of("hnd") and "login" in pages_of("anonymous")


def test_every_page_fits_a_phone_and_has_no_accessibility_violation(committed_demo, users, live_server, chromium):
    world = build_world(users)
    users["outsider"].set_password(PASSWORD)
    users["outsider"].save()
    axe, base, problems, seen = Axe(), live_server.url, [], 0
    for role in ROLES:
        context = chromium.new_context(
            locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            log_in(page, base, role)
        for name in pages_of(role):
            url = RULES[name].url(world)
            response = page.goto(base + url)
            seen += 1
            where = f"{role} {name} {url}"
            if response is None or response.status != 200:
                problems.append(f"{where}: status {response and response.status}")
                continue
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{where}: {overflow} px wider than the phone")
            if missing := page.evaluate(MISSING_DESCRIPTIONS):
                problems.append(f"{where}: aria-describedby names ids not on the page: {missing}")
            results = axe.run(page, options={"resultTypes": ["violations"]})
            if results.violations_count:
                problems.append(f"{where}: {results.generate_report()}")
        context.close()
    assert seen >= 100  # every role's pages were opened, not an empty table
    assert not problems, f"{len(problems)} of {seen} pages:\n" + "\n".join(problems)
