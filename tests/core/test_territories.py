import datetime as dt

from adal.core.territories import DISTRICTS, REGIONS, by_kato, current_regions, districts_of

ALL = (*REGIONS, *DISTRICTS)


def test_twenty_regions_today():
    today = current_regions()
    assert len(today) == 20
    assert sum(r.kind == "region" for r in today) == 17
    assert {r.kato for r in today if r.kind == "city"} == {"710000000", "750000000", "790000000"}
    assert "510000000" not in {r.kato for r in today}


def test_seventeen_regions_on_2019_07_01():
    regions = current_regions(dt.date(2019, 7, 1))
    assert len(regions) == 17
    assert sum(r.kind == "region" for r in regions) == 14
    cities = {r.name_en: r for r in regions if r.kind == "city"}
    assert set(cities) == {"Astana", "Almaty", "Shymkent"}
    assert "Nur-Sultan" in cities["Astana"].former_names  # the capital's name in 2019
    katos = {r.kato for r in regions}
    assert "610000000" in katos  # Turkistan region
    assert katos.isdisjoint({"100000000", "330000000", "620000000", "510000000"})


def test_map_before_2018_had_south_kazakhstan():
    katos = {r.kato for r in current_regions(dt.date(2018, 6, 18))}
    assert len(katos) == 16
    assert "510000000" in katos
    assert katos.isdisjoint({"610000000", "790000000"})
    # the reform day itself already belongs to the new map
    assert len(current_regions(dt.date(2018, 6, 19))) == 17
    assert len(current_regions(dt.date(2022, 6, 7))) == 17
    assert len(current_regions(dt.date(2022, 6, 8))) == 20


def test_codes_are_nine_digits_and_unique():
    codes = [r.kato for r in ALL]
    assert all(len(c) == 9 and c.isdigit() for c in codes)
    assert len(codes) == len(set(codes))
    assert all(r.kato.endswith("0000000") for r in REGIONS)
    assert len(by_kato()) == len(codes)


def test_every_district_has_an_existing_parent_sharing_its_prefix():
    index = by_kato()
    for district in DISTRICTS:
        assert district.kind == "district"
        parent = index[district.parent_kato]
        assert parent.kind in ("region", "city")
        assert district.kato[:2] == parent.kato[:2], district
        assert district in districts_of(parent.kato)


def test_requested_regions_have_districts():
    for kato in (
        "710000000",
        "750000000",
        "790000000",
        "150000000",
        "630000000",
        "430000000",
        "350000000",
        "610000000",
    ):
        assert len(districts_of(kato)) >= 3, kato
    assert len(districts_of("750000000")) == 8


def test_all_three_names_present():
    for r in ALL:
        assert r.name_ru.strip() and r.name_kk.strip() and r.name_en.strip(), r.kato


def test_by_kato_returns_a_copy():
    index = by_kato()
    index.clear()
    assert by_kato()["110000000"].name_kk == "Ақмола облысы"
