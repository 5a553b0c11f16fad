import base64
import os
from urllib.parse import urlsplit

import pyotp
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from adal.core.models import Role, Unit
from adal.core.permissions import SYSTEM
from adal.core.services import staff_create, staff_totp_reset, unit_create
from adal.hotline.services import ReportDraft
from tests import template
from tests.replay import replayed


def pytest_configure(config):
    config.addinivalue_line("markers", "bench: runs a script of bench/ in its quick mode (tests/bench)")
    config.addinivalue_line("markers", "slow: takes minutes; the suite starts it first")


# Tested in the SQLite pass only. What reads no database gives the same answer on both: the pure
# statistics (adal.stats imports no Django) and the import layers. The browser tests read what a page shows
# and does in the browser; the server's work behind each of their steps is tested on both databases by the
# tests of its app, through the same views.
ON_SQLITE_ONLY = ("tests/stats/", "tests/test_layers.py", "tests/browser/")

# Modules whose tests share the demo's replayed fixtures (demo_units, demo_councils, ...; tests/replay.py):
# one worker runs them all, so that the demo is built once a pass and not once a worker.
SHARING_THE_DEMO = (
    "tests/demo/test_demo_councils.py",
    "tests/demo/test_demo_discipline.py",
    "tests/portal/test_period_report.py",
    "tests/portal/test_portal.py",
    "tests/portal/test_portal_unit_names.py",
    "tests/portal/test_opendata.py",
)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """The run's migrated template, before pytest-xdist starts the test processes (tests/template.py)."""
    config = session.config
    if not hasattr(config, "workerinput") and not config.option.collectonly:
        template.build()


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        template.remove()


@pytest.fixture(scope="session")
def django_db_keepdb(request) -> bool:
    """A test database copied from the run's template is kept as it is: migrate has nothing to do."""
    reuse = request.config.getvalue("reuse_db") and not request.config.getvalue("create_db")
    return template.in_use() or reuse


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """This process's test database: a copy of the run's template, removed when the process ends."""
    if not template.in_use():
        yield
        return
    from django.db import connection

    name = connection.creation._get_test_db_name()
    template.copy_as(name)
    yield
    connection.close()
    template.drop(name)


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's load scheduling, with the modules sharing the demo as one unit of work. (Its own
    ``--dist loadgroup`` no longer groups under pytest 9: it renames the tests through an attribute that
    pytest 9 does not read, and every test became its own unit.)"""
    from xdist.scheduler import LoadScopeScheduling

    class DemoOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "the demo" if nodeid.startswith(SHARING_THE_DEMO) else nodeid

    return DemoOnOneWorker(config, log)


def pytest_collection_modifyitems(config, items):
    """The longest tests first (the page sweep, then the benchmarks): with a worker per core (./dev test
    runs pytest-xdist) they start at once beside the others instead of running alone at the end."""
    if os.getenv("DATABASE_URL", "").startswith("postgres"):
        skipped = [item for item in items if item.nodeid.startswith(ON_SQLITE_ONLY)]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = [item for item in items if not item.nodeid.startswith(ON_SQLITE_ONLY)]
    items.sort(key=lambda item: (not item.get_closest_marker("slow"), not item.get_closest_marker("bench")))


def pytest_terminal_summary(terminalreporter):
    if os.getenv("ADAL_REPLAY_STATS"):  # how often each shared fixture was built and written again
        from tests.replay import counts

        for (name, how), n in sorted(counts.items()):
            terminalreporter.write_line(f"replay: {name}: {how} {n}")


TEST_KEYS = {"t1": base64.b64encode(b"\x01" * 32).decode(), "t0": base64.b64encode(b"\x02" * 32).decode()}
PASSWORD = "correct horse battery staple"


# Production hashes every password with argon2 at Django's cost (adal.settings), about a tenth of a
# second and 100 MiB each: over the suite's thousands of accounts that was most of its time. The tests
# hash with MD5; tests/core/test_login.py checks production's hasher with `production_hashers`.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True, scope="session")
def _own_redis_database():
    """Each xdist worker (gw0, gw1, …) on a Redis database of its own (1, 2, …): every test empties the
    cache, and on Redis that empties the whole database, the other workers' counters included. The
    environment says it too, for the processes the tests start."""
    url, worker = os.getenv("REDIS_URL"), os.getenv("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        yield
        return
    own = urlsplit(url)._replace(path=f"/{int(worker.removeprefix('gw')) + 1}").geturl()
    os.environ["REDIS_URL"] = own
    default = {**django_settings.CACHES["default"], "LOCATION": own}
    with override_settings(CACHES={**django_settings.CACHES, "default": default}, REDIS_URL=own):
        yield


@pytest.fixture
def production_hashers(settings):
    """The password hashers production has (adal.settings as written, not the test run's fast one)."""
    import adal.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    return production.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Every test gets its own file store, known keys, a cheap receipt hash and an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ADAL_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.ADAL_ENCRYPTION_KEYS = TEST_KEYS
    settings.ADAL_CURRENT_KEY = "t1"
    # The real cost is benchmarked in bench/intake.py; tests only need the same function.
    settings.ADAL_RECEIPT_HASH_TIME_COST = 1
    settings.ADAL_RECEIPT_HASH_MEMORY_KIB = 64
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run at once in tests; the worker is exercised by the demo and the benchmarks.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Every test starts in the default language: a request of the test before may have left another
    # active, and the shared fixtures (tests/replay.py) are built in the language they start in.
    translation.activate(django_settings.LANGUAGE_CODE)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(db):
    """Centre → Aktobe and Almaty; built once, then written again for each test (tests/replay.py)."""
    return replayed("units", _build_units)


def _build_units() -> dict:
    centre = unit_create(
        name_ru="Центр", name_kk="Орталық", name_en="Centre", level=Unit.Level.CENTRE, by=SYSTEM
    )
    from adal.core.models import Territory

    aktobe = unit_create(
        name_ru="Актобе",
        name_kk="Ақтөбе",
        name_en="Aktobe",
        level=Unit.Level.REGION,
        parent=centre,
        territory=Territory.objects.get(kato="150000000"),
        by=SYSTEM,
    )
    almaty = unit_create(
        name_ru="Алматы",
        name_kk="Алматы",
        name_en="Almaty",
        level=Unit.Level.REGION,
        parent=centre,
        territory=Territory.objects.get(kato="750000000"),
        by=SYSTEM,
    )
    return {"centre": centre, "aktobe": aktobe, "almaty": almaty}


def make_staff(username: str, role: str, unit) -> tuple:
    user = staff_create(username=username, password=PASSWORD, role=role, unit=unit, by=SYSTEM)
    secret = staff_totp_reset(user=user, by=SYSTEM)
    user.refresh_from_db()
    return user, secret


@pytest.fixture
def operator(units):
    return make_staff("operator", Role.OPERATOR, units["centre"])


@pytest.fixture
def analyst(units):
    return make_staff("analyst", Role.ANALYST, units["centre"])


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


@pytest.fixture
def draft():
    def make(**overrides) -> ReportDraft:
        values = dict(
            category="education",
            region="150000000",
            description="Директор школы требует 50 000 тенге за зачисление ребёнка в первый класс.",
            identity_mode="anonymous",
            language="ru",
            occurred="август 2026",
            place="Школа № 12, Актобе",
            persons=["Директор школы"],
            organisations=["Школа № 12"],
        )
        values.update(overrides)
        return ReportDraft(**values)

    return make


@pytest.fixture(scope="session")
def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="session")
def jpeg_with_gps():
    """A JPEG carrying EXIF with a GPS position, as phone cameras write them."""
    import io

    from PIL import Image

    image = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 55.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


# The demo's loaders build thousands of rows (more than 700 council meetings, two years of cases): the
# tests that read them get them built once a session and written again (tests/replay.py).
def demo_units() -> dict:
    from adal.demo.scenario import build_units

    return replayed("demo.units", build_units)


def demo_councils(units: dict):
    from adal.demo.councils import build_councils

    return replayed("demo.councils", lambda: build_councils(units))


def demo_discipline():
    from adal.demo.discipline import build_discipline

    return replayed("demo.discipline", build_discipline)


def demo_case_volume(units: dict, *, per_day: float) -> dict:
    """Two years of finished cases up to 15 January 2026 in every region, with the demo's routing."""
    import datetime as dt

    from adal.cases.models import RoutingRule
    from adal.demo.scenario import build_routing
    from adal.demo.volume import build_case_volume

    def build():
        if not RoutingRule.objects.exists():
            build_routing(units)
        build_case_volume(units, now=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), per_day=per_day)

    replayed(f"demo.case_volume.{per_day}", build)
    return units
