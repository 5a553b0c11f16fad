"""Oral reports and letters in the demo: a phone call whose transcript the reporter corrected and then
confirmed, a visit whose minutes the reporter confirmed as written, and a letter registered three days
after its reception stamp, so that its clocks ran from the stamp. Every step goes through the services,
at its own moment, in Aktobe, where the printed head and officer work."""

import datetime as dt

from django.utils import timezone

from adal.cases import services as cs
from adal.cases.models import Case
from adal.cases.sweep import deadlines_sweep
from adal.core.permissions import REPORTER, SYSTEM
from adal.core.workdays import local_zone
from adal.demo.history import Schedule, daily_sweeps
from adal.demo.retaliation import triage_risk
from adal.demo.scenario import DemoReceipt
from adal.hotline.models import Channel, IdentityMode, Transcript
from adal.hotline.services import (
    ReportDraft,
    Submitted,
    report_submit,
    transcript_confirm,
    transcript_correct,
)

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
AKTOBE = "150000000"

PHONE_TRANSCRIPT = """Оператор: Горячая линия, слушаю вас.
Заявитель: Я хочу сообщить о взятке. В ЦОНе Алгинского района за ускоренное оформление участка под дом
с меня потребовали 30 000 тенге.
Оператор: Кто потребовал и когда?
Заявитель: Специалист по земельным вопросам, в понедельник, в его кабинете. Сказал, что иначе документы
пролежат три месяца.
Оператор: Вы передали деньги?
Заявитель: Нет. Я сказал, что подумаю."""

PHONE_CORRECTION = (
    "Сумма была 50 000 тенге, а не 30 000. И это было во вторник, а не в понедельник: "
    "в понедельник я только сдал документы."
)

VISIT_MINUTES = """Заявитель пришёл на личный приём и сообщил: заведующая детским садом № 7 в Актобе
включает детей в список на зачисление вне очереди за 100 000 тенге «на ремонт группы». Квитанций
родителям не выдают. Заявитель сам не платил; о требовании ему рассказали трое родителей, готовых
подтвердить это. Заявитель просит проверить список зачисленных за последние полгода."""

LETTER_TEXT = (
    "Письмо жителя села: на строительство водопровода в селе выделены средства из местного бюджета, "
    "работы приняты по акту в прошлом году, но воды в домах нет, а трубы проложены только на одной улице."
)


def build_oral_reports(*, staff: dict) -> list[DemoReceipt]:
    """The three reports, run step by step at their moments; their receipts, to open the inboxes."""
    now = timezone.now()
    schedule = Schedule()
    made: dict[str, Submitted] = {}
    operator = staff["operator"]

    def register(key, draft, channel):
        made[key] = report_submit(draft=draft, channel=channel, registered_by=operator)

    def case(key) -> Case:
        return Case.objects.select_related("report", "unit", "policy").get(report=made[key].report)

    call = _office_hours(now - 9 * D, 10)
    schedule.at(call, lambda: register("phone", _phone_draft(), Channel.PHONE))
    schedule.at(call + H, lambda: cs.case_triage_start(case=case("phone"), by=operator))
    schedule.at(
        call + 2 * H, lambda: cs.case_accept(case=case("phone"), by=operator, risk=triage_risk(case("phone")))
    )
    schedule.at(call + D, lambda: _assign(case("phone"), staff))
    schedule.at(
        call + 2 * D,
        lambda: transcript_correct(
            report=made["phone"].report, text=PHONE_CORRECTION, receipt=made["phone"].receipt, by=REPORTER
        ),
    )
    schedule.at(call + 3 * D, lambda: transcript_confirm(report=made["phone"].report, by=REPORTER))

    visit = _office_hours(now - 6 * D, 15)
    schedule.at(visit, lambda: register("visit", _visit_draft(), Channel.IN_PERSON))
    schedule.at(visit + 3 * H, lambda: cs.case_triage_start(case=case("visit"), by=operator))
    schedule.at(visit + D, lambda: transcript_confirm(report=made["visit"].report, by=REPORTER))

    registered = _office_hours(now - 2 * D, 11)
    stamped = (registered - 3 * D).astimezone(local_zone()).date()
    schedule.at(registered, lambda: register("letter", _letter_draft(stamped), Channel.LETTER))

    daily_sweeps(schedule, call, now)  # the reminders and escalations of these cases, on their days
    schedule.run()
    deadlines_sweep(now=now, by=SYSTEM)
    return [
        DemoReceipt(s.report.registration_number, s.receipt, s.report.language, s.report.channel)
        for s in made.values()
    ]


def _office_hours(moment: dt.datetime, hour: int) -> dt.datetime:
    return moment.astimezone(local_zone()).replace(hour=hour, minute=20, second=0, microsecond=0)


def _assign(case: Case, staff: dict) -> None:
    head = staff["heads"].get(case.unit_id) or staff["admin"]
    cs.case_assign(case=case, by=head, officer=staff["officers"].get(case.unit_id) or head)


def _phone_draft() -> ReportDraft:
    return ReportDraft(
        category="bribery",
        region=AKTOBE,
        description=PHONE_TRANSCRIPT,
        transcript_kind=Transcript.Kind.TRANSCRIPT,
        identity_mode=IdentityMode.ANONYMOUS,
        occurred="2026",
        place="ЦОН, Алгинский район",
        persons=["Специалист по земельным вопросам"],
        organisations=["Центр обслуживания населения"],
    )


def _visit_draft() -> ReportDraft:
    return ReportDraft(
        category="education",
        region=AKTOBE,
        description=VISIT_MINUTES,
        transcript_kind=Transcript.Kind.MINUTES,
        identity_mode=IdentityMode.OPEN,
        name="Ержан Нурланов",
        iin="850612350456",
        phone="+7 701 555 02 17",
        persons=["Заведующая детским садом № 7"],
        organisations=["Детский сад № 7, Актобе"],
    )


def _letter_draft(stamped: dt.date) -> ReportDraft:
    return ReportDraft(
        category="drinking_water",
        region=AKTOBE,
        description=LETTER_TEXT,
        identity_mode=IdentityMode.CONFIDENTIAL,
        name="Айгерим Сапарова",
        iin="900215450129",
        phone="+7 701 555 03 41",
        received_on=stamped,
    )
