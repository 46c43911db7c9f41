import datetime

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from pytest_django.plugin import blocking_manager_key

from demo.seed import demo_load
from regulations.models import Membership, Party
from signatures import demo as signing_demo

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


@pytest.fixture(scope="session", autouse=True)
def signing_folder(tmp_path_factory):
    """The demo's test certificates of this test process, in a folder of its own (demo_load writes them)."""
    from django.conf import settings as django_settings

    folder = tmp_path_factory.mktemp("signing")
    django_settings.SIGNING_DIR = folder
    django_settings.SIGNING_TRUST_ROOTS = [str(folder / "trust")]
    return folder


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, signing_folder):
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


@pytest.fixture
def signing_dir(settings, tmp_path):
    """A folder of credentials and trusted roots of this test only."""
    folder = tmp_path / "signing"
    settings.SIGNING_DIR = folder
    settings.SIGNING_TRUST_ROOTS = [str(folder / "trust")]
    signing_demo.write_demo_credentials(folder, [])  # the demo CA, trusted
    return folder


@pytest.fixture
def credential(signing_dir):
    """Write a credential for an organisation code from the trusted demo CA; or, with `authority=` another
    CA, or with `not_after=`, an untrusted or expired one."""

    def write(code, name="Sở Nội vụ tỉnh Thử Nghiệm", *, authority=None, not_before=None, not_after=None):
        if authority is None and not_after is None:
            signing_demo.write_demo_credentials(signing_dir, [(code, name, "SNV")])
            return signing_dir / f"{code}.p12"
        if authority is None:
            key = serialization.load_pem_private_key(
                (signing_dir / "demo-ca.key").read_bytes(), password=signing_demo.DEMO_PASSPHRASE
            )
            from cryptography import x509

            ca_cert = x509.load_pem_x509_certificate((signing_dir / "trust" / signing_demo.CA_FILE).read_bytes())
            authority = signing_demo.Authority(certificate=ca_cert, key=key)  # type: ignore[arg-type]
        certificate, key = signing_demo.issue(
            authority, common_name=name, organisation=name, not_before=not_before, not_after=not_after
        )
        (signing_dir / f"{code}.p12").write_bytes(signing_demo.pkcs12_bytes(certificate, key, authority))
        (signing_dir / f"{code}.pass").write_bytes(signing_demo.DEMO_PASSPHRASE)
        return signing_dir / f"{code}.p12"

    return write


def days_ago(days: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
