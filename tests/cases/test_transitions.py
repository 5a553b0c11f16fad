import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from adal.cases.models import Case, CaseEvent, Measure, State
from adal.cases.services import (
    TransitionRefused,
    allowed_actions,
    case_accept,
    case_answer,
    case_appeal,
    case_assign,
    case_clarification_request,
    case_close,
    case_decide,
    case_extend,
    case_leave,
    case_merge,
    case_note_add,
    case_rate,
    case_redirect,
    case_request_answer,
    case_request_send,
    case_reroute,
    case_review_start,
    case_triage_start,
)
from adal.core.models import AuditEvent
from adal.hotline.models import Message
from tests.cases.conftest import LOW_RISK


def accepted(org, new_case, **overrides):
    case = new_case(category=overrides.pop("category", "bribery"), **overrides)
    case = case_triage_start(case=case, by=org["operator"])
    return case_accept(case=case, by=org["operator"], risk=LOW_RISK)


def in_review(org, new_case):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    return case_review_start(case=case, by=org["officer"])


def decided(org, new_case, outcome="substantiated"):
    return case_decide(
        case=in_review(org, new_case),
        by=org["officer"],
        outcome=outcome,
        measures=[("disciplinary", "Дисциплинарное производство"), ("law_enforcement", "")],
        findings="Факт вымогательства подтверждён проверкой.",
    )


def test_the_whole_path_leaves_a_trail(org, new_case):
    case = decided(org, new_case)
    case = case_answer(case=case, by=org["officer"], findings="Директор привлечён к ответственности.")
    case = case_close(case=case, by=org["officer"])
    assert case.state == State.CLOSED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "registered",
        "triage_start",
        "accept",
        "assign",
        "review_start",
        "decide",
        "answer",
        "close",
    ]
    for kind in kinds[1:]:
        assert AuditEvent.objects.filter(action=f"case.{kind}", target_id=str(case.pk)).exists()
    assert set(Measure.objects.filter(case=case).values_list("kind", flat=True)) == {
        "disciplinary",
        "law_enforcement",
    }


def test_accepting_routes_by_region_and_category(org, new_case):
    assert accepted(org, new_case).unit == org["aktobe"]
    assert accepted(org, new_case, category="education").unit == org["aktobe_district"]
    assert accepted(org, new_case, region="750000000").unit == org["centre"]  # the default


def test_triage_may_correct_category_and_region(org, new_case):
    from adal.core.models import Territory

    case = case_triage_start(case=new_case(), by=org["operator"])
    case = case_accept(
        case=case,
        by=org["operator"],
        risk=LOW_RISK,
        category="procurement",
        region=Territory.objects.get(kato="750000000"),
        involves_official=True,
    )
    assert (case.category, case.region.kato, case.involves_official) == ("procurement", "750000000", True)


def test_the_answer_reaches_the_inbox_in_the_reporters_language(org, new_case):
    case = decided(org, new_case)
    case.report.language = "kk"
    case.report.save(update_fields=["language"])
    case = case_answer(case=case, by=org["officer"], findings="Тексеру нәтижесі.")
    message = Message.objects.get(report=case.report, direction="out")
    assert "Тексеру нәтижесі." in message.body
    assert case.report.registration_number in message.body


def test_the_answer_is_emailed_when_the_reporter_gave_an_email(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = accepted(
        org,
        new_case,
        identity_mode="confidential",
        name="А. Б.",
        iin="850612350456",
        email="reporter@example.kz",
    )
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case = case_decide(
        case=case, by=org["officer"], outcome="not_confirmed", measures=[], findings="Нет данных."
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_answer(case=case, by=org["officer"], findings="Факты не подтвердились.")
    to_reporter = [m for m in mailoutbox if m.to == ["reporter@example.kz"]]
    assert len(to_reporter) == 1
    assert "Факты не подтвердились" in to_reporter[0].body
    assert case.report.registration_number in to_reporter[0].subject


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (lambda org, c: case_assign(case=c, by=org["head"], officer=org["officer"]), State.REGISTERED),
        (lambda org, c: case_review_start(case=c, by=org["officer"]), State.REGISTERED),
        (lambda org, c: case_close(case=c, by=org["officer"]), State.REGISTERED),
        (lambda org, c: case_answer(case=c, by=org["officer"], findings="x"), State.REGISTERED),
    ],
)
def test_an_illegal_transition_is_refused_and_changes_nothing(org, new_case, action, state):
    case = new_case()
    events, audits = CaseEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(TransitionRefused):
        action(org, case)
    case.refresh_from_db()
    assert case.state == state and case.version == 0
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_a_role_without_the_right_is_refused(org, new_case):
    case = new_case()
    for who in ("analyst", "auditor", "secretary", "officer"):
        with pytest.raises(TransitionRefused):
            case_triage_start(case=case, by=org[who])


def test_an_officer_acts_only_on_their_own_case(org, new_case):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    with pytest.raises(TransitionRefused):
        case_review_start(case=case, by=org["colleague"])
    assert case_review_start(case=case, by=org["head"]).state == State.IN_REVIEW  # a head may act for them


def test_a_unit_outside_the_scope_is_refused(org, new_case):
    case = accepted(org, new_case)
    with pytest.raises(TransitionRefused):
        case_assign(case=case, by=org["almaty_head"], officer=org["almaty_officer"])
    with pytest.raises(TransitionRefused):
        case_assign(case=case, by=org["head"], officer=org["almaty_officer"])  # not an officer of the unit


def test_a_higher_unit_acts_on_cases_below_it(org, new_case):
    case = accepted(org, new_case)
    assert case_assign(case=case, by=org["centre_head"], officer=org["officer"]).state == State.ASSIGNED


def test_rerouting_resends_and_clears_the_officer(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        case = case_reroute(case=case, by=org["head"], unit=org["aktobe_district"], reason="Районный уровень")
    assert (case.state, case.unit, case.assignee) == (State.ACCEPTED, org["aktobe_district"], None)
    assert [m.to for m in mailoutbox] == [["district-head@adal.example"]]


def test_redirect_tells_the_reporter(org, new_case):
    case = case_triage_start(case=new_case(), by=org["operator"])
    case = case_redirect(
        case=case,
        by=org["operator"],
        authority="Агентство по противодействию коррупции",
        reason="Признаки уголовного правонарушения",
        risk=LOW_RISK,
    )
    assert case.state == State.REDIRECTED and case.redirected_to.startswith("Агентство")
    assert "Агентство по противодействию коррупции" in Message.objects.get(report=case.report).body


def test_leaving_without_consideration_shows_the_reason(org, new_case):
    case = case_leave(case=new_case(), by=org["operator"], reason="Не указаны обстоятельства.", risk=LOW_RISK)
    assert case.state == State.LEFT_WITHOUT_CONSIDERATION
    assert "Не указаны обстоятельства." in Message.objects.get(report=case.report).body


def test_leaving_is_refused_where_the_policy_does_not_allow_it(org, new_case):
    from adal.cases.models import ChannelPolicy, ResponsePolicy

    ChannelPolicy.objects.filter(channel="web").update(policy=ResponsePolicy.objects.get(code="eu-2019-1937"))
    case = new_case()
    with pytest.raises(TransitionRefused):
        case_leave(case=case, by=org["operator"], reason="x", risk=LOW_RISK)
    assert "leave" not in allowed_actions(org["operator"], case)


def test_merging_into_another_case(org, new_case):
    first, second = new_case(), new_case()
    merged = case_merge(case=second, by=org["operator"], into=first, risk=LOW_RISK)
    assert merged.state == State.MERGED and merged.merged_into == first
    with pytest.raises(TransitionRefused):
        case_merge(case=first, by=org["operator"], into=first, risk=LOW_RISK)


def test_review_work_leaves_events(org, new_case):
    case = in_review(org, new_case)
    case_note_add(case=case, by=org["officer"], text="Позвонить в отдел образования.")
    request = case_request_send(
        case=case,
        by=org["officer"],
        addressee="Управление образования",
        question="Предоставьте приказы о зачислении.",
        due_days=5,
    )
    case_request_answer(request=request, by=org["officer"], answer="Приказы приложены.")
    case_clarification_request(case=case, by=org["officer"], text="Уточните дату.")
    kinds = list(case.events.values_list("kind", flat=True))
    assert {"note", "request_sent", "request_answered", "clarification_requested"} <= set(kinds)
    assert request.due_at > request.sent_at
    assert [m.body for m in Message.objects.filter(report=case.report, direction="out")] == ["Уточните дату."]
    # The note is encrypted at rest.
    with connection.cursor() as c:
        c.execute("SELECT note FROM cases_caseevent WHERE kind = 'note'")
        assert "Позвонить".encode() not in bytes(c.fetchone()[0])


def test_a_colleague_cannot_add_notes_to_someone_elses_case(org, new_case):
    case = in_review(org, new_case)
    with pytest.raises(TransitionRefused):
        case_note_add(case=case, by=org["colleague"], text="x")


def test_one_reasoned_extension_up_to_two_months(org, new_case):
    case = accepted(org, new_case)
    limit = (case.registered_at + dt.timedelta(days=61)).date()
    with pytest.raises(TransitionRefused):
        case_extend(case=case, by=org["head"], until=limit + dt.timedelta(days=5), reason="Нужна экспертиза")
    until = (case.registered_at + dt.timedelta(days=40)).date()
    case = case_extend(case=case, by=org["head"], until=until, reason="Нужна экспертиза")
    assert case.answer_due_at.date() == until and case.due_at == case.answer_due_at
    assert "Нужна экспертиза" in Message.objects.get(report=case.report).body
    with pytest.raises(TransitionRefused):
        case_extend(case=case, by=org["head"], until=until + dt.timedelta(days=1), reason="Ещё")


def test_an_appeal_reopens_one_level_up_once(org, new_case):
    case = case_assign(
        case=accepted(org, new_case, category="education"),
        by=org["district_head"],
        officer=org["district_head"],
    )
    case = case_review_start(case=case, by=org["district_head"])
    case = case_decide(
        case=case,
        by=org["district_head"],
        outcome="not_substantiated",
        measures=[],
        findings="Нарушений нет.",
    )
    case = case_answer(case=case, by=org["district_head"], findings="Нарушений не выявлено.")
    assert case.unit == org["aktobe_district"]
    case = case_appeal(case=case, reason="Я не согласен: есть свидетели.")
    assert (case.state, case.unit, case.assignee) == (State.REOPENED, org["aktobe"], None)
    assert case.events.last().actor_label == "reporter"
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case = case_decide(case=case, by=org["officer"], outcome="partly", measures=[], findings="Частично.")
    case = case_answer(case=case, by=org["officer"], findings="Частично подтвердилось.")
    with pytest.raises(TransitionRefused):
        case_appeal(case=case, reason="Ещё раз")


def test_the_reporter_rates_the_answer(org, new_case):
    case = case_answer(case=decided(org, new_case), by=org["officer"], findings="Ответ.")
    with pytest.raises(TransitionRefused):
        case_rate(case=case, rating=9)
    assert case_rate(case=case, rating=4).reporter_rating == 4
    with pytest.raises(TransitionRefused):  # once only
        case_rate(case=case, rating=1)
    case.refresh_from_db()
    assert case.reporter_rating == 4 and case.events.filter(kind="rated").count() == 1


def test_the_clock_switches_from_triage_to_answer(org, new_case):
    case = new_case()
    assert case.due_at == case.triage_due_at
    case = accepted(org, new_case)
    assert case.due_at == case.answer_due_at
    assert case.remind_at < case.due_at < case.escalate_at


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_one_wins(org, new_case):
    case = in_review(org, new_case)
    outcomes, barrier = [], threading.Barrier(2)

    def decide(who, outcome):
        from django.db import connection as thread_connection

        try:
            stale = Case.objects.get(pk=case.pk)
            barrier.wait()
            case_decide(case=stale, by=org[who], outcome=outcome, measures=[], findings=f"by {who}")
            outcomes.append(("won", who))
        except TransitionRefused:
            outcomes.append(("refused", who))
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=("officer", "substantiated")),
        threading.Thread(target=decide, args=("head", "not_confirmed")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o for o, _ in outcomes) == ["refused", "won"]
    case.refresh_from_db()
    assert case.events.filter(kind="decide").count() == 1
    winner = next(w for o, w in outcomes if o == "won")
    assert case.outcome == {"officer": "substantiated", "head": "not_confirmed"}[winner]


def test_a_stale_page_cannot_overwrite_a_newer_change(org, new_case):
    case = accepted(org, new_case)
    stale = Case.objects.get(pk=case.pk)
    case_assign(case=case, by=org["head"], officer=org["officer"])
    with pytest.raises(TransitionRefused):
        case_assign(case=stale, by=org["head"], officer=org["colleague"])
    assert Case.objects.get(pk=case.pk).assignee == org["officer"]


def test_registration_time_is_kept(org, new_case):
    when = timezone.now() - dt.timedelta(days=3)
    assert new_case(received_at=when).registered_at == when
