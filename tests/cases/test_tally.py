"""The case tally stays equal to a recount of the cases through every transition, the sweep and two
officers at once, and the queue's counts read from it are the counts of the cases themselves."""

import contextlib
import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adal.cases.clocks import local_date
from adal.cases.models import Case, CaseCohort, CaseTally, State
from adal.cases.selectors import Period, QueueFilters, _counts_from_tally, _counts_of_cases, queue_counts
from adal.cases.services import (
    TransitionRefused,
    case_accept,
    case_answer,
    case_appeal,
    case_assign,
    case_close,
    case_decide,
    case_extend,
    case_leave,
    case_merge,
    case_redirect,
    case_reroute,
    case_review_start,
    case_triage_start,
)
from adal.cases.statistics import DIMENSIONS, _tallies_of_cases, case_tallies, case_tallies_by, whole_days
from adal.cases.sweep import deadlines_sweep
from adal.cases.tally import tally_differences, tally_rebuild, tally_total
from adal.core.permissions import SYSTEM
from adal.core.workdays import local_zone
from tests.cases.conftest import LOW_RISK
from tests.cases.test_transitions import accepted, decided

HIGH_RISK = type(LOW_RISK)("high", "Заявитель работает в том же отделе.")


def agrees() -> bool:
    differences = tally_differences()
    assert differences == {}
    return True


def test_every_step_of_the_algorithm_keeps_the_tally(org, new_case):
    assert agrees() and tally_total() == 0
    registered = new_case()
    assert agrees() and tally_total() == 1
    case_triage_start(case=registered, by=org["operator"])
    for action in (case_redirect, case_leave):
        case = new_case()
        extra = (
            {"authority": "Агентство", "reason": "Не наша компетенция."} if action is case_redirect else {}
        )
        action(case=case, by=org["operator"], risk=LOW_RISK, **(extra or {"reason": "Повтор."}))
        assert agrees()
    case_merge(case=new_case(), by=org["operator"], into=registered, risk=LOW_RISK)
    assert agrees()
    case = accepted(org, new_case, region="150000000", category="education")  # to the district
    case = case_reroute(case=case, by=org["head"], unit=org["almaty"])
    assert agrees()
    case = decided(org, new_case)
    case = case_extend(
        case=Case.objects.get(pk=accepted(org, new_case).pk),
        by=org["head"],
        until=local_date(timezone.now()) + dt.timedelta(days=40),
        reason="Ждём ответа прокуратуры.",
    )
    assert agrees()
    answered = case_answer(case=decided(org, new_case), by=org["officer"], findings="Ответ.")
    closed = case_close(case=answered, by=org["officer"])
    reopened = case_appeal(case=closed, reason="Не согласен.")
    assert reopened.state == State.REOPENED and agrees()
    case_assign(case=reopened, by=org["centre_head"], officer=org["centre_head"])
    assert agrees()
    assert tally_total() == Case.objects.count()


def test_the_sweep_keeps_the_tally_when_it_escalates_and_closes(org, new_case):
    late = accepted(org, new_case)
    answered = case_answer(case=decided(org, new_case), by=org["officer"], findings="Ответ.")
    past = timezone.now() - dt.timedelta(days=30)
    Case.objects.filter(pk=late.pk).update(due_at=past, escalate_at=past)
    Case.objects.filter(pk=answered.pk).update(due_at=past)
    tally_rebuild()  # the dates moved by hand, not by a transition
    report = deadlines_sweep(now=timezone.now(), by=SYSTEM)
    assert report["closed"] == 1 and report["overdue"] == 1
    deadlines_sweep(now=timezone.now(), by=SYSTEM)
    assert Case.objects.get(pk=late.pk).overdue_level == 2 and agrees()
    assert CaseTally.objects.filter(state=State.CLOSED).get().n == 1


def test_a_high_risk_triage_and_the_due_week_are_in_the_key(org, new_case):
    case = case_triage_start(case=new_case(), by=org["operator"])
    case = case_accept(case=case, by=org["operator"], risk=HIGH_RISK)
    row = CaseTally.objects.exclude(n=0).get()
    assert (row.high_risk, row.unit_pk, row.state) == (True, case.unit_id, State.ACCEPTED)
    monday = local_date(case.due_at) - dt.timedelta(days=local_date(case.due_at).weekday())
    assert row.due_week == int(monday.strftime("%Y%m%d"))


# ---------------------------------------------------------------- the queue's counts

FILTERS = [
    QueueFilters(),
    QueueFilters(overdue=True),
    QueueFilters(category="bribery"),
    QueueFilters(category="bribery", overdue=True),
    QueueFilters(region="150000000"),
    QueueFilters(high_risk=True),
    QueueFilters(state="closed"),
    QueueFilters(state="redirected", overdue=True),
]
USERS = ["centre_head", "head", "almaty_head", "district_head", "operator", "officer"]


def assert_counts_agree(org):
    for name in USERS:
        for f in FILTERS:
            assert _counts_from_tally(org[name], f) == _counts_of_cases(org[name], f), (name, f)


def test_the_queue_counts_the_tally_as_it_counts_the_cases(org, new_case):
    accepted(org, new_case)
    accepted(org, new_case, category="education")
    case_accept(
        case=case_triage_start(case=new_case(), by=org["operator"]), by=org["operator"], risk=HIGH_RISK
    )
    case_redirect(case=new_case(), by=org["operator"], authority="АПК", reason="Компетенция.", risk=LOW_RISK)
    new_case()
    overdue = accepted(org, new_case, region="750000000")
    Case.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    tally_rebuild()
    assert_counts_agree(org)
    assert queue_counts(org["centre_head"], QueueFilters())["overdue"] == 1


def test_a_case_due_earlier_today_is_overdue_in_both_counts(org, new_case):
    now = timezone.now()
    start = dt.datetime.combine(local_date(now), dt.time.min, tzinfo=local_zone())
    if now - start < dt.timedelta(minutes=2):
        pytest.skip("just after midnight in Almaty: no earlier moment today")
    case = accepted(org, new_case)
    Case.objects.filter(pk=case.pk).update(due_at=now - dt.timedelta(minutes=1))
    tally_rebuild()
    assert _counts_from_tally(org["head"], QueueFilters())["overdue"] == 1
    assert _counts_from_tally(org["head"], QueueFilters(overdue=True))["accepted"] == 1
    assert_counts_agree(org)


def test_filters_the_tally_does_not_keep_count_the_cases(org, new_case):
    accepted(org, new_case)
    CaseTally.objects.all().delete()  # a tally that would be wrong, were it read
    assert queue_counts(org["head"], QueueFilters(channel="web"))["open"] == 1
    assert queue_counts(org["head"], QueueFilters(assignee="none"))["open"] == 1
    assert queue_counts(org["head"], QueueFilters())["open"] == 0


STEPS = [
    "new",
    "triage",
    "accept",
    "redirect",
    "assign",
    "reroute",
    "review",
    "decide",
    "answer",
    "close",
    "appeal",
]


def _step(org, new_case, case: Case | None, step: str, category: str, region: str) -> None:
    op, head, officer = org["operator"], org["head"], org["officer"]
    if step == "new" or case is None:
        new_case(category=category, region=region)
        return
    case = Case.objects.select_related("unit", "policy", "report").get(pk=case.pk)
    actions = {
        "triage": lambda: case_triage_start(case=case, by=op),
        "accept": lambda: case_accept(case=case, by=op, risk=LOW_RISK),
        "redirect": lambda: case_redirect(case=case, by=op, authority="АПК", reason="—", risk=LOW_RISK),
        "assign": lambda: case_assign(case=case, by=head, officer=officer),
        "reroute": lambda: case_reroute(case=case, by=org["centre_head"], unit=org["almaty"]),
        "review": lambda: case_review_start(case=case, by=officer),
        "decide": lambda: case_decide(case=case, by=officer, outcome="partly", measures=[], findings="x"),
        "answer": lambda: case_answer(case=case, by=officer, findings="Ответ."),
        "close": lambda: case_close(case=case, by=officer),
        "appeal": lambda: case_appeal(case=case, reason="Не согласен."),
    }
    with contextlib.suppress(TransitionRefused):  # a step not possible now: the tally must not move either
        actions[step]()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    walk=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(STEPS),
            st.sampled_from(["bribery", "education", "land"]),
            st.sampled_from(["150000000", "750000000"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_random_walks_keep_the_tally_and_the_counts(org, new_case, walk):
    for which, step, category, region in walk:
        cases = list(Case.objects.order_by("pk"))
        _step(org, new_case, cases[which % len(cases)] if cases else None, step, category, region)
    assert agrees()
    assert_counts_agree(org)
    assert_statistics_agree()


# ---------------------------------------------------------------- the public statistics


def days_around_now() -> Period:
    today = local_date(timezone.now())
    start = dt.datetime.combine(today - dt.timedelta(days=40), dt.time.min, tzinfo=local_zone())
    return Period(
        start=start, end=dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=local_zone())
    )


def as_compared(tallies: dict) -> dict:
    return {
        k: (t.received, t.due, t.answered, t.answered_on_time, t.working_days) for k, t in tallies.items()
    }


def assert_statistics_agree():
    period, now = days_around_now(), timezone.now()
    assert whole_days(period) is not None
    at_once = case_tallies_by(period, DIMENSIONS, now=now)  # one statement for every grouping
    cases_at_once = _tallies_of_cases(period, DIMENSIONS, now)  # one pass over the cases
    for by in DIMENSIONS:
        one = as_compared(case_tallies(period, by, now=now))
        assert one == as_compared(_tallies_of_cases(period, (by,), now)[by]), by
        assert one == as_compared(at_once[by]) == as_compared(cases_at_once[by]), by


def test_the_statistics_count_the_cohort_as_they_count_the_cases(org, new_case):
    late = case_answer(case=decided(org, new_case, outcome="partly"), by=org["officer"], findings="Ответ.")
    Case.objects.filter(pk=late.pk).update(answered_at=late.answer_due_at + dt.timedelta(days=9))
    case_answer(case=decided(org, new_case), by=org["officer"], findings="Ответ.")
    overdue = accepted(org, new_case, region="750000000")
    Case.objects.filter(pk=overdue.pk).update(answer_due_at=timezone.now() - dt.timedelta(days=2))
    accepted(org, new_case, category="education")
    case_leave(case=new_case(), by=org["operator"], reason="Повтор.", risk=LOW_RISK)
    new_case(region="750000000")
    tally_rebuild()  # the dates moved by hand
    assert_statistics_agree()
    region = case_tallies(days_around_now(), "region")["150000000"]
    assert (region.received, region.due, region.answered, region.answered_on_time) == (4, 2, 2, 1)
    assert case_tallies(days_around_now(), "region")["750000000"].due == 1
    assert set(case_tallies(days_around_now(), "outcome")) == {
        "partly",
        "substantiated",
        "pending",
        "left_without_consideration",
    }


def test_a_period_not_of_whole_days_is_counted_from_the_cases(org, new_case):
    new_case()
    CaseCohort.objects.all().delete()  # would count nothing, were it read
    now = timezone.now()
    assert (
        case_tallies(Period(now - dt.timedelta(days=1), now + dt.timedelta(hours=1)), "unit")[""].received
        == 1
    )
    assert case_tallies(days_around_now(), "unit") == {}


# ---------------------------------------------------------------- the command


def test_the_command_finds_a_difference_and_rebuilds(org, new_case):
    accepted(org, new_case)
    out = io.StringIO()
    call_command("case_tally_rebuild", "--check", stdout=out)
    assert "agree with the cases" in out.getvalue()
    CaseTally.objects.exclude(n=0).update(n=7)  # one case, counted as seven
    with pytest.raises(SystemExit) as exit_:
        call_command("case_tally_rebuild", "--check", stdout=out, stderr=io.StringIO())
    assert exit_.value.code == 1 and "tally 7, cases 1" in out.getvalue()
    call_command("case_tally_rebuild", stdout=out)
    assert agrees()


# ---------------------------------------------------------------- two officers at once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_heads_moving_cases_in_opposite_directions_at_once_lose_no_count(org, new_case):
    """One case moves into the row of Aktobe's assigned cases while another leaves it (re-routed to
    Almaty), both at once: neither update to the shared row may be lost, and neither may deadlock. Then
    four cases move from one row to another together."""
    pairs = []
    for _ in range(3):
        one = accepted(org, new_case)
        other = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
        pairs.append((one, other))
    for one, other in pairs:
        errors = at_once(
            lambda c=one: case_assign(case=c, by=org["head"], officer=org["officer"]),
            lambda c=other: case_reroute(case=c, by=org["centre_head"], unit=org["almaty"]),
        )
        assert errors == []
    assert agrees()
    assert CaseTally.objects.filter(state=State.ASSIGNED).exclude(n=0).get().n == 3
    four = [accepted(org, new_case) for _ in range(4)]
    assert (
        at_once(*(lambda c=c: case_assign(case=c, by=org["head"], officer=org["officer"]) for c in four))
        == []
    )
    assert agrees()
    assert CaseTally.objects.filter(state=State.ASSIGNED).exclude(n=0).get().n == 7


def at_once(*fns) -> list[Exception]:
    """Run each function in its own thread and connection, all starting together; their errors."""
    barrier, errors = threading.Barrier(len(fns)), []

    def run(fn):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            fn()
        except Exception as e:
            errors.append(e)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_whole_months_are_read_from_their_month_rows_and_partial_ones_from_day_rows(org, new_case):
    today = local_date(timezone.now())
    month = today.replace(day=1)
    last_month = (month - dt.timedelta(days=1)).replace(day=1)
    new_case(
        received_at=dt.datetime.combine(last_month + dt.timedelta(days=3), dt.time(12), tzinfo=local_zone())
    )
    new_case(
        received_at=dt.datetime.combine(last_month + dt.timedelta(days=20), dt.time(12), tzinfo=local_zone())
    )
    accepted(org, new_case)
    month_rows = CaseCohort.objects.filter(registered_day=int(f"{last_month:%Y%m}00"), grouped_by="unit")
    assert sum(month_rows.values_list("n", flat=True)) == 2

    def received(first, last):
        period = Period(
            dt.datetime.combine(first, dt.time.min, tzinfo=local_zone()),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=local_zone()),
        )
        cohort = case_tallies(period, "channel")
        assert as_compared(cohort) == as_compared(
            _tallies_of_cases(period, ("channel",), timezone.now())["channel"]
        )
        return sum(t.received for t in cohort.values())

    assert received(last_month, month - dt.timedelta(days=1)) == 2  # a whole month
    assert received(last_month + dt.timedelta(days=10), today) == 2  # two partial months
    assert received(last_month, today) == 3
    assert received(last_month + dt.timedelta(days=4), last_month + dt.timedelta(days=19)) == 0
