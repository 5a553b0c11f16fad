from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from adal.core.models import Role
from adal.demo.ratings import INDICES, build_ratings
from adal.ratings.models import Index
from tests.conftest import make_staff
from tests.replay import replayed

# The TI files the stats tests use (copies with their attribution, inside the repository).
TI_FIXTURES = Path(__file__).resolve().parents[1] / "stats" / "fixtures"
CPI_2023 = TI_FIXTURES / "CPI2023_global_results_trends.psv"
TIMESERIES = TI_FIXTURES / "CPI_timeseries_2012-2022.csv"


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are read in English, the catalogues' source language."""
    settings.LANGUAGE_CODE = "en"  # pages too: the default language when a request names none
    with translation.override("en"):
        yield


def index_like(code: str) -> Index:
    """A fresh copy of one of the demo's indices, saved."""
    return Index.objects.create(**next(fields for fields in INDICES if fields["code"] == code))


@pytest.fixture
def client(client):
    """Pages in English too, unless a test asks for another language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def cpi(db):
    return index_like("cpi")


@pytest.fixture
def gci(db):
    return index_like("wef-gci")


@pytest.fixture
def wgi(db):
    return index_like("wgi-cc")


@pytest.fixture
def demo(db):
    return replayed("ratings.demo", build_ratings)


@pytest.fixture
def analyst_user(units):
    return make_staff("ratings-analyst", Role.ANALYST, units["centre"])[0]


def generic(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


D = Decimal
