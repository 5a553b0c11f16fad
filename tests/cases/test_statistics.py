import datetime as dt

import pytest
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.models import Case
from adal.cases.selectors import (
    Period,
    answered_on_time_share,
    case_counts_by,
    median_working_days_to_answer,
    overdue_now,
)
from adal.cases.services import case_answer, case_assign, case_decide, case_review_start
from adal.cases.sweep import deadlines_sweep
from adal.core.permissions import SYSTEM
from adal.core.workdays import calendar
from tests.cases.test_transitions import accepted


@pytest.fixture
def period():
    now = timezone.now()
    return Period(start=now - dt.timedelta(days=30), end=now + dt.timedelta(days=1))


def answer(org, case, outcome="substantiated"):
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case = case_decide(case=case, by=org["officer"], outcome=outcome, measures=[], findings="x")
    return case_answer(case=case, by=org["officer"], findings="Ответ.")


def test_counts_by_each_dimension(org, new_case, period):
    answer(org, accepted(org, new_case, category="bribery"), "partly")
    accepted(org, new_case, category="procurement", region="750000000")
    new_case(category="bribery")
    assert case_counts_by(period, "state") == {"answered": 1, "accepted": 1, "registered": 1}
    assert case_counts_by(period, "category") == {"bribery": 2, "procurement": 1}
    assert case_counts_by(period, "region") == {"150000000": 2, "750000000": 1}
    assert case_counts_by(period, "channel") == {"web": 3}
    assert case_counts_by(period, "outcome") == {"partly": 1, "": 2}


def test_the_period_bounds_registration(org, new_case, period):
    new_case(received_at=period.start - dt.timedelta(days=1))
    new_case()
    assert sum(case_counts_by(period, "state").values()) == 1


def test_share_answered_on_time_and_median_days(org, new_case, period):
    on_time = answer(org, accepted(org, new_case))
    late = answer(org, accepted(org, new_case))
    late_answer = late.answer_due_at + dt.timedelta(days=1)
    Case.objects.filter(pk=late.pk).update(answered_at=late_answer)
    assert answered_on_time_share(period) == 0.5
    taken = calendar().working_days_between(local_date(late.registered_at), local_date(late_answer))
    assert taken >= 15
    assert median_working_days_to_answer(period) == (0 + taken) / 2  # the other was answered the same day
    assert local_date(on_time.answered_at) == local_date(on_time.registered_at)


def test_no_answers_means_no_share(db, period):
    assert answered_on_time_share(period) is None
    assert median_working_days_to_answer(period) is None


def test_overdue_now(org, new_case):
    case = accepted(org, new_case)
    Case.objects.filter(pk=case.pk).update(
        due_at=timezone.now() - dt.timedelta(days=1), escalate_at=timezone.now() - dt.timedelta(hours=1)
    )
    deadlines_sweep(now=timezone.now(), by=SYSTEM)
    deadlines_sweep(now=timezone.now(), by=SYSTEM)
    assert overdue_now() == {"overdue": 1, "very_overdue": 1}
