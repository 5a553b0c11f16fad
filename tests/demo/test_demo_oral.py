"""The demo's oral reports and late letter, read back from what the services recorded."""

import datetime as dt

from adal.cases.clocks import Clock
from adal.cases.models import CaseEvent
from adal.core.workdays import calendar, local_zone
from adal.demo.oral import PHONE_CORRECTION, PHONE_TRANSCRIPT, build_oral_reports
from adal.hotline.models import Report
from tests.cases.conftest import org  # noqa: F401 - the fixture


def local_day(moment):
    return moment.astimezone(local_zone()).date()


def test_a_corrected_and_confirmed_call_a_confirmed_visit_and_a_letter_registered_three_days_late(org):  # noqa: F811
    staff = {
        "operator": org["operator"],
        "heads": {org["aktobe"].pk: org["head"]},
        "officers": {org["aktobe"].pk: org["officer"]},
        "admin": org["centre_head"],
    }
    receipts = build_oral_reports(staff=staff)
    assert [r.channel for r in receipts] == ["phone", "in_person", "letter"]
    phone, visit, letter = (Report.objects.get(registration_number=r.registration_number) for r in receipts)

    transcript = phone.transcript
    (correction,) = transcript.corrections.all()
    assert transcript.text == PHONE_TRANSCRIPT and correction.text == PHONE_CORRECTION
    assert transcript.written_at < correction.submitted_at < transcript.confirmed_at
    assert phone.case.assignee == org["officer"]
    kinds = list(CaseEvent.objects.filter(case=phone.case).values_list("kind", flat=True))
    assert kinds.index("transcript_corrected") < kinds.index("transcript_confirmed")

    assert visit.transcript.kind == "minutes" and visit.transcript.confirmed_at
    assert not visit.transcript.corrections.exists()

    assert local_day(letter.registered_at) - local_day(letter.received_at) == dt.timedelta(days=3)
    case = letter.case
    assert case.registered_at == letter.received_at
    assert case.triage_due_at == Clock.of(case.policy, calendar()).triage_due(letter.received_at)
