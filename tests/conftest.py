import datetime

import pytest
from django.contrib.auth import get_user_model
from pytest_django.plugin import blocking_manager_key

from demo.seed import demo_load
from regulations.models import Membership, Party

DEMO_ROLE_USERS = [
    "admin",
    "vanphong",
    "sonoivu",
    "lanhdao",
    "mttq",
    "hccb",
    "ldld",
    "hlhpn",
    "hnd",
    "tanyen",
    "noivu_tanyen",
]


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request in English leaves English active in the thread (LocaleMiddleware never switches back):
    start the next test in the site's language."""
    yield
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded files of each test go to a folder of its own, never into the project's var/."""
    location = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(location), "base_url": "/no-public-media/"},
        },
    }
    return location


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo is loaded once per test database (once per xdist worker), committed: each test runs in a
    transaction that is rolled back, so every test starts from the seeded state without re-seeding it."""
    with django_db_blocker.unblock():
        demo_load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, threads, a real worker) ends by flushing every table, the demo
    with it: load it again, committed, once that test's fixtures are torn down."""
    result = yield
    # Only when another test follows in this process: after the last one the test database is dropped and
    # the connection points at the real database, which must never be seeded.
    if nextitem is not None and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            demo_load()
    return result


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture
def demo(db):
    """Both seeds loaded as the demo: parties, sources, obligations, tasks and the demo accounts."""
    return {party.code: party for party in Party.objects.all()}


@pytest.fixture
def users(demo):
    """One user per demo role, plus an outsider who belongs to no party."""
    User = get_user_model()
    accounts = {user.username: user for user in User.objects.filter(username__in=DEMO_ROLE_USERS)}
    accounts["outsider"] = User.objects.create_user("outsider", password="x-outsider-pass-1")
    return accounts


@pytest.fixture
def make_party(db):
    counter = iter(range(1, 10_000))

    def make(name=None, *, kind=Party.Kind.SOCIO_POLITICAL, level=Party.Level.PROVINCE, parent=None, **extra):
        n = next(counter)
        return Party.objects.create(
            code=extra.pop("code", f"p-{n}"),
            name=name or f"Cơ quan thử {n}",
            short_name=f"CQ{n}",
            kind=kind,
            level=level,
            parent=parent,
            **extra,
        )

    return make


@pytest.fixture
def make_user(db):
    def make(username, *memberships: tuple[Party, str]):
        user = get_user_model().objects.create_user(username, password="x-test-pass-123")
        for party, role in memberships:
            Membership.objects.create(user=user, party=party, role=role)
        return user

    return make


@pytest.fixture
def day():
    return datetime.date
