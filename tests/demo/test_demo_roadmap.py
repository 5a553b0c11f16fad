"""The demo's road map, read back through the selectors: two stages, the seed's stage-2 measures in a
tree, reports confirmed and one awaiting its second signature, overdue measures, and live indicators."""

import pytest
from django.db import transaction

from adal.demo.ratings import build_ratings
from adal.demo.roadmap import build_roadmap
from adal.demo.scenario import build_units
from adal.roadmap.models import ProgressReport
from adal.roadmap.selectors import indicators_of, programme_view


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_ratings()
        yield build_roadmap(build_units())
        transaction.set_rollback(True)


def test_two_stages_with_the_seeds_measures_in_a_tree(demo, db):
    view = programme_view(demo)
    assert [s.stage.code for s in view.stages] == ["stage-1", "stage-2"]
    assert view.stages[0].stage.ends_on.isoformat() == "2020-03-31"
    titles = {n.measure.title_en for n in view.walk()}
    assert {
        "Bill on strengthening public control",
        "Bill on widening the powers of local self-government",
        "Wider range of subjects of corruption offences in the quasi-public sector",
        "Rules for civil servants' creative and other paid work",
        "Better positions of Kazakhstan in international ratings",
    } <= titles
    assert max(n.depth for n in view.walk()) >= 1
    assert all(n.measure.responsible for n in view.walk())


def test_stage_one_is_done_and_some_measures_are_overdue(demo, db):
    view = programme_view(demo)
    assert view.stages[0].progress == 100
    statuses = {n.measure.code: n.status for n in view.walk()}
    assert statuses["2.2"] == "overdue" and statuses["2.5.2"] == "cancelled"
    assert ProgressReport.objects.filter(confirmation__isnull=True).count() == 1


def test_the_cpi_indicators_are_live(demo, db):
    found = {v.indicator.code: v for v in indicators_of(demo)}
    rank = {y.year: y for y in found["cpi-rank"].years}
    assert rank[2019].computed and rank[2019].actual == 113
    assert rank[2025].target == 50
    assert not any(y.computed for y in found["laws-adopted"].years)
