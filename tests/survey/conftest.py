import datetime as dt

import pytest
from django.utils import translation

from adal.core.permissions import SYSTEM
from adal.demo.survey import AGE_GROUPS, INSTRUMENT, margins_cells
from adal.survey.selectors import regions_on
from adal.survey.services import census_margins_create, instrument_create, wave_create
from tests.replay import replayed


@pytest.fixture(autouse=True)
def _in_english(settings):
    """Messages are matched by their English text, whatever the catalogues say."""
    settings.LANGUAGE_CODE = "en"  # pages too: the default language when a request names none
    with translation.override("en"):
        yield


@pytest.fixture
def instrument(db):
    return replayed("survey.instrument", lambda: instrument_create(spec=INSTRUMENT, by=SYSTEM))


@pytest.fixture
def margins(db):
    return replayed("survey.margins", _build_margins)


def _build_margins():
    regions = [t.kato for t in regions_on(dt.date(2025, 1, 1))]
    cells, settlement = margins_cells(regions)
    return census_margins_create(
        name="Test margins",
        source="Invented for the tests",
        reference_date=dt.date(2025, 1, 1),
        age_groups=AGE_GROUPS,
        region_sex_age=cells,
        settlement=settlement,
        by=SYSTEM,
    )


def make_wave(instrument, margins, code="2025", start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 15), **kw):
    """A wave of 2025; the trimming bounds are wide because the tests' small samples give the smallest
    regions as many respondents as the largest."""
    kw.setdefault("trim_lower", "0.1")
    kw.setdefault("trim_upper", "6")
    return wave_create(
        instrument=instrument,
        margins=margins,
        code=code,
        name_ru=f"Волна {code}",
        name_kk=f"{code} толқыны",
        name_en=f"Wave {code}",
        fieldwork_start=start,
        fieldwork_end=end,
        design_en="Stratified by region, PSUs within regions.",
        by=SYSTEM,
        **kw,
    )


@pytest.fixture
def wave(instrument, margins):
    return make_wave(instrument, margins)
