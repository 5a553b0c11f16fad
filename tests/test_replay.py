"""The shared fixtures' replay (tests/replay.py) writes exactly the rows their building wrote."""

import itertools

from django.conf import settings
from django.db import transaction

from adal.core.models import Unit
from adal.core.permissions import SYSTEM
from adal.core.services import unit_create
from tests.replay import counts, replayed, snapshot

_names = itertools.count()


def twice(name, build):
    """Build (or write again) in a savepoint rolled back, twice: what each left, and each result."""
    states, results = [], []
    for _ in range(2):
        with transaction.atomic():
            results.append(replayed(name, build))
            states.append(snapshot())
            transaction.set_rollback(True)
    return states, results


def test_a_replayed_building_leaves_the_rows_the_building_left(db):
    name = f"test.region.{next(_names)}"
    centre = unit_create(
        name_ru="Центр", name_kk="Орталық", name_en="Centre", level=Unit.Level.CENTRE, by=SYSTEM
    )

    def build():  # inserts a unit and an audit entry, and moves the audit chain's head on
        return unit_create(
            name_ru="Актобе",
            name_kk="Ақтөбе",
            name_en="Aktobe",
            level=Unit.Level.REGION,
            parent=centre,
            by=SYSTEM,
        )

    states, results = twice(name, build)
    assert counts[name, "built"] == 1 and counts[name, "written again"] == 1
    assert states[0] == states[1]  # every table, every column, byte for byte: the audit chain too
    assert results[0].pk == results[1].pk and results[0] is not results[1]


def test_a_building_that_writes_files_is_built_each_time(db):
    name = f"test.file.{next(_names)}"

    def build():
        (settings.MEDIA_ROOT / f"{next(_names)}.txt").write_text("not a row")
        return unit_create(
            name_ru="Центр", name_kk="Орталық", name_en="Centre", level=Unit.Level.CENTRE, by=SYSTEM
        )

    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    twice(name, build)
    assert counts[name, "built"] == 1 and counts[name, "not replayable"] == 1
