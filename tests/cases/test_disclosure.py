"""A confidential reporter's identity: sealed apart, withheld from every reader of the case, opened by an
identity custodian's approval to one requester for a limited time, every step in the audit log."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from adal.cases.disclosure import (
    DisclosureRefused,
    disclosure_approve,
    disclosure_refuse,
    disclosure_request,
    identity_for,
)
from adal.cases.models import DisclosureRequest
from adal.cases.services import case_assign
from adal.core.models import AuditEvent, Role
from adal.core.permissions import NotAllowed, may
from adal.hotline.identity import identity_open
from adal.hotline.models import Message, ReporterIdentity
from adal.hotline.services import (
    UploadedFile,
    reporter_files_add,
    reporter_identity_make_open,
    reporter_identity_withdraw,
)
from tests.cases.test_transitions import accepted
from tests.conftest import make_staff
from tests.hotline.test_submit import dump_database

NAME, IIN, PHONE, EMAIL = "Сапарова Айгерим", "900215450129", "+7 701 555 01 02", "aigerim@example.kz"
SECRETS = (NAME, IIN, PHONE, EMAIL)
REASON = "Нужен допрос заявителя как свидетеля по уголовному делу № 1234."


def named(mode="confidential", **overrides):
    return {"identity_mode": mode, "name": NAME, "iin": IIN, "phone": PHONE, "email": EMAIL, **overrides}


@pytest.fixture
def custodians(org):
    return {
        "aktobe": make_staff("custodian", Role.IDENTITY_CUSTODIAN, org["aktobe"])[0],
        "almaty": make_staff("almaty-custodian", Role.IDENTITY_CUSTODIAN, org["almaty"])[0],
    }


@pytest.fixture
def admin(org):
    return make_staff("admin", Role.ADMINISTRATOR, org["centre"])[0]


@pytest.fixture
def case(org, new_case, pdf_bytes):
    """A confidential report in Aktobe, with a file, assigned to the officer."""
    confidential = accepted(org, new_case, **named())
    reporter_files_add(report=confidential.report, files=[UploadedFile("evidence.pdf", pdf_bytes)])
    return case_assign(case=confidential, by=org["head"], officer=org["officer"])


def approved(org, custodians, case, **kwargs):
    request = disclosure_request(case=case, by=org["officer"], reason=REASON)
    return disclosure_approve(
        request=request, by=custodians["aktobe"], reason="Обоснованно: допрос свидетеля.", **kwargs
    )


def pages_of(client, case) -> str:
    """Every page a reader of the case can open about it: the case page, each action's form, its files,
    the identity page, the admin's view of it."""
    urls = [
        reverse("cases:case", args=[case.pk]),
        reverse("cases:identity", args=[case.pk]),
        *(reverse("cases:action_form", args=[case.pk, a]) for a in ("assign", "note", "clarify", "extend")),
        *(reverse("cases:attachment", args=[case.pk, a.pk]) for a in case.report.attachments.all()),
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_case_changelist"),
        "/admin/hotline/",
        "/api/v1/reports/status",
    ]
    out = []
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out.append(body.decode("utf-8", "replace"))
    return "\n".join(out)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- withheld from every reader


@pytest.mark.parametrize("who", ["officer", "head", "centre_head", "district_head", "admin"])
def test_no_reader_of_the_case_sees_a_confidential_identity_anywhere(org, admin, case, who):
    user = admin if who == "admin" else org[who]
    seen = pages_of(signed_in(user), case)
    assert case.report.registration_number in seen or who == "district_head"
    for secret in SECRETS:
        assert secret not in seen
    assert identity_for(user, case) is None


def test_the_case_page_says_the_identity_is_withheld_and_offers_the_request(client, org, case):
    client.force_login(org["officer"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="identity-withheld"' in page
    assert reverse("cases:disclosure_new", args=[case.pk]) in page


def test_an_anonymous_report_has_nothing_to_disclose(client, org, new_case):
    anonymous = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    client.force_login(org["officer"])
    page = client.get(reverse("cases:case", args=[anonymous.pk])).content.decode()
    assert 'data-mode="anonymous"' in page and "disclosure_new" not in page
    with pytest.raises(DisclosureRefused):
        disclosure_request(case=anonymous, by=org["officer"], reason=REASON)


def test_an_open_report_shows_its_identity_to_the_readers_of_the_case(client, org, new_case):
    open_case = accepted(org, new_case, **named("open"))
    client.force_login(org["head"])
    page = client.get(reverse("cases:case", args=[open_case.pk])).content.decode()
    assert NAME in page and IIN in page
    client.force_login(org["almaty_head"])
    assert client.get(reverse("cases:case", args=[open_case.pk])).status_code == 404


def test_the_custodian_does_not_read_the_content_of_reports(org, custodians, case):
    custodian = custodians["aktobe"]
    assert not may(custodian, "case.read_content")
    assert signed_in(custodian).get(reverse("cases:case", args=[case.pk])).status_code == 403
    assert custodian.requires_second_factor


# ---------------------------------------------------------------- request, approve, refuse


def test_an_approval_opens_the_identity_to_the_requester_alone(org, custodians, admin, case):
    request = approved(org, custodians, case)
    assert request.is_open and request.reporter_notified
    assert request.expires_at - request.decided_at == dt.timedelta(days=7)
    officer = signed_in(org["officer"])
    page = officer.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert reverse("cases:identity", args=[case.pk]) in page and NAME not in page  # not on screen unasked
    shown = officer.get(reverse("cases:identity", args=[case.pk]))
    assert shown["Cache-Control"] == "no-store"
    assert all(secret in shown.content.decode() for secret in SECRETS)
    for other in (org["head"], org["colleague"], org["centre_head"], admin):
        seen = pages_of(signed_in(other), case)
        assert not any(secret in seen for secret in SECRETS), other.username


def test_an_expired_approval_opens_nothing(org, custodians, case):
    request = approved(org, custodians, case)
    DisclosureRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    request.refresh_from_db()
    assert request.status == "expired"
    assert identity_for(org["officer"], case) is None
    assert signed_in(org["officer"]).get(reverse("cases:identity", args=[case.pk])).status_code == 404


def test_the_disclosure_period_is_a_setting(org, custodians, case, settings):
    settings.ADAL_DISCLOSURE_DAYS = 2
    request = approved(org, custodians, case)
    assert request.expires_at - request.decided_at == dt.timedelta(days=2)


def test_a_custodian_of_another_scope_cannot_approve(org, custodians, case):
    request = disclosure_request(case=case, by=org["officer"], reason=REASON)
    with pytest.raises(NotAllowed):
        disclosure_approve(request=request, by=custodians["almaty"], reason="Да.")
    desk = signed_in(custodians["almaty"])
    assert case.report.registration_number not in desk.get(reverse("cases:disclosures")).content.decode()
    response = desk.post(
        reverse("cases:disclosure_decide", args=[request.pk, "approve"]), {f"d{request.pk}-reason": "Да."}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "pending"


def test_nobody_approves_their_own_request(org, custodians, case):
    request = disclosure_request(case=case, by=org["officer"], reason=REASON)
    officer = org["officer"]
    officer.role = Role.IDENTITY_CUSTODIAN  # the officer became a custodian meanwhile
    officer.save(update_fields=["role"])
    with pytest.raises(DisclosureRefused):
        disclosure_approve(request=request, by=officer, reason="Своё.")
    assert DisclosureRequest.objects.get(pk=request.pk).state == "pending"


def test_only_those_who_work_the_case_may_request(org, custodians, case):
    for outsider in (org["colleague"], org["almaty_head"], org["auditor"], custodians["aktobe"]):
        with pytest.raises(NotAllowed):
            disclosure_request(case=case, by=outsider, reason=REASON)
    disclosure_request(case=case, by=org["head"], reason=REASON)


def test_one_pending_request_per_requester_and_case(org, case):
    disclosure_request(case=case, by=org["officer"], reason=REASON)
    with pytest.raises(DisclosureRefused):
        disclosure_request(case=case, by=org["officer"], reason=REASON)
    with pytest.raises(DisclosureRefused):
        disclosure_request(case=case, by=org["head"], reason="  ")
    disclosure_request(case=case, by=org["head"], reason=REASON)


def test_a_refusal_opens_nothing_and_a_decision_is_taken_once(org, custodians, case):
    request = disclosure_request(case=case, by=org["officer"], reason=REASON)
    disclosure_refuse(request=request, by=custodians["aktobe"], reason="Недостаточно оснований.")
    assert identity_for(org["officer"], case) is None
    with pytest.raises(DisclosureRefused):
        disclosure_approve(request=request, by=custodians["aktobe"], reason="Передумал.")
    assert not Message.objects.filter(report=case.report, direction="out").exists()


def test_the_reporter_is_told_in_the_inbox_before_the_disclosure_in_their_language(org, custodians, new_case):
    kk_case = case_assign(
        case=accepted(org, new_case, **named(language="kk")), by=org["head"], officer=org["officer"]
    )
    request = approved(org, custodians, kk_case)
    (notice,) = Message.objects.filter(report=kk_case.report, direction="out")
    assert notice.created_at <= request.decided_at + dt.timedelta(seconds=1)
    assert kk_case.report.registration_number in notice.body and "Обоснованно" in notice.body
    assert "жеке мәліметтеріңіз" in notice.body  # Kazakh, not Russian


def test_a_withheld_notice_is_recorded_with_its_reason(org, custodians, case):
    request = approved(
        org, custodians, case, withhold_notice_reason="Заявитель — родственник подозреваемого."
    )
    assert not request.reporter_notified
    assert request.notice_withheld_reason.startswith("Заявитель")
    assert not Message.objects.filter(report=case.report, direction="out").exists()
    assert identity_for(org["officer"], case)["name"] == NAME


def test_every_step_is_in_the_audit_log_and_the_timeline_holds_no_content(org, custodians, case):
    approved(org, custodians, case)
    identity_for(org["officer"], case)
    second = disclosure_request(case=case, by=org["head"], reason=REASON)
    disclosure_refuse(request=second, by=custodians["aktobe"], reason="Уже раскрыто офицеру.")
    trail = list(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action", "actor_label"))
    assert ("case.disclosure_requested", "officer") in trail
    assert ("case.disclosure_approved", "custodian") in trail
    assert ("case.identity_read", "officer") in trail
    assert ("case.disclosure_requested", "head") in trail
    assert ("case.disclosure_refused", "custodian") in trail
    events = case.events.filter(kind__startswith="disclosure_")
    assert events.count() == 4 and not any(e.note for e in events)
    logged = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert not any(secret in logged for secret in (*SECRETS, "допрос"))


def test_the_custodians_desk_shows_the_reason_and_the_facts_not_the_report(org, custodians, case):
    disclosure_request(case=case, by=org["officer"], reason=REASON)
    page = signed_in(custodians["aktobe"]).get(reverse("cases:disclosures")).content.decode()
    assert REASON in page and case.report.registration_number in page
    assert case.report.content["description"][:30] not in page
    assert not any(secret in page for secret in SECRETS)


def test_the_custodian_decides_from_the_desk(org, custodians, case):
    request = disclosure_request(case=case, by=org["officer"], reason=REASON)
    desk = signed_in(custodians["aktobe"])
    response = desk.post(
        reverse("cases:disclosure_decide", args=[request.pk, "approve"]),
        {f"d{request.pk}-reason": "Обоснованно.", f"d{request.pk}-withhold_notice_reason": ""},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved" and request.decided_by == custodians["aktobe"]


def test_the_officer_requests_from_the_case_page(org, case):
    officer = signed_in(org["officer"])
    response = officer.post(reverse("cases:disclosure_new", args=[case.pk]), {"disclosure-reason": REASON})
    assert response.status_code == 302
    assert DisclosureRequest.objects.get(case=case).requester == org["officer"]
    page = officer.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-status="pending"' in page


# ---------------------------------------------------------------- the envelope


def test_the_database_holds_no_identity_in_clear(org, custodians, case):
    approved(org, custodians, case)
    dump = dump_database()
    assert not any(secret in dump for secret in SECRETS)
    assert not any(secret in dump for secret in ("Обоснованно", "допрос"))


def test_the_envelope_is_bound_to_its_report_and_deleting_it_shreds_the_identity(org, new_case):
    from adal.core.crypto import DecryptionError, envelope_open

    first = accepted(org, new_case, **named())
    second = accepted(org, new_case, **named(name="Другой Человек"))
    row = ReporterIdentity.objects.get(report=first.report)
    ReporterIdentity.objects.filter(report=second.report).update(data_key=row.data_key, sealed=row.sealed)
    with pytest.raises(DecryptionError):
        identity_open(second.report)  # the blob names its report
    sealed = bytes(row.sealed)
    ReporterIdentity.objects.filter(report=first.report).delete()
    assert identity_open(first.report) is None
    with pytest.raises(DecryptionError):  # without its own key nothing opens the copy someone kept
        envelope_open(b"\x00" * 32, sealed, aad=f"adal.hotline.ReporterIdentity:{first.report.pk}".encode())


def test_key_rotation_rewraps_the_data_key_and_the_identity_still_opens(org, case, settings):
    from adal.core import crypto
    from adal.core.keyrotation import rotate_keys

    row = ReporterIdentity.objects.get(report=case.report)
    sealed_before = bytes(row.sealed)
    settings.ADAL_CURRENT_KEY = "t0"
    report = rotate_keys()
    assert report.rows.get("hotline.ReporterIdentity") == 1
    settings.ADAL_ENCRYPTION_KEYS = {"t0": settings.ADAL_ENCRYPTION_KEYS["t0"]}  # the old key removed
    with connection.cursor() as cursor:  # the columns as stored, not through the field
        cursor.execute(
            "SELECT data_key, sealed FROM hotline_reporteridentity WHERE report_id = %s", [case.report.pk]
        )
        wrapped, sealed = cursor.fetchone()
    assert crypto.keyring().key_id(bytes(wrapped)) == "t0" and bytes(sealed) == sealed_before
    assert identity_open(case.report)["iin"] == IIN


# ---------------------------------------------------------------- the reporter's own choices


def test_the_reporter_makes_the_identity_open(org, custodians, case):
    pending = disclosure_request(case=case, by=org["officer"], reason=REASON)
    reporter_identity_make_open(report=case.report)
    case.report.refresh_from_db()
    assert case.report.identity_mode == "open"
    assert NAME in signed_in(org["head"]).get(reverse("cases:case", args=[case.pk])).content.decode()
    pending.refresh_from_db()
    assert pending.state == "closed"
    event = AuditEvent.objects.get(action="report.identity_opened")
    assert event.actor_label == "reporter"
    assert case.events.filter(kind="identity_opened").exists()


def test_the_reporter_withdraws_the_identity_for_good(org, custodians, case):
    request = approved(org, custodians, case)
    reporter_identity_withdraw(report=case.report)
    case.report.refresh_from_db()
    assert case.report.identity_mode == "anonymous"
    assert not ReporterIdentity.objects.filter(report=case.report).exists()
    assert identity_for(org["officer"], case) is None
    request.refresh_from_db()
    assert not request.is_open
    assert AuditEvent.objects.get(action="report.identity_withdrawn").actor_label == "reporter"
    with pytest.raises(DisclosureRefused):
        disclosure_request(case=case, by=org["head"], reason=REASON)


def test_the_inbox_asks_for_confirmation_before_changing_the_identity(client, org, draft):
    from adal.hotline.services import report_submit

    submitted = report_submit(draft=draft(**named()))
    client.post(reverse("hotline:inbox_login"), {"receipt": submitted.receipt})
    inbox = client.get(reverse("hotline:inbox")).content.decode()
    assert reverse("hotline:inbox_identity", args=["withdraw"]) in inbox
    assert not any(secret in inbox for secret in SECRETS)  # a receipt holder is not shown the identity
    url = reverse("hotline:inbox_identity", args=["withdraw"])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200  # not confirmed: nothing happens
    assert ReporterIdentity.objects.filter(report=submitted.report).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not ReporterIdentity.objects.filter(report=submitted.report).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 400  # nothing left to withdraw


def test_the_custodians_of_the_scope_hear_of_a_waiting_request_without_its_reason(
    org, custodians, case, mailoutbox, django_capture_on_commit_callbacks
):
    for user in custodians.values():
        user.email = f"{user.username}@adal.example"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        disclosure_request(case=case, by=org["officer"], reason=REASON)
    (email,) = mailoutbox
    assert email.to == ["custodian@adal.example"]  # not the Almaty custodian
    assert case.report.registration_number in email.subject and "/staff/disclosures/" in email.body
    assert "допрос" not in email.body + email.subject
