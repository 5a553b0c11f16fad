"""Retaliation against a reporter: reported from the inbox, it becomes a protection case one level up
on its own short clock, flagged on the original; every triage assesses the risk of retaliation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.forms import DecideForm
from adal.cases.models import Case, CaseEvent, Measure, RiskAssessment, State
from adal.cases.selectors import Period, QueueFilters, case_counts_by, queue_page
from adal.cases.services import (
    PROTECTION_OPEN_MAX,
    Risk,
    TransitionRefused,
    case_accept,
    case_answer,
    case_assign,
    case_decide,
    case_leave,
    case_merge,
    case_redirect,
    case_review_start,
    case_triage_start,
)
from adal.core.workdays import local_zone
from adal.hotline.forms import ReportForm
from adal.hotline.identity import identity_open
from adal.hotline.models import Attachment, Report
from adal.hotline.services import (
    RetaliationDraft,
    UploadedFile,
    report_submit,
    retaliation_report_submit,
)
from tests.cases.conftest import LOW_RISK
from tests.cases.test_workspace import sign_in

HIGH = Risk("high", "Заявитель в подчинении у директора, которого называет; уже были угрозы.")
DISMISSED = "Через неделю после сообщения директор уволил меня по «сокращению», хотя должность осталась."


@pytest.fixture
def reported(draft):
    """A report and its receipt, as its reporter holds them."""

    def make(received_at=None, **overrides):
        submitted = report_submit(draft=draft(**overrides), received_at=received_at or timezone.now())
        return submitted.report, submitted.receipt

    return make


def accept(org, case, risk=LOW_RISK):
    return case_accept(case=case_triage_start(case=case, by=org["operator"]), by=org["operator"], risk=risk)


def retaliation(report, receipt, *, received_at=None, files=(), **overrides):
    values = dict(kind="dismissal", occurred_on=dt.date(2026, 2, 10), description=DISMISSED, language="ru")
    values.update(overrides)
    received_at = received_at or timezone.now()
    if values["occurred_on"] and values["occurred_on"] > received_at.date():
        values["occurred_on"] = received_at.date()
    return retaliation_report_submit(
        report=report,
        receipt=receipt,
        draft=RetaliationDraft(**values),
        files=list(files),
        received_at=received_at,
    ).case


# ---------------------------------------------------------------- the protection case


def test_retaliation_opens_a_protection_case_one_level_up_linked_to_the_original(
    org, reported, mailoutbox, django_capture_on_commit_callbacks
):
    report, receipt = reported(category="bribery", identity_mode="confidential", **_named())
    original = accept(org, report.case)
    assert original.unit == org["aktobe"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        protection = retaliation(report, receipt)
    assert protection.protects == original
    assert (protection.unit, protection.category, protection.policy.code) == (
        org["centre"],
        "retaliation",
        "protection",
    )
    assert protection.state == State.REGISTERED
    assert protection.report.identity_mode == "confidential"
    # the same person, in an envelope of its own (its own data key: shredding one leaves the other)
    assert identity_open(protection.report) == identity_open(report) is not None
    assert protection.report.receipt_hash is None  # followed in the original's inbox
    assert protection.report.content["retaliation_kind"] == "dismissal"
    event = original.events.get(kind="protection_opened")
    assert event.data == {"case": protection.report.registration_number}
    assert [m.to for m in mailoutbox] == [["centre-head@adal.example"]]
    assert protection.report.registration_number in mailoutbox[0].subject


@pytest.mark.parametrize(
    ("where", "expected"),
    [("district", "aktobe"), ("centre", "centre"), ("reception", "centre")],
)
def test_the_protection_case_goes_to_the_unit_above_the_original(org, reported, where, expected):
    if where == "district":  # education in Aktobe goes to its district office
        report, receipt = reported(category="education")
        accept(org, report.case)
    elif where == "centre":  # Almaty's reports go to the centre, which has no unit above it
        report, receipt = reported(category="bribery", region="750000000")
        assert accept(org, report.case).unit == org["centre"]
    else:  # not yet routed: waiting at the central unit's reception
        report, receipt = reported()
    assert retaliation(report, receipt).unit == org[expected]


def test_triage_is_due_the_next_working_day_across_a_weekend(org, reported):
    friday = dt.datetime(2026, 2, 13, 16, 0, tzinfo=local_zone())
    report, receipt = reported(received_at=friday - dt.timedelta(days=10))
    protection = retaliation(report, receipt, received_at=friday)
    assert protection.triage_due_at == dt.datetime(2026, 2, 16, 23, 59, 59, tzinfo=local_zone())  # Monday
    assert protection.due_at == protection.triage_due_at
    # answered within 10 working days: two weeks, from Monday the 16th to Friday the 27th
    assert local_date(protection.answer_due_at) == dt.date(2026, 2, 27)


def test_triage_of_a_protection_case_keeps_it_above_the_original(org, reported):
    report, receipt = reported(category="education")
    accept(org, report.case)
    protection = retaliation(report, receipt)
    protection = accept(org, protection, risk=HIGH)
    assert (protection.state, protection.unit, protection.category) == (
        State.ACCEPTED,
        org["aktobe"],
        "retaliation",
    )


def test_an_ordinary_case_cannot_be_triaged_into_retaliation(org, new_case):
    case = case_triage_start(case=new_case(), by=org["operator"])
    with pytest.raises(TransitionRefused):
        case_accept(case=case, by=org["operator"], risk=LOW_RISK, category="retaliation")


# ---------------------------------------------------------------- refused, and nothing saved


def _counts():
    return Report.objects.count(), Case.objects.count(), Attachment.objects.count(), CaseEvent.objects.count()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "promotion"}, "kind"),
        ({"occurred_on": None}, "occurred_on"),
        ({"description": "Уволили."}, "description"),
    ],
)
def test_a_wrong_retaliation_report_is_refused_whole(org, reported, overrides, field):
    report, receipt = reported()
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        retaliation(report, receipt, **overrides)
    assert field in refused.value.message_dict
    assert _counts() == before


def test_a_date_in_the_future_is_refused(org, reported):
    report, receipt = reported()
    tomorrow = timezone.now().astimezone(local_zone()).date() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        retaliation_report_submit(
            report=report,
            receipt=receipt,
            draft=RetaliationDraft(kind="threats", occurred_on=tomorrow, description=DISMISSED),
        )
    assert "occurred_on" in refused.value.message_dict


def test_the_receipt_in_the_description_and_a_disguised_file_are_refused(org, reported):
    report, receipt = reported()
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        retaliation(
            report,
            receipt,
            description=f"{DISMISSED} Мой код {receipt}",
            files=[UploadedFile("order.pdf", b"MZ\x90\x00 not a pdf at all")],
        )
    assert set(refused.value.message_dict) == {"description", "files"}
    assert _counts() == before


def test_retaliation_reports_cannot_pile_up(org, reported):
    report, receipt = reported()
    for _ in range(PROTECTION_OPEN_MAX):
        retaliation(report, receipt)
    before = _counts()
    with pytest.raises(TransitionRefused):
        retaliation(report, receipt)
    assert _counts() == before


def test_the_public_form_and_the_service_do_not_take_retaliation_as_a_category(db, draft):
    assert "retaliation" not in dict(ReportForm().fields["category"].choices)
    with pytest.raises(ValidationError) as refused:
        report_submit(draft=draft(category="retaliation"))
    assert "category" in refused.value.message_dict


# ---------------------------------------------------------------- the inbox


def _named():
    return {"name": "Серик Ахметов", "iin": "850612350456", "phone": "+7 701 555 01 02"}


def test_the_reporter_reports_retaliation_and_follows_it_in_the_same_inbox(client, org, reported, pdf_bytes):
    report, receipt = reported(identity_mode="open", **_named())
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    page = client.get(reverse("hotline:inbox")).content.decode()
    assert 'data-testid="retaliation-form"' in page
    response = client.post(
        reverse("hotline:inbox_retaliation"),
        {"kind": "threats", "occurred_on": "2026-01-20", "description": DISMISSED},
    )
    protection = Case.objects.get(protects=report.case)
    number = protection.report.registration_number
    assert response.status_code == 302 and response["Location"].endswith(f"#protection-{number}")
    assert protection.report.identity_mode == "open"
    page = client.get(reverse("hotline:inbox")).content.decode()
    assert f'id="protection-{number}"' in page
    assert "1 working day" in page or "1 рабоч" in page
    response = client.post(
        reverse("hotline:inbox_protection_message", args=[number]),
        {"protection-body": "Приказ об увольнении прилагаю."},
    )
    assert response.status_code == 302
    assert protection.report.messages.get().body == "Приказ об увольнении прилагаю."
    assert protection.events.filter(kind="reporter_message").exists()


def test_the_inbox_shows_a_refused_retaliation_report_with_its_errors(client, org, reported):
    report, receipt = reported()
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    response = client.post(reverse("hotline:inbox_retaliation"), {"kind": "threats", "description": "x"})
    assert response.status_code == 400
    assert 'class="error' in response.content.decode() or "errorlist" in response.content.decode()
    assert not Case.objects.filter(protects=report.case).exists()


def test_an_inbox_reaches_only_its_own_protection_cases(client, org, reported):
    _mine, receipt = reported()
    other, other_receipt = reported()
    theirs = retaliation(other, other_receipt)
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    response = client.post(
        reverse("hotline:inbox_protection_message", args=[theirs.report.registration_number]),
        {"protection-body": "Чужое сообщение."},
    )
    assert response.status_code == 404
    assert not theirs.report.messages.exists()


# ---------------------------------------------------------------- the retaliation risk at triage

TRIAGE = {
    "accept": lambda org, c, risk: case_accept(case=c, by=org["operator"], risk=risk),
    "redirect": lambda org, c, risk: case_redirect(
        case=c, by=org["operator"], authority="Прокуратура", reason="Уголовный состав.", risk=risk
    ),
    "leave": lambda org, c, risk: case_leave(case=c, by=org["operator"], reason="Нет фактов.", risk=risk),
    "merge": lambda org, c, risk: case_merge(case=c, by=org["operator"], into=c._other, risk=risk),
}


def _triaged(org, new_case):
    case = case_triage_start(case=new_case(category="bribery"), by=org["operator"])
    case._other = new_case()
    return case


@pytest.mark.parametrize("action", TRIAGE)
@pytest.mark.parametrize(
    "risk", [None, Risk("", "Причина"), Risk("extreme", "Причина"), Risk("high", "  ")], ids=str
)
def test_every_triage_decision_needs_a_risk_with_its_reason(org, new_case, action, risk):
    case = _triaged(org, new_case)
    with pytest.raises(TransitionRefused):
        TRIAGE[action](org, case, risk)
    case.refresh_from_db()
    assert case.state == State.TRIAGE and not RiskAssessment.objects.exists()


@pytest.mark.parametrize("action", TRIAGE)
def test_every_triage_decision_records_the_risk(org, new_case, action):
    case = TRIAGE[action](org, _triaged(org, new_case), Risk("medium", "Заявитель назвал себя."))
    assert case.retaliation_risk == "medium"
    assessment = RiskAssessment.objects.get(case=case)
    assert (assessment.level, assessment.reason, assessment.assessed_by) == (
        "medium",
        "Заявитель назвал себя.",
        org["operator"],
    )
    event = case.events.get(kind=action)
    assert event.data["retaliation_risk"] == "medium"
    assert "Заявитель назвал себя." not in str(event.data)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reason FROM {RiskAssessment._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "Заявитель" not in str(stored)  # encrypted at rest


def test_a_high_risk_is_told_to_the_unit_head(org, new_case, mailoutbox, django_capture_on_commit_callbacks):
    case = case_triage_start(case=new_case(category="bribery"), by=org["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=case, by=org["operator"], risk=HIGH)
    risk_mail = [m for m in mailoutbox if "retaliation" in m.subject or "преследован" in m.subject.lower()]
    assert [m.to for m in risk_mail] == [["head@adal.example"]]


def test_a_high_risk_on_a_report_leaving_reception_is_told_to_the_centre(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = case_triage_start(case=new_case(), by=org["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        case_redirect(case=case, by=org["operator"], authority="АПК", reason="Уголовный состав.", risk=HIGH)
    assert ["centre-head@adal.example"] in [m.to for m in mailoutbox]


def test_a_low_risk_tells_nobody_new(org, new_case, mailoutbox, django_capture_on_commit_callbacks):
    case = case_triage_start(case=new_case(category="bribery"), by=org["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=case, by=org["operator"], risk=LOW_RISK)
    assert len(mailoutbox) == 1  # the unit's "arrived" news only


def test_the_triage_form_asks_for_the_risk(client, org, new_case):
    case = case_triage_start(case=new_case(category="bribery"), by=org["operator"])
    sign_in(client, org["operator"])
    url = reverse("cases:action", args=[case.pk, "accept"])
    response = client.post(url, {"accept-category": "bribery", "accept-region": "150000000"})
    assert response.status_code == 400
    assert 'name="accept-retaliation_risk"' in response.content.decode()
    response = client.post(
        url,
        {
            "accept-category": "bribery",
            "accept-region": "150000000",
            "accept-retaliation_risk": "high",
            "accept-risk_reason": HIGH.reason,
        },
    )
    assert response.status_code == 302
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="retaliation-risk" data-level="high"' in page
    assert HIGH.reason in page
    assert 'data-testid="event-risk"' in page


def test_the_queue_marks_and_filters_high_risk(client, org, new_case):
    low = accept(org, new_case(category="bribery"))
    high = accept(org, new_case(category="bribery"), risk=HIGH)
    page = queue_page(org["head"], QueueFilters(high_risk=True))
    assert [r.pk for r in page.cases] == [high.pk]
    assert {r.pk: r.retaliation_risk for r in queue_page(org["head"], QueueFilters()).cases} == {
        low.pk: "low",
        high.pk: "high",
    }
    sign_in(client, org["head"])
    html = client.get(reverse("cases:queue"), {"high_risk": "on"}).content.decode()
    assert high.report.registration_number in html and low.report.registration_number not in html


# ---------------------------------------------------------------- the flag, and who sees what


def test_the_original_is_flagged_and_only_those_in_scope_see_the_protection_case(client, org, reported):
    report, receipt = reported(category="bribery")
    original = accept(org, report.case)
    protection = retaliation(report, receipt)
    number = protection.report.registration_number

    # Aktobe handles the original: it sees the flag, not the protection case (it may be whom it is about).
    row = next(r for r in queue_page(org["officer"], QueueFilters()).cases if r.pk == original.pk)
    assert (row.protections, row.protected_elsewhere) == ((), True)
    assert protection.pk not in [r.pk for r in queue_page(org["head"], QueueFilters(state="all")).cases]
    sign_in(client, org["head"])
    assert client.get(reverse("cases:case", args=[protection.pk])).status_code == 404
    page = client.get(reverse("cases:case", args=[original.pk])).content.decode()
    assert 'data-testid="protection-cases"' in page and number not in page
    assert 'data-kind="protection_opened"' in page

    # The centre, above it, sees both, named, each from the other.
    row = next(r for r in queue_page(org["centre_head"], QueueFilters()).cases if r.pk == original.pk)
    assert row.protections == ((protection.pk, number, str(State.REGISTERED.label)),)
    sign_in(client, org["centre_head"])
    page = client.get(reverse("cases:case", args=[original.pk])).content.decode()
    assert number in page
    queue = client.get(reverse("cases:queue")).content.decode()
    assert f'<a href="{reverse("cases:case", args=[protection.pk])}">{number}</a> (' in queue
    page = client.get(reverse("cases:case", args=[protection.pk])).content.decode()
    assert 'data-testid="protects"' in page and report.registration_number in page


# ---------------------------------------------------------------- decisions and statistics


def _protection_in_review(org, reported):
    report, receipt = reported(category="bribery")
    accept(org, report.case)
    protection = accept(org, retaliation(report, receipt), risk=HIGH)
    protection = case_assign(case=protection, by=org["centre_head"], officer=org["centre_head"])
    return case_review_start(case=protection, by=org["centre_head"])


def test_a_decision_on_a_protection_case_records_protection_measures(org, reported):
    protection = _protection_in_review(org, reported)
    offered = dict(DecideForm(case=protection).fields["measures"].choices)
    assert {"labour_inspection", "prosecutor", "interim_measure", "legal_aid"} <= set(offered)
    protection = case_decide(
        case=protection,
        by=org["centre_head"],
        outcome="substantiated",
        measures=[
            ("labour_inspection", "ГИТ Актюбинской области"),
            ("interim_measure", ""),
            ("legal_aid", ""),
        ],
        findings="Увольнение связано с сообщением.",
    )
    assert set(Measure.objects.filter(case=protection).values_list("kind", flat=True)) == {
        "labour_inspection",
        "interim_measure",
        "legal_aid",
    }
    protection = case_answer(case=protection, by=org["centre_head"], findings="Приняты меры защиты.")
    answer = protection.report.messages.get(direction="out").body
    assert "Referral to the labour inspection" in answer or "инспекци" in answer


def test_protection_measures_are_for_protection_cases(org, new_case):
    from tests.cases.test_transitions import in_review

    case = in_review(org, new_case)
    assert "legal_aid" not in dict(DecideForm(case=case).fields["measures"].choices)
    with pytest.raises(TransitionRefused):
        case_decide(
            case=case, by=org["officer"], outcome="partly", measures=[("legal_aid", "")], findings="x"
        )


def test_statistics_count_protection_cases_and_their_outcomes(org, reported):
    now = timezone.now()
    period = Period(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
    protection = _protection_in_review(org, reported)
    case_decide(case=protection, by=org["centre_head"], outcome="partly", measures=[], findings="x")
    assert case_counts_by(period, "category") == {"bribery": 1, "retaliation": 1}
    assert case_counts_by(period, "outcome") == {"": 1, "partly": 1}
    assert case_counts_by(period, "channel") == {"web": 2}


def test_the_status_api_shows_the_protection_cases_to_the_receipt(client, org, reported):
    report, receipt = reported()
    protection = retaliation(report, receipt)
    response = client.get("/api/v1/reports/status", headers={"Authorization": f"Receipt {receipt}"})
    assert response.status_code == 200
    (followed,) = response.json()["protections"]
    assert (followed["registration_number"], followed["status"]) == (
        protection.report.registration_number,
        "registered",
    )
    assert followed["deadlines"]


def test_a_protection_case_is_never_rerouted_to_the_original_s_unit_or_below(org, reported):
    from adal.cases.services import case_reroute

    report, receipt = reported(category="education")  # handled by Aktobe's district office
    accept(org, report.case)
    protection = accept(org, retaliation(report, receipt), risk=HIGH)
    assert protection.unit == org["aktobe"]
    with pytest.raises(TransitionRefused):
        case_reroute(case=protection, by=org["centre_head"], unit=org["aktobe_district"])
    assert case_reroute(case=protection, by=org["centre_head"], unit=org["almaty"]).unit == org["almaty"]
