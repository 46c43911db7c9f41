"""No page links to what its reader cannot open (issue 14): for each demo role, a crawler starts at the home
page, follows every link of every page it reaches (same site, GET), and no link may answer 403, 404 or 500.

To stay quick it opens at most a few pages per URL name and per set of query keys (the tenth task page
links to what the first did); every link it finds on those pages is still followed once."""

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve

HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.S)
# Not pages of the app: the admin (Django's), the way out, files and the language switch (a POST).
SKIP = ("/admin/", "/accounts/logout/", "/static/", "/i18n/")
PAGES_PER_KIND = 2
ROLES = ["vanphong", "sonoivu", "lanhdao", "hnd", "mttq", "tanyen", "noivu_tanyen", "xa_dakha", "admin", "outsider"]


def _kind(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    return name, tuple(sorted({key for key, _ in parse_qsl(parts.query)} - {"page"}))


def _links(page: str, here: str) -> set[str]:
    found = set()
    for href in HREF.findall(page):
        href = unescape(href).split("#", 1)[0]
        if not href or href.startswith(("mailto:", "tel:", "http:", "https:", "webcal:", "//")):
            continue
        if not href.startswith("/"):
            href = urlsplit(here).path.rsplit("/", 1)[0] + "/" + href
        if not href.startswith(SKIP):
            found.add(href)
    return found


def crawl(client, start: str = "/") -> dict[str, tuple[int, str]]:
    """Every link reached from `start`, with its status and the page that showed it (GET only)."""
    seen: dict[str, tuple[int, str]] = {}
    opened: dict[tuple, int] = {}
    queue = deque([(start, "")])
    while queue:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response.status_code, shown_on)
        kind = _kind(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if opened.get(kind, 0) >= PAGES_PER_KIND:
            continue
        opened[kind] = opened.get(kind, 0) + 1
        for link in _links(response.content.decode(), url):
            if link not in seen:
                queue.append((link, url))
    return seen


@pytest.mark.parametrize("username", ROLES)
def test_no_link_leads_its_reader_to_a_refusal(client, users, username):
    client.force_login(users.get(username) or get_user_model().objects.get(username=username))
    seen = crawl(client)
    assert len(seen) > 10, "the crawler reached the pages"
    refused = {url: found for url, found in seen.items() if found[0] in (403, 404) or found[0] >= 500}
    assert refused == {}, f"{username}: link → (status, page that shows it)"
