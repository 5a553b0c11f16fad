"""Demo history: reports arrive over six weeks and the response algorithm runs on them, step by step
in time order, with the daily deadline sweep, so that the timelines, the audit log and the clocks
read as they would after six weeks of real work. Every step goes through the services."""

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from contextlib import contextmanager
from unittest import mock

from adal.cases import services as cs
from adal.cases.models import Case
from adal.cases.sweep import deadlines_sweep
from adal.core.permissions import SYSTEM
from adal.core.workdays import local_zone
from adal.hotline.models import Report
from adal.hotline.services import reporter_message_add

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
# Where each path stops, and how likely it is.
TARGETS = [
    ("registered", 2),
    ("triage", 2),
    ("accepted", 3),
    ("assigned", 4),
    ("in_review", 6),
    ("decided", 2),
    ("answered", 5),
    ("closed", 8),
    ("redirected", 2),
    ("merged", 1),
    ("left_without_consideration", 1),
    ("reopened", 2),
    ("extended", 2),
]
# How long a case may wait in each open state before it is overdue (about: triage has working days,
# consideration 15 working days, an extension 20 more), and how many of the older cases have moved on.
OPEN_TERM = {
    "registered": 3 * D,
    "triage": 3 * D,
    "accepted": 20 * D,
    "assigned": 20 * D,
    "in_review": 20 * D,
    "decided": 20 * D,
    "reopened": 20 * D,
    "extended": 40 * D,
}
FINISHED_IN_TERM = 0.9
STAGE_AFTER = {
    "triage": 2 * H,
    "accepted": 22 * H,
    "assigned": 30 * H,
    "in_review": 2 * D,
    "decided": 9 * D,
    "answered": 10 * D,
    "closed": 13 * D,
}


@contextmanager
def frozen_at(moment: dt.datetime):
    """Run services as if it were ``moment``: events, audit entries and clocks all carry that time."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Schedule:
    def __init__(self):
        self._heap: list = []
        self._order = itertools.count()

    def at(self, moment: dt.datetime, step: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (moment, next(self._order), step))

    def run(self) -> None:
        while self._heap:
            moment, _, step = heapq.heappop(self._heap)
            with frozen_at(moment):
                step()


def plan_case(
    schedule: Schedule,
    *,
    report_of: Callable[[], Report],
    received_at: dt.datetime,
    target: str,
    staff,
    rng: random.Random,
    now: dt.datetime,
    merge_into: Callable[[], Case] | None,
) -> None:
    """Schedule the steps that take one case from registration to its target state."""

    def case() -> Case:
        return Case.objects.select_related("report", "unit", "policy").get(report=report_of())

    def later(offset, fn):
        if received_at + offset < now:
            schedule.at(received_at + offset, fn)

    operator = staff["operator"]
    if target == "registered":
        return
    later(STAGE_AFTER["triage"], lambda: cs.case_triage_start(case=case(), by=operator))
    side = {"redirected", "merged", "left_without_consideration"}
    if target in side:
        later(STAGE_AFTER["accepted"], lambda: _side_exit(case(), target, operator, merge_into))
        return
    if target == "triage":
        return
    later(
        STAGE_AFTER["accepted"],
        lambda: cs.case_accept(
            case=case(), by=operator, risk=_risk(case()), involves_official=rng.random() < 0.3
        ),
    )
    if target == "accepted":
        return
    later(STAGE_AFTER["assigned"], lambda: _assign(case(), staff))
    if target == "assigned":
        return
    later(
        STAGE_AFTER["in_review"], lambda: _review(case(), staff, rng, received_at + STAGE_AFTER["in_review"])
    )
    if target == "extended":
        later(5 * D, lambda: _extend(case(), staff))
        return
    if target == "in_review":
        return
    outcome = rng.choice(["substantiated", "partly", "not_substantiated", "not_confirmed"])
    later(STAGE_AFTER["decided"], lambda: _decide(case(), staff, outcome))
    if target == "decided":
        return
    later(STAGE_AFTER["answered"], lambda: _answer(case(), staff))
    if target == "answered":
        return
    if target == "reopened":
        later(
            STAGE_AFTER["answered"] + 2 * D,
            lambda: cs.case_appeal(
                case=case(), reason="Я не согласен с ответом: факты подтверждаются документами."
            ),
        )
        return  # waits, reopened, for the head one level up
    later(STAGE_AFTER["closed"], lambda: _close_or_rate(case(), rng))


def _officer_of(case, staff):
    return staff["officers"].get(case.unit_id)


def _assign(case, staff):
    head = staff["heads"].get(case.unit_id) or staff["admin"]
    officer = _officer_of(case, staff) or head
    cs.case_assign(case=case, by=head, officer=officer)


def _review(case, staff, rng, moment):
    cs.case_review_start(case=case, by=case.assignee)
    case.refresh_from_db()
    cs.case_note_add(case=case, by=case.assignee, text="Запросить документы и опросить свидетелей.")
    if rng.random() < 0.5:
        cs.case_request_send(
            case=case,
            by=case.assignee,
            addressee="Управление образования",
            question="Просим представить приказы и пояснения по фактам обращения.",
            due_days=5,
        )
    if rng.random() < 0.3:
        cs.case_clarification_request(
            case=case, by=case.assignee, text="Уточните, пожалуйста, дату и время, когда это произошло."
        )


def _extend(case, staff):
    head = staff["heads"].get(case.unit_id) or staff["admin"]
    until = (case.answer_due_at.astimezone(local_zone()) + dt.timedelta(days=20)).date()
    cs.case_extend(case=case, by=head, until=until, reason="Требуется получить заключение экспертизы.")


def _decide(case, staff, outcome):
    measures = {
        "substantiated": [("disciplinary", "Дисциплинарное производство"), ("law_enforcement", "")],
        "partly": [("recommendation", "Рекомендация акимату района")],
    }.get(outcome, [])
    cs.case_decide(
        case=case,
        by=case.assignee,
        outcome=outcome,
        measures=measures,
        findings="Проверка проведена: изучены документы, опрошены работники.",
    )


def _answer(case, staff):
    cs.case_answer(
        case=case,
        by=case.assignee,
        findings="По результатам проверки приняты меры, указанные ниже. Благодарим за бдительность.",
    )


def _close_or_rate(case, rng):
    if rng.random() < 0.5:
        cs.case_rate(case=case, rating=rng.randint(2, 5))
    cs.case_close(case=case, by=case.assignee)


def _side_exit(case, target, operator, merge_into):
    if target == "redirected":
        cs.case_redirect(
            case=case,
            by=operator,
            authority="Агентство РК по противодействию коррупции",
            reason="Сообщение содержит признаки уголовного коррупционного правонарушения.",
            risk=_risk(case),
        )
    elif target == "merged" and merge_into is not None:
        cs.case_merge(case=case, by=operator, into=merge_into(), risk=_risk(case))
    else:
        cs.case_leave(
            case=case,
            by=operator,
            reason="В обращении не указаны обстоятельства, которые можно проверить.",
            risk=_risk(case),
        )


def _risk(case):
    from adal.demo.retaliation import triage_risk  # it builds on this module's schedule

    return triage_risk(case)


def daily_sweeps(schedule: Schedule, start: dt.datetime, now: dt.datetime) -> None:
    day = start.astimezone(local_zone()).replace(hour=18, minute=0, second=0, microsecond=0)
    while day < now:
        schedule.at(day, lambda d=day: deadlines_sweep(now=d, by=SYSTEM))
        day += D


def reporter_writes(schedule: Schedule, report_of, receipt_of, moment: dt.datetime) -> None:
    schedule.at(
        moment,
        lambda: reporter_message_add(
            report=report_of(), receipt=receipt_of(), body="Дополняю: свидетели готовы дать показания."
        ),
    )


def choose_target(rng: random.Random, age: dt.timedelta) -> str:
    names, weights = zip(*TARGETS, strict=True)
    target = rng.choices(names, weights)[0]
    # A young report cannot have gone far yet.
    reachable = [s for s, after in STAGE_AFTER.items() if after < age]
    if target in STAGE_AFTER and target not in reachable:
        return reachable[-1] if reachable else "registered"
    if target in ("reopened", "extended") and age < 16 * D:
        return "in_review" if age > 3 * D else "registered"
    # Most cases are finished within their term: a report older than its term is rarely still open
    # (the overdue ones the queue shows are the STUCK few and this small remainder).
    if target in OPEN_TERM and age > OPEN_TERM[target] and rng.random() < FINISHED_IN_TERM:
        return rng.choice(["answered", "closed", "closed"])
    return target
