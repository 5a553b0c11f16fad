"""Progress reports: a responsible officer reports, a second person of the unit confirms, and only then
does the report count; nobody confirms their own report, and a unit reaches only its own measures."""

import datetime as dt

import pytest

from adal.core.models import AuditEvent
from adal.core.permissions import NotAllowed
from adal.roadmap.models import Confirmation, ProgressReport
from adal.roadmap.selectors import awaiting_confirmation, measures_for_reporter, programme_view
from adal.roadmap.services import RoadmapRefused, progress_confirm, progress_report
from tests.roadmap.conftest import add_measure

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def measures(programme, stage, units):
    law = add_measure(programme, stage, "law", unit=units["aktobe"])
    return {
        "law": law,
        "draft": add_measure(programme, stage, "law.draft", parent=law, unit=units["aktobe"]),
        "hearing": add_measure(programme, stage, "law.hearing", parent=law, unit=units["aktobe"]),
        "almaty": add_measure(programme, stage, "almaty", unit=units["almaty"]),
        "state": add_measure(programme, stage, "state", responsible_body_ru="Министерство юстиции"),
    }


def progress_of(programme, measure):
    view = programme_view(programme)
    return next(n for n in view.walk() if n.measure.pk == measure.pk).progress


def test_a_report_counts_only_once_a_second_person_confirms_it(programme, measures, people):
    report = progress_report(
        measure=measures["draft"], percent=60, text="Проект внесён", by=people["officer"]
    )
    assert progress_of(programme, measures["draft"]) == 0
    assert progress_of(programme, measures["law"]) == 0
    progress_confirm(report=report, by=people["second"])
    assert progress_of(programme, measures["draft"]) == 60
    assert progress_of(programme, measures["law"]) == 30  # weighted mean with the hearing at 0


def test_the_reporter_cannot_confirm_their_own_report(measures, people):
    report = progress_report(
        measure=measures["draft"], percent=60, text="Проект внесён", by=people["officer"]
    )
    with pytest.raises(RoadmapRefused):
        progress_confirm(report=report, by=people["officer"])
    assert not Confirmation.objects.exists()


def test_the_unit_head_may_give_the_second_signature(measures, people):
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    progress_confirm(report=report, by=people["head"])
    assert report.confirmation.confirmed_by == people["head"]


def test_a_report_is_confirmed_once(measures, people):
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    progress_confirm(report=report, by=people["head"])
    with pytest.raises(RoadmapRefused):
        progress_confirm(report=report, by=people["second"])


def test_another_unit_may_neither_report_nor_confirm(measures, people):
    with pytest.raises(NotAllowed):
        progress_report(measure=measures["draft"], percent=10, text="Чужая мера", by=people["almaty"])
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    with pytest.raises(NotAllowed):
        progress_confirm(report=report, by=people["almaty"])


def test_a_role_without_the_capability_may_not_report(measures, people):
    with pytest.raises(NotAllowed):
        progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["operator"])


def test_a_unit_above_reaches_the_measures_below_it(measures, people, units):
    from tests.conftest import make_staff

    centre_head = make_staff("centre-head", "unit_head", units["centre"])[0]
    report = progress_report(measure=measures["almaty"], percent=5, text="Начато", by=centre_head)
    progress_confirm(report=report, by=people["analyst"])


def test_a_state_bodys_measure_is_reported_by_the_road_map_managers(measures, people):
    with pytest.raises(NotAllowed):
        progress_report(measure=measures["state"], percent=5, text="Начато", by=people["officer"])
    progress_report(measure=measures["state"], percent=5, text="Начато", by=people["analyst"])


def test_each_unit_sees_only_its_own_measures_to_report(measures, people):
    assert {m.code for m in measures_for_reporter(people["officer"])} == {"law.draft", "law.hearing"}
    assert {m.code for m in measures_for_reporter(people["almaty"])} == {"almaty"}
    assert measures_for_reporter(people["operator"]) == []
    assert {m.code for m in measures_for_reporter(people["analyst"])} == {
        "law.draft",
        "law.hearing",
        "almaty",
        "state",
    }


def test_the_confirmation_queue_holds_what_the_user_may_sign(measures, people):
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    assert awaiting_confirmation(people["second"]) == [report]
    assert awaiting_confirmation(people["officer"]) == []  # their own
    assert awaiting_confirmation(people["almaty"]) == []  # another unit's


def test_a_parent_takes_its_progress_from_its_parts(measures, people):
    with pytest.raises(RoadmapRefused):
        progress_report(measure=measures["law"], percent=50, text="Половина", by=people["officer"])


@pytest.mark.parametrize("percent", [-1, 100.1, "много"])
def test_progress_is_a_percentage(measures, people, percent):
    with pytest.raises(RoadmapRefused):
        progress_report(measure=measures["draft"], percent=percent, text="Начато", by=people["officer"])
    assert not ProgressReport.objects.exists()


def test_a_report_cannot_speak_of_a_day_to_come(measures, people):
    with pytest.raises(RoadmapRefused):
        progress_report(
            measure=measures["draft"],
            percent=5,
            text="Будет",
            as_of=dt.date.today() + dt.timedelta(days=3),
            by=people["officer"],
        )


def test_reports_and_confirmations_are_append_only(measures, people):
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    confirmation = progress_confirm(report=report, by=people["second"])
    report.percent = 90
    for row in (report, confirmation):
        with pytest.raises(PermissionError):
            row.save()
        with pytest.raises(PermissionError):
            row.delete()


def test_the_latest_confirmed_report_by_its_day_counts(programme, measures, people):
    later = progress_report(
        measure=measures["draft"],
        percent=70,
        text="Второе чтение",
        as_of=dt.date(2024, 5, 1),
        by=people["officer"],
    )
    earlier = progress_report(
        measure=measures["draft"],
        percent=40,
        text="Первое чтение",
        as_of=dt.date(2024, 3, 1),
        by=people["officer"],
    )
    progress_confirm(report=later, by=people["second"])
    progress_confirm(report=earlier, by=people["second"])  # confirmed last, but speaks of an earlier day
    assert progress_of(programme, measures["draft"]) == 70


def test_every_report_and_confirmation_is_audited(measures, people):
    report = progress_report(measure=measures["draft"], percent=10, text="Начато", by=people["officer"])
    progress_confirm(report=report, by=people["second"])
    actions = list(
        AuditEvent.objects.filter(target_type="roadmap.ProgressReport", target_id=str(report.pk)).values_list(
            "action", "actor_label"
        )
    )
    assert actions == [
        ("roadmap.progress_reported", "officer"),
        ("roadmap.progress_confirmed", "second"),
    ]


def test_evidence_is_kept_with_the_report(measures, people):
    report = progress_report(
        measure=measures["draft"], percent=10, text="Начато", files=[("act.pdf", PDF)], by=people["officer"]
    )
    (evidence,) = report.evidence.all()
    assert (evidence.file_name, evidence.content_type, evidence.size) == (
        "act.pdf",
        "application/pdf",
        len(PDF),
    )


def test_evidence_of_another_kind_is_refused_and_nothing_is_kept(measures, people):
    with pytest.raises(RoadmapRefused):
        progress_report(
            measure=measures["draft"],
            percent=10,
            text="Начато",
            files=[("x.exe", b"MZ...")],
            by=people["officer"],
        )
    assert not ProgressReport.objects.exists()


def test_the_workspace_counts_the_reports_waiting_for_my_second_signature(programme, stage, people):
    from django.utils import translation

    from adal.core import workload
    from adal.roadmap.services import progress_report
    from tests.roadmap.conftest import add_measure

    measure = add_measure(programme, stage, "m-1", unit=people["officer"].unit)
    progress_report(measure=measure, percent=40, text="Законопроект внесён.", by=people["officer"])
    with translation.override("en"):
        mine = {n.label: n.count for n in workload.needs_of(people["officer"])}
        heads = {n.label: n.count for n in workload.needs_of(people["head"])}
    assert "Road map reports to confirm" not in mine  # nobody confirms their own report
    assert heads["Road map reports to confirm"] == 1
