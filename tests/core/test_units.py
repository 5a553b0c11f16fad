from adal.core.models import Unit
from adal.core.permissions import SYSTEM
from adal.core.selectors import units_in_scope
from adal.core.services import unit_create


def test_a_units_scope_is_itself_and_everything_below(units):
    district = unit_create(
        name_ru="Район",
        name_kk="Аудан",
        name_en="District",
        level=Unit.Level.DISTRICT,
        parent=units["aktobe"],
        by=SYSTEM,
    )
    assert set(units_in_scope(units["centre"])) == {
        units["centre"],
        units["aktobe"],
        units["almaty"],
        district,
    }
    assert set(units_in_scope(units["aktobe"])) == {units["aktobe"], district}
    assert set(units_in_scope(district)) == {district}


def test_sibling_paths_do_not_leak_by_prefix(units):
    # Units 1/2/ and 1/23/ must not match each other's prefix.
    for i in range(12):
        unit_create(
            name_ru=f"U{i}",
            name_kk=f"U{i}",
            name_en=f"U{i}",
            level=Unit.Level.REGION,
            parent=units["centre"],
            by=SYSTEM,
        )
    for unit in Unit.objects.filter(level=Unit.Level.REGION):
        assert list(units_in_scope(unit)) == [unit]


def test_territories_are_loaded_with_three_names(db):
    from adal.core.models import Territory

    astana = Territory.objects.get(kato="710000000")
    assert astana.name_ru and astana.name_kk and astana.name_en
    assert Territory.objects.filter(kind__in=["region", "city"], valid_to__isnull=True).count() == 20
