"""The measure tree from the database: every node's progress rolls up by its own method through any
depth, cancelled measures leave the roll-up, and status and rating are computed as of a day."""

import datetime as dt
from decimal import Decimal

import pytest

from adal.core.permissions import SYSTEM
from adal.roadmap.models import Programme, Rollup
from adal.roadmap.selectors import programme_view
from adal.roadmap.services import (
    RoadmapRefused,
    measure_cancel,
    measure_save,
    programme_save,
    progress_confirm,
    progress_report,
)
from tests.roadmap.conftest import add_measure

ON = dt.date(2024, 1, 1)


def done(measure, percent, as_of=dt.date(2023, 12, 1)):
    report = progress_report(measure=measure, percent=percent, text="Отчёт", as_of=as_of, by=SYSTEM)
    progress_confirm(report=report, by=SYSTEM)


def nodes(programme, on=ON):
    return {n.measure.code: n for n in programme_view(programme, on).walk()}


def test_a_tree_four_levels_deep_rolls_up_by_each_nodes_method(programme, stage):
    top = add_measure(programme, stage, "1", rollup=Rollup.WEIGHTED_MEAN)
    mid = add_measure(programme, stage, "1.1", parent=top, rollup=Rollup.SHARE_DONE, weight=Decimal(3))
    add_measure(programme, stage, "1.2", parent=top, weight=Decimal(1))
    low_a = add_measure(programme, stage, "1.1.1", parent=mid, rollup=Rollup.MINIMUM)
    low_b = add_measure(programme, stage, "1.1.2", parent=mid, rollup=Rollup.MINIMUM)
    leaves = {
        "1.1.1.1": add_measure(programme, stage, "1.1.1.1", parent=low_a),
        "1.1.1.2": add_measure(programme, stage, "1.1.1.2", parent=low_a),
        "1.1.2.1": add_measure(programme, stage, "1.1.2.1", parent=low_b),
    }
    done(leaves["1.1.1.1"], 100)
    done(leaves["1.1.1.2"], 60)
    done(leaves["1.1.2.1"], 100)
    done(programme.measures.get(code="1.2"), 100)
    found = nodes(programme)
    assert found["1.1.1"].progress == 60  # minimum
    assert found["1.1.2"].progress == 100
    assert found["1.1"].progress == 50  # share done
    assert found["1"].progress == 62.5  # (3 × 50 + 1 × 100) / 4
    assert found["1.1.1.1"].depth == 3


def test_children_weighing_nothing_count_alike(programme, stage):
    top = add_measure(programme, stage, "1")
    a = add_measure(programme, stage, "1.1", parent=top, weight=Decimal(0))
    add_measure(programme, stage, "1.2", parent=top, weight=Decimal(0))
    done(a, 80)
    assert nodes(programme)["1"].progress == 40


def test_a_cancelled_measure_leaves_its_parents_roll_up(programme, stage):
    top = add_measure(programme, stage, "1", rollup=Rollup.MINIMUM)
    a = add_measure(programme, stage, "1.1", parent=top)
    dropped = add_measure(programme, stage, "1.2", parent=top)
    done(a, 100)
    assert nodes(programme)["1"].progress == 0
    measure_cancel(measure=dropped, by=SYSTEM)
    found = nodes(programme)
    assert found["1"].progress == 100
    assert (found["1.2"].status, found["1.2"].rag) == ("cancelled", None)


def test_status_and_rating_are_computed_as_of_the_day(programme, stage):
    late = add_measure(programme, stage, "late", deadline=dt.date(2023, 6, 30))
    on_track = add_measure(
        programme, stage, "on-track", starts_on=dt.date(2023, 1, 1), deadline=dt.date(2024, 12, 31)
    )
    done(late, 70)
    done(on_track, 45)
    found = nodes(programme)
    assert (found["late"].status, found["late"].rag) == ("overdue", "red")
    assert (found["on-track"].status, found["on-track"].rag) == ("in_progress", "green")
    assert nodes(programme, dt.date(2024, 9, 1))["on-track"].rag == "red"  # expected 83, 38 behind


def test_the_stage_progress_is_the_mean_of_its_top_measures(programme, stage):
    done(add_measure(programme, stage, "a"), 100)
    add_measure(programme, stage, "b")
    assert programme_view(programme, ON).stages[0].progress == 50


def test_a_deadline_in_working_days_falls_on_a_working_day(stage):
    programme = stage.programme
    programme.working_days = True
    programme_save(programme=programme, by=SYSTEM)
    measure = add_measure(
        programme, stage, "wd", starts_on=dt.date(2024, 3, 15), deadline=dt.date(2024, 3, 15), deadline_days=5
    )
    # Counting from Friday the 15th: the 18th-20th, then Nauryz and a weekend (the 21st-25th), so the
    # fifth working day is Wednesday the 27th.
    assert measure.deadline == dt.date(2024, 3, 27)


def test_working_days_are_refused_where_the_programme_counts_dates(programme, stage):
    with pytest.raises(RoadmapRefused):
        add_measure(programme, stage, "wd", deadline_days=5)


def test_a_measure_cannot_sit_under_itself_or_in_another_stage(programme, stage):
    from adal.roadmap.models import Stage
    from adal.roadmap.services import stage_save

    top = add_measure(programme, stage, "1")
    child = add_measure(programme, stage, "1.1", parent=top)
    top.parent = child
    with pytest.raises(RoadmapRefused):
        measure_save(measure=top, by=SYSTEM)
    other = stage_save(
        stage=Stage(programme=programme, code="s1", title_ru="Первый", starts_on=ON, ends_on=ON), by=SYSTEM
    )
    with pytest.raises(RoadmapRefused):
        add_measure(programme, other, "x", parent=top)


def test_codes_are_unique_within_a_programme(programme, stage):
    add_measure(programme, stage, "1")
    with pytest.raises(RoadmapRefused):
        add_measure(programme, stage, "1")
    assert Programme.objects.count() == 1
