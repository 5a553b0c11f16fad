"""Demo: the risk of retaliation assessed at every triage, and a reporter who reports retaliation from
their inbox, whose protection case is handled one level up and decided with protection measures."""

import datetime as dt

from django.utils import timezone

from adal.cases import services as cs
from adal.cases.models import Case, MeasureKind, RiskLevel
from adal.cases.services import Risk
from adal.core.models import Unit
from adal.demo.history import frozen_at
from adal.hotline.models import IdentityMode, RetaliationKind
from adal.hotline.services import RetaliationDraft, retaliation_report_submit

REASONS = {
    RiskLevel.LOW: "Анонимное сообщение: по изложенным фактам заявителя не установить.",
    RiskLevel.MEDIUM: "Заявитель назвал себя; о фактах знает узкий круг работников организации.",
    RiskLevel.HIGH: (
        "Заявитель работает в подчинении у лица, на которое жалуется, и его легко узнать по фактам; "
        "руководитель уже высказывал угрозы."
    ),
}


def triage_risk(case: Case) -> Risk:
    """The demo triage's assessment: a named reporter is exposed, one who speaks openly of a land or
    procurement deal (often their own employer's) most of all."""
    mode = case.report.identity_mode
    if mode == IdentityMode.OPEN and case.category in ("procurement", "land"):
        level = RiskLevel.HIGH
    elif mode != IdentityMode.ANONYMOUS:
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.LOW
    return Risk(level, REASONS[level])


def build_retaliation(*, staff: dict, receipts: list) -> Case | None:
    """A named Aktobe reporter, dismissed after reporting, reports it from the inbox: the protection
    case goes to the centre (above Aktobe's branch), is triaged the next morning at high risk and decided
    with protection measures, while the original case shows the flag."""
    by_number = {r.registration_number: r.receipt for r in receipts}
    original = (
        Case.objects.select_related("report", "unit")
        .filter(
            report__registration_number__in=by_number,
            unit__territory__kato="150000000",
            state__in=["assigned", "in_review", "answered", "closed"],
        )
        .exclude(report__identity_mode=IdentityMode.ANONYMOUS)
        .order_by("registered_at")
        .first()
    )
    if original is None:
        return None
    centre = Unit.objects.get(pk=original.unit.parent_id)
    head, officer = staff["heads"][centre.pk], staff["officers"][centre.pk]
    reported_at = timezone.now() - dt.timedelta(days=3)
    with frozen_at(reported_at):
        report = retaliation_report_submit(
            report=original.report,
            receipt=by_number[original.report.registration_number],
            draft=RetaliationDraft(
                kind=RetaliationKind.DISMISSAL,
                occurred_on=(reported_at - dt.timedelta(days=5)).date(),
                description=(
                    "Через неделю после моего сообщения директор уволил меня «по сокращению штата», "
                    "хотя мою должность оставили и взяли на неё его племянника."
                ),
                language=original.report.language,
            ),
        )
    case = Case.objects.get(report=report)
    with frozen_at(reported_at + dt.timedelta(hours=20)):
        case = cs.case_triage_start(case=case, by=head)
        case = cs.case_accept(case=case, by=head, risk=Risk(RiskLevel.HIGH, REASONS[RiskLevel.HIGH]))
        case = cs.case_assign(case=case, by=head, officer=officer)
    with frozen_at(reported_at + dt.timedelta(days=1, hours=2)):
        case = cs.case_review_start(case=case, by=officer)
    with frozen_at(reported_at + dt.timedelta(days=2)):
        case = cs.case_decide(
            case=case,
            by=officer,
            outcome="substantiated",
            measures=[
                (MeasureKind.LABOUR_INSPECTION, "Обращение в инспекцию труда Актюбинской области"),
                (MeasureKind.INTERIM_MEASURE, "Ходатайство о приостановлении приказа об увольнении"),
                (MeasureKind.LEGAL_AID, "Бесплатная консультация юриста"),
            ],
            findings="Увольнение последовало сразу после сообщения; должность не сокращена.",
        )
    return case
