import base64
import os

import pyotp
import pytest
from django.core.cache import cache
from django.test import override_settings

from adal.core.models import Role, Unit
from adal.core.permissions import SYSTEM
from adal.core.services import staff_create, staff_totp_reset, unit_create
from adal.hotline.services import ReportDraft
from tests.replay import replayed


def pytest_configure(config):
    config.addinivalue_line("markers", "bench: runs a script of bench/ in its quick mode (tests/bench)")


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
