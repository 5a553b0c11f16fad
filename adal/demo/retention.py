"""Demo retention: old cases, closed more than five years ago, whose content the worker's job has already
purged, and one of them kept past its period by a legal hold. Made through the services, in time order."""

import datetime as dt

from django.utils import timezone

from adal.cases import services as cs
from adal.cases.models import Case
from adal.cases.retention import case_hold_place, retention_purge
from adal.core.permissions import WORKER
from adal.demo.history import D, frozen_at
from adal.demo.retaliation import triage_risk
from adal.hotline.models import Channel, IdentityMode
from adal.hotline.services import ReportDraft, report_submit

AKTOBE = "150000000"
OLD_REPORTS = [
    (
        "bribery",
        "Инспектор ЦОН потребовал 40 000 тенге за ускоренную выдачу справки.",
        IdentityMode.ANONYMOUS,
    ),
    ("land", "Участок под детскую площадку выделен родственнику акима села.", IdentityMode.CONFIDENTIAL),
    ("health_care", "В больнице за бесплатную операцию требуют оплату наличными.", IdentityMode.ANONYMOUS),
    ("procurement", "Тендер на школьное питание выиграла фирма без опыта и поваров.", IdentityMode.OPEN),
]
HELD = 3  # the procurement case: its content is evidence in a criminal case


def build_retention(*, staff: dict) -> dict[str, int]:
    """Four reports from six years ago, handled and closed within a month; a legal hold on the last
    placed last month; then the daily job, which purges the three whose period has passed."""
    now = timezone.now()
    start = now - dt.timedelta(days=6 * 365)
    cases = [_old_case(staff, i, start + i * 3 * D) for i in range(len(OLD_REPORTS))]
    head = staff["heads"][cases[HELD].unit_id]
    with frozen_at(now - 30 * D):
        case_hold_place(
            case=cases[HELD],
            by=head,
            reason="Материалы запрошены следственным судьёй по уголовному делу о госзакупках.",
        )
    return retention_purge(by=WORKER, now=now)


def _old_case(staff, i: int, received_at: dt.datetime) -> Case:
    category, text, mode = OLD_REPORTS[i]
    named = mode != IdentityMode.ANONYMOUS
    draft = ReportDraft(
        category=category,
        region=AKTOBE,
        description=text,
        identity_mode=mode,
        language="ru",
        occurred=str(received_at.year),
        name="Ержан Нурланов" if named else "",
        iin="850612350456" if named else "",
        phone=f"+7 701 555 02 0{i}" if named else "",
    )
    with frozen_at(received_at):
        report = report_submit(draft=draft, channel=Channel.WEB, received_at=received_at).report
    steps = [
        (2, lambda c: cs.case_triage_start(case=c, by=staff["operator"])),
        (22, lambda c: cs.case_accept(case=c, by=staff["operator"], risk=triage_risk(c))),
        (30, lambda c: cs.case_assign(case=c, by=_head(staff, c), officer=_officer(staff, c))),
        (50, lambda c: cs.case_review_start(case=c, by=c.assignee)),
        (60, lambda c: cs.case_note_add(case=c, by=c.assignee, text="Опросить заявителя и свидетелей.")),
        (200, lambda c: cs.case_decide(
            case=c, by=c.assignee, outcome="partly", measures=[("recommendation", "Акимату района")],
            findings="Факты подтвердились частично.",
        )),
        (220, lambda c: cs.case_answer(case=c, by=c.assignee, findings="Выданы рекомендации акимату.")),
        (300, lambda c: cs.case_close(case=c, by=c.assignee)),
    ]  # fmt: skip
    for hours, step in steps:
        with frozen_at(received_at + dt.timedelta(hours=hours)):
            step(Case.objects.select_related("report", "unit", "policy").get(report=report))
    return Case.objects.get(report=report)


def _head(staff, case):
    return staff["heads"].get(case.unit_id) or staff["admin"]


def _officer(staff, case):
    return staff["officers"].get(case.unit_id) or _head(staff, case)
