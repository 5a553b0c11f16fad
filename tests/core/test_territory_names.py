"""Territories are named as they were in the period shown: the capital was Akmola, Astana from 6 May
1998, Nur-Sultan from 23 March 2019 and Astana again from 17 September 2022; and a region of an older
map maps onto today's (2019's East Kazakhstan is today's East Kazakhstan and Abai)."""

import datetime as dt
import itertools

import pytest
from django.template import Context, Template
from django.utils import translation

from adal.core.models import Territory, TerritoryName
from adal.core.selectors import name_on, names_on
from adal.core.services import territories_sync
from adal.core.territories import NAMES, SPLITS, current_regions, region_then, todays_regions
from adal.core.workdays import local_zone

D = dt.date
ASTANA, AKTOBE, EAST_KZ, ABAI = "710000000", "150000000", "630000000", "100000000"


@pytest.fixture
def capital(db):
    return Territory.objects.get(kato=ASTANA)


@pytest.mark.parametrize(
    ("day", "ru", "kk", "en"),
    [
        (D(1997, 12, 10), "город Акмола", "Ақмола қаласы", "Akmola"),
        (D(1998, 5, 6), "город Астана", "Астана қаласы", "Astana"),
        (D(2019, 3, 22), "город Астана", "Астана қаласы", "Astana"),
        (D(2019, 3, 23), "город Нур-Султан", "Нұр-Сұлтан қаласы", "Nur-Sultan"),
        (D(2022, 9, 16), "город Нур-Султан", "Нұр-Сұлтан қаласы", "Nur-Sultan"),
        (D(2022, 9, 17), "город Астана", "Астана қаласы", "Astana"),
        (D(2026, 1, 1), "город Астана", "Астана қаласы", "Astana"),
    ],
)
def test_the_capital_is_named_as_it_was_on_the_day(capital, day, ru, kk, en):
    assert [name_on(capital, day, lang) for lang in ("ru", "kk", "en")] == [ru, kk, en]


def test_without_a_language_the_active_one_names_it(capital):
    with translation.override("kk"):
        assert name_on(capital, D(2019, 7, 1)) == "Нұр-Сұлтан қаласы"
    with translation.override("en"):
        assert name_on(capital, D(2019, 7, 1)) == "Nur-Sultan"


def test_a_territory_never_renamed_keeps_its_name(db):
    aktobe = Territory.objects.get(kato=AKTOBE)
    assert name_on(aktobe, D(2019, 7, 1), "en") == "Aktobe Region"


def test_names_on_names_many_territories_in_one_query(capital, django_assert_num_queries):
    regions = list(Territory.objects.filter(kato__in=[ASTANA, AKTOBE]))
    with django_assert_num_queries(1):
        named = names_on(regions, D(2019, 7, 1))
    assert (named[ASTANA].name_en, named[AKTOBE].name_en) == ("Nur-Sultan", "Aktobe Region")


def test_the_sync_writes_the_dated_names_once(capital):
    territories_sync()
    territories_sync()
    assert TerritoryName.objects.filter(territory=capital).count() == len(NAMES)


def test_the_template_filter_reads_a_moment_in_the_countrys_time(capital):
    # 22 March 2019, 20:00 UTC is already the 23rd in Astana: Nur-Sultan.
    moment = dt.datetime(2019, 3, 22, 20, 0, tzinfo=dt.UTC)
    template = Template("{% load adal %}{{ t|named_on:moment }}|{{ t|named_on:day }}|{{ none|named_on:day }}")
    with translation.override("ru"):
        rendered = template.render(
            Context({"t": capital, "moment": moment, "day": D(2019, 3, 22), "none": None})
        )
    assert rendered == "город Нур-Султан|город Астана|—"
    assert moment.astimezone(local_zone()).date() == D(2019, 3, 23)


def test_dated_names_of_a_territory_do_not_overlap():
    by_kato: dict[str, list] = {}
    for name in NAMES:
        by_kato.setdefault(name.kato, []).append(name)
    for names in by_kato.values():
        names.sort(key=lambda n: n.valid_from or D.min)
        for earlier, later in itertools.pairwise(names):
            assert earlier.valid_to is not None and earlier.valid_to <= later.valid_from


# ---------------------------------------------------------------- older maps on today's


def test_2019s_east_kazakhstan_is_todays_east_kazakhstan_and_abai():
    assert todays_regions(EAST_KZ, D(2019, 7, 1)) == (EAST_KZ, ABAI)
    assert todays_regions(EAST_KZ, D(2022, 6, 8)) == (EAST_KZ,)
    assert region_then(ABAI, D(2019, 7, 1)) == EAST_KZ
    assert region_then(ABAI, D(2023, 1, 1)) == ABAI


def test_south_kazakhstan_became_turkistan_region_and_shymkent():
    assert set(todays_regions("510000000", D(2017, 1, 1))) == {"610000000", "790000000"}
    assert region_then("790000000", D(2017, 1, 1)) == "510000000"


@pytest.mark.parametrize("day", [D(2017, 1, 1), D(2019, 7, 1), D(2022, 6, 7), D(2024, 1, 1)])
def test_every_map_covers_todays_regions_exactly_once(day):
    today = {r.kato for r in current_regions(D(2026, 1, 1))}
    covered = [kato for region in current_regions(day) for kato in todays_regions(region.kato, day)]
    assert sorted(covered) == sorted(today)


def test_every_split_names_regions_of_the_map_before_and_after_it():
    for split in SPLITS:
        assert split.kato in {r.kato for r in current_regions(split.on - dt.timedelta(days=1))}
        assert set(split.into) <= {r.kato for r in current_regions(split.on)}
