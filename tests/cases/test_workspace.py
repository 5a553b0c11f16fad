import re

from django.urls import reverse

from adal.cases.models import State
from adal.cases.selectors import QueueFilters, queue_counts, queue_page
from adal.cases.services import case_assign, case_triage_start
from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from tests.cases.conftest import LOW_RISK
from tests.cases.test_transitions import accepted
from tests.conftest import PASSWORD, totp_now


def sign_in(client, user):
    from adal.core.services import staff_totp_reset

    secret = staff_totp_reset(user=user, by=SYSTEM)
    client.post(
        reverse("core:login"), {"username": user.username, "password": PASSWORD, "code": totp_now(secret)}
    )


def test_the_queue_lists_cases_by_due_date_in_scope(client, org, new_case):
    mine = [accepted(org, new_case) for _ in range(3)]
    elsewhere = accepted(org, new_case, region="750000000")  # routed to the centre
    sign_in(client, org["head"])
    page = client.get(reverse("cases:queue")).content.decode()
    for case in mine:
        assert case.report.registration_number in page
    assert elsewhere.report.registration_number not in page


def test_a_queue_row_shows_its_columns_in_the_reader_s_language_and_escaped(client, org, new_case):
    import datetime as dt

    from adal.cases.sweep import deadlines_sweep

    case = accepted(org, new_case, category="bribery")
    org["officer"].first_name, org["officer"].last_name = "<b>Асель</b>", "Нурланова"
    org["officer"].save(update_fields=["first_name", "last_name"])
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    deadlines_sweep(now=case.due_at + dt.timedelta(hours=1), by=SYSTEM)
    sign_in(client, org["head"])
    queue = client.get(reverse("cases:queue")).content.decode()
    row = re.search(r"<tr class=\"overdue-row\">.*?</tr>", queue)
    assert row, "an overdue case is marked"
    html = row.group(0)
    assert case.report.registration_number in html and "&lt;b&gt;Асель&lt;/b&gt; Нурланова" in html
    assert "<td>Актюбинская область</td>" in html  # Russian, the default language
    assert '<span class="badge overdue">' in html
    client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    html = client.get(reverse("cases:queue")).content.decode()
    assert "<td>Ақтөбе облысы</td>" in html


def test_keyset_pages_cover_every_case_once(org, new_case):
    cases = [accepted(org, new_case) for _ in range(7)]
    seen, cursor = [], ""
    while True:
        page = queue_page(org["head"], QueueFilters(), cursor=cursor, size=3)
        seen += [c.pk for c in page.cases]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(c.pk for c in cases)
    due = [c.due_at for c in queue_page(org["head"], QueueFilters(), size=10).cases]
    assert due == sorted(due)


def test_filters_and_counts(org, new_case):
    a = accepted(org, new_case, category="bribery")
    accepted(org, new_case, category="procurement")
    case_assign(case=a, by=org["head"], officer=org["officer"])
    counts = queue_counts(org["head"], QueueFilters())
    assert counts[State.ACCEPTED] == 1 and counts[State.ASSIGNED] == 1 and counts["open"] == 2
    assert [c.pk for c in queue_page(org["officer"], QueueFilters(assignee="me")).cases] == [a.pk]
    assert len(queue_page(org["head"], QueueFilters(category="procurement")).cases) == 1
    assert len(queue_page(org["head"], QueueFilters(state=State.ASSIGNED)).cases) == 1
    assert len(queue_page(org["head"], QueueFilters(overdue=True)).cases) == 0


def test_a_garbage_cursor_starts_from_the_top(client, org, new_case):
    accepted(org, new_case)
    sign_in(client, org["head"])
    assert client.get(reverse("cases:queue") + "?after=%%%garbage").status_code == 200


def test_reading_a_case_is_audited(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Директор школы" in page
    assert AuditEvent.objects.filter(
        action="case.content_read", actor=org["head"], target_id=str(case.pk)
    ).exists()


def test_actions_shown_are_the_ones_allowed(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    shown = set(re.findall(r'data-action="([a-z_]+)"', page))
    assert {"assign", "reroute", "extend"} <= shown
    assert "decide" not in shown and "triage_start" not in shown


def test_a_head_assigns_through_the_page(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    response = client.post(
        reverse("cases:action", args=[case.pk, "assign"]), {"assign-officer": org["officer"].pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ASSIGNED and case.assignee == org["officer"]


def test_a_refused_action_shows_the_reason_and_changes_nothing(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    response = client.post(
        reverse("cases:action", args=[case.pk, "extend"]),
        {"extend-until": "2099-01-01", "extend-reason": "Причина"},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.extended_at is None


def test_an_action_not_available_now_is_refused(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    response = client.post(reverse("cases:action", args=[case.pk, "decide"]), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_an_officer_decides_and_answers_through_the_page(client, org, new_case):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    sign_in(client, org["officer"])
    url = lambda action: reverse("cases:action", args=[case.pk, action])  # noqa: E731
    assert client.post(url("review_start")).status_code == 302
    assert client.post(url("note"), {"note-text": "Проверить приказ."}).status_code == 302
    assert (
        client.post(
            url("decide"),
            {
                "decide-outcome": "substantiated",
                "decide-measures": ["disciplinary"],
                "decide-findings": "Подтвердилось.",
            },
        ).status_code
        == 302
    )
    assert client.post(url("answer"), {"answer-findings": "Директор наказан."}).status_code == 302
    case.refresh_from_db()
    assert case.state == State.ANSWERED and case.outcome == "substantiated"


def test_attachments_download_decrypted_and_audited(client, org, draft, pdf_bytes):
    from adal.cases.services import case_accept, case_triage_start
    from adal.hotline.services import UploadedFile, report_submit

    report = report_submit(draft=draft(), files=[UploadedFile("evidence.pdf", pdf_bytes)]).report
    case = case_accept(
        case=case_triage_start(case=report.case, by=org["operator"]), by=org["operator"], risk=LOW_RISK
    )
    sign_in(client, org["head"])
    attachment = report.attachments.get()
    response = client.get(reverse("cases:attachment", args=[case.pk, attachment.pk]))
    assert b"".join(response.streaming_content) == pdf_bytes
    assert 'filename="evidence.pdf"' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="case.attachment_read", actor=org["head"]).exists()


def test_action_forms_are_built_only_when_opened(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-action="assign"' in page and 'name="assign-officer"' not in page
    assert f'hx-get="{reverse("cases:action_form", args=[case.pk, "assign"])}"' in page
    # Without JavaScript the link opens the page with that one form in place.
    opened = client.get(reverse("cases:case", args=[case.pk]) + "?action=assign").content.decode()
    assert 'name="assign-officer"' in opened and 'name="reroute-unit"' not in opened
    fragment = client.get(reverse("cases:action_form", args=[case.pk, "assign"]))
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert 'name="assign-officer"' in body and "<html" not in body
    assert org["officer"].username in body or org["officer"].get_full_name() in body


def test_a_form_for_an_action_not_allowed_now_is_not_found(client, org, new_case):
    case = accepted(org, new_case)
    sign_in(client, org["head"])
    assert client.get(reverse("cases:action_form", args=[case.pk, "decide"])).status_code == 404
    assert client.get(reverse("cases:action_form", args=[case.pk, "no-such"])).status_code == 404
    sign_in(client, org["almaty_head"])
    assert client.get(reverse("cases:action_form", args=[case.pk, "assign"])).status_code == 404


def test_closed_states_are_counted_only_when_viewed(org, new_case):
    from adal.cases.services import case_leave

    open_case = accepted(org, new_case)  # in the centre head's subtree, in Aktobe
    left = case_triage_start(case=new_case(), by=org["operator"])
    case_leave(case=left, by=org["operator"], reason="Anonymous insult with no facts.", risk=LOW_RISK)
    counts = queue_counts(org["centre_head"], QueueFilters())
    assert counts["open"] == 1 and counts[State.ACCEPTED] == 1
    assert State.LEFT_WITHOUT_CONSIDERATION not in counts
    counts = queue_counts(org["centre_head"], QueueFilters(state=State.LEFT_WITHOUT_CONSIDERATION))
    assert counts[State.LEFT_WITHOUT_CONSIDERATION] == 1 and counts["open"] == 1
    assert open_case.pk not in [
        c.pk
        for c in queue_page(org["centre_head"], QueueFilters(state=State.LEFT_WITHOUT_CONSIDERATION)).cases
    ]


def test_the_case_page_offers_a_council_agenda_to_those_who_may(client, org, new_case):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    agenda = reverse("councils:case_agenda", args=[case.pk])
    for who, offered in (("officer", True), ("head", True), ("colleague", False), ("operator", False)):
        sign_in(client, org[who])
        page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
        assert (agenda in page) is offered, who


def test_the_timeline_names_staff_by_name_without_a_query_a_row(client, org, new_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from adal.cases.services import case_note_add

    org["head"].first_name, org["head"].last_name = "Ерлан", "Сапаров"
    org["head"].save(update_fields=["first_name", "last_name"])
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    sign_in(client, org["head"])
    url = reverse("cases:case", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    assert "<strong>Ерлан Сапаров</strong>" in page and f"<strong>{org['head'].username}</strong>" not in page
    for n in range(3):  # three more rows by the same head
        case_note_add(case=case, by=org["head"], text=f"Note {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def _panel_reads(queries, tables) -> set[str]:
    """The tables of ``tables`` that a statement other than case_records' own read from."""
    read = set()
    for q in queries:
        sql = q["sql"].lower()
        if not sql.startswith("select exists"):
            read |= {t for t in tables if f'from "{t}"' in sql}
    return read


def test_the_case_page_reads_only_the_records_the_case_has(client, org, new_case, draft, pdf_bytes):
    """case_records says in one statement which of the page's panels have anything; the page reads
    those and shows them, and reads none of the others' tables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from adal.cases.links import linked_pointers
    from adal.cases.models import Case, MeasureKind
    from adal.cases.selectors import CASE_RECORDS, REPORT_RECORDS, case_records
    from adal.cases.services import (
        case_accept,
        case_clarification_request,
        case_decide,
        case_link,
        case_request_send,
        case_review_start,
    )
    from adal.hotline.models import Report
    from adal.hotline.services import UploadedFile, report_submit

    pointers = {n: Case._meta.get_field(n).field for n in CASE_RECORDS}
    pointers |= {n: Report._meta.get_field(n).field for n in REPORT_RECORDS} | linked_pointers()
    tables = {fk.model._meta.db_table for fk in pointers.values()} - {"cases_case"}

    def has_by_the_orm(case):
        return {
            name
            for name, fk in pointers.items()
            if fk.model._default_manager.filter(
                **{fk.name: case.report if fk.related_model is Report else case}
            ).exists()
        }

    bare = accepted(org, new_case)
    sign_in(client, org["head"])
    with CaptureQueriesContext(connection) as seen:
        client.get(reverse("cases:case", args=[bare.pk]))
    # Every triage assesses the risk of retaliation: the one panel an accepted case always has.
    assert case_records(bare) == has_by_the_orm(bare) == {"risk_assessments"}
    assert _panel_reads(seen.captured_queries, tables) == {"cases_riskassessment"}

    evidence = [UploadedFile("evidence.pdf", pdf_bytes)]
    report = report_submit(draft=draft(category="bribery"), files=evidence).report
    case = case_accept(
        case=case_triage_start(case=report.case, by=org["operator"]), by=org["operator"], risk=LOW_RISK
    )
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case_request_send(
        case=case, by=org["officer"], addressee="Акимат Актюбинской области", question="Приказ?"
    )
    case_link(case=case, by=org["officer"], other=bare)
    case_clarification_request(case=case, by=org["officer"], text="Когда это было?")
    case_decide(
        case=case, by=org["officer"], outcome="substantiated", measures=[("disciplinary", "")], findings="Да."
    )
    expected = {"risk_assessments", "attachments", "requests", "links", "messages", "measures"}
    assert case_records(case) == has_by_the_orm(case) == expected
    with CaptureQueriesContext(connection) as seen:
        page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert _panel_reads(seen.captured_queries, tables) == {
        "cases_riskassessment",
        "hotline_attachment",
        "cases_statebodyrequest",
        "cases_caselink",
        "hotline_message",
        "cases_measure",
    }
    shown = ("evidence.pdf", "Акимат Актюбинской области", bare.report.registration_number, "Когда это было?")
    for text in (*shown, str(MeasureKind.DISCIPLINARY.label)):
        assert text in page, text
