"""A menu shows only what its reader may open: every link of the main menu answers 200 for that reader, and
"Chờ xem xét" (the review queue) is shown to the focal agency's staff only."""

import re

import pytest
from django.urls import reverse

NAV = re.compile(r'<nav class="main-nav".*?</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')


def _menu(client, user):
    client.force_login(user)
    page = client.get("/").content.decode()
    return HREF.findall(NAV.search(page).group(0))


@pytest.mark.parametrize("username", ["vanphong", "sonoivu", "lanhdao", "hnd", "mttq", "tanyen", "noivu_tanyen"])
def test_every_menu_link_opens_for_its_reader(client, users, username):
    links = _menu(client, users[username])
    assert links, "the menu has links"
    refused = {href: client.get(href).status_code for href in links}
    assert {href: code for href, code in refused.items() if code != 200} == {}


@pytest.mark.parametrize(("username", "shown"), [("sonoivu", True), ("lanhdao", False), ("vanphong", False)])
def test_the_review_queue_is_in_the_menu_of_its_reviewers_only(client, users, username, shown):
    assert (reverse("obligations:review_list") in _menu(client, users[username])) is shown


@pytest.mark.parametrize(("username", "shown"), [("hnd", True), ("lanhdao", False), ("vanphong", False)])
def test_the_matter_button_of_a_task_is_shown_only_to_whom_the_form_opens(client, users, username, shown):
    from obligations.models import Task

    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    client.force_login(users[username])
    page = client.get(task.get_absolute_url()).content.decode()
    raise_url = f"{reverse('matters:matter_raise')}?task={task.pk}"
    assert (raise_url in page) is shown
    assert client.get(raise_url).status_code == (200 if shown else 403)


@pytest.mark.parametrize(("username", "shown"), [("hnd", True), ("lanhdao", False)])
def test_the_matter_button_of_an_obligation_is_shown_only_to_whom_the_form_opens(client, users, username, shown):
    from obligations.models import Task

    obligation = Task.objects.get(party__code="qn-hnd", period__year=2025).obligation
    client.force_login(users[username])
    page = client.get(obligation.get_absolute_url()).content.decode()
    raise_url = f"{reverse('matters:matter_raise')}?obligation={obligation.pk}"
    assert (raise_url in page) is shown
    assert client.get(raise_url).status_code == (200 if shown else 403)
