import datetime as dt

from django.utils import timezone

from adal.cases.models import Measure
from adal.core.audit import audit_verify
from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.discipline.models import PositionLevel, Status
from adal.discipline.selectors import discipline_statistics
from adal.discipline.services import (
    member_update,
    proceeding_appeal,
    proceeding_appeal_decide,
    proceeding_decide,
    proceeding_open,
)
from adal.hotline.services import report_submit
from tests.discipline.conftest import ABAI, AKTOBE, EAST_KZ, territory

H2_2019 = {"date_from": dt.date(2019, 7, 1), "date_to": dt.date(2019, 12, 31)}


def actions(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type=target._meta.label, target_id=str(target.pk)).values_list(
            "action", flat=True
        )
    )


def test_a_proceeding_goes_from_opening_to_an_upheld_sanction(head, new_member):
    member = new_member(name="Deputy akim of Aktobe region", region=AKTOBE)
    p = proceeding_open(
        member=member,
        grounds="agency_finding",
        grounds_details="Anti-Corruption Agency, finding of 2 August 2019",
        deciding_body="Bureau of the Aktobe regional political council",
        opened_on=dt.date(2019, 8, 5),
        by=head,
    )
    assert (p.status, p.sanction, p.region.kato, p.position_level) == ("open", "", AKTOBE, "regional")

    p = proceeding_decide(proceeding=p, sanction="expulsion", decided_on=dt.date(2019, 9, 10), by=head)
    assert (p.status, p.sanction, p.decided_on) == ("decided", "expulsion", dt.date(2019, 9, 10))

    p = proceeding_appeal(proceeding=p, filed_on=dt.date(2019, 9, 20), by=head)
    assert (p.status, p.appeal_filed_on) == ("appealed", dt.date(2019, 9, 20))
    assert discipline_statistics(**H2_2019)["expelled"] == 1, "the sanction stands while the appeal is heard"

    p = proceeding_appeal_decide(proceeding=p, outcome="upheld", decided_on=dt.date(2019, 10, 1), by=head)
    assert (p.status, p.appeal_decided_on) == ("upheld", dt.date(2019, 10, 1))
    assert discipline_statistics(**H2_2019)["expelled"] == 1

    assert actions(p) == [
        "discipline.proceeding_opened",
        "discipline.proceeding_decided",
        "discipline.proceeding_appealed",
        "discipline.proceeding_upheld",
    ]
    assert actions(member) == ["discipline.member_created"]
    assert AuditEvent.objects.filter(action="discipline.proceeding_decided").get().actor == head
    assert audit_verify().ok


def test_a_reversed_sanction_no_longer_counts(head, decided, new_member):
    p = decided(new_member(), "expulsion", dt.date(2019, 9, 30))
    assert discipline_statistics(**H2_2019)["held_responsible"] == 1
    p = proceeding_appeal(proceeding=p, filed_on=dt.date(2019, 10, 2), by=head)
    p = proceeding_appeal_decide(
        proceeding=p,
        outcome="reversed",
        decided_on=dt.date(2019, 12, 10),
        reversal_reason="  The verdict was quashed by the court of appeal.  ",
        by=head,
    )
    assert p.status == Status.REVERSED
    assert p.reversal_reason == "The verdict was quashed by the court of appeal."
    assert p.sanction == "expulsion", "the decision stays on record"
    stats = discipline_statistics(**H2_2019)
    assert (stats["held_responsible"], stats["expelled"]) == (0, 0)
    assert actions(p)[-1] == "discipline.proceeding_reversed"


def test_a_member_reinstated_on_appeal_can_face_a_new_proceeding(head, decided, new_member, new_proceeding):
    member = new_member()
    p = decided(member, "expulsion", dt.date(2019, 9, 30))
    p = proceeding_appeal(proceeding=p, filed_on=dt.date(2019, 10, 2), by=SYSTEM)
    proceeding_appeal_decide(
        proceeding=p, outcome="reversed", decided_on=dt.date(2019, 11, 1), reversal_reason="x", by=SYSTEM
    )
    assert new_proceeding(member=member, opened_on=dt.date(2020, 2, 3)).status == "open"


def test_a_proceeding_keeps_the_region_and_post_of_its_time(decided, new_member):
    """A district akim of East Kazakhstan sanctioned in 2019 whose district went to Abai region in 2022
    and who has changed post since: the 2019 figures still show East Kazakhstan and a district post."""
    member = new_member(region=EAST_KZ, level=PositionLevel.DISTRICT, position="akim of Urdzhar district")
    p = decided(member, "reprimand", dt.date(2019, 11, 5))
    member_update(
        member=member, region=territory(ABAI), position="adviser", position_level="other", by=SYSTEM
    )

    p.refresh_from_db()
    assert (p.region.kato, p.position, p.position_level) == (EAST_KZ, "akim of Urdzhar district", "district")
    stats = discipline_statistics(**H2_2019)
    assert [r["kato"] for r in stats["by_region"]] == [EAST_KZ]
    assert {r["position_level"]: r["count"] for r in stats["by_position_level"]}["district"] == 1
    assert actions(member) == ["discipline.member_created", "discipline.member_updated"]


def test_a_record_entered_late_takes_the_region_of_its_time(new_member):
    """Today's member of Abai region was, in 2019, in East Kazakhstan: the caller says so."""
    member = new_member(region=ABAI)
    p = proceeding_open(
        member=member,
        grounds="court_verdict",
        grounds_details="Verdict of the Semey city court",
        deciding_body="Bureau of the East Kazakhstan regional political council",
        opened_on=dt.date(2019, 9, 2),
        region=territory(EAST_KZ),
        by=SYSTEM,
    )
    assert p.region.kato == EAST_KZ


def test_the_region_can_be_corrected_when_the_proceeding_is_decided(new_proceeding, new_member):
    p = new_proceeding(member=new_member(region=EAST_KZ), opened_on=dt.date(2022, 5, 4))
    p = proceeding_decide(
        proceeding=p, sanction="warning", decided_on=dt.date(2022, 7, 1), region=territory(ABAI), by=SYSTEM
    )
    assert p.region.kato == ABAI


def test_a_proceeding_links_to_the_hotline_case_and_its_disciplinary_measure(draft, new_member):
    case = report_submit(draft=draft(), received_at=timezone.now()).report.case
    measure = Measure.objects.create(case=case, kind="disciplinary", created_at=timezone.now())
    p = proceeding_open(
        member=new_member(),
        grounds="hotline_case",
        measure=measure,
        deciding_body="Disciplinary commission",
        opened_on=timezone.localdate(),
        by=SYSTEM,
    )
    assert (p.case, p.measure) == (case, measure), "the case is taken from the measure"
    assert list(measure.proceedings.all()) == [p]
