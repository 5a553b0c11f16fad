"""Demo: confidential reporters whose identity an officer asked to see. One request waits for the identity
custodian, one was approved (the reporter told in the inbox, the officer viewed the identity), one was
refused. All in Aktobe, where the printed officer and head work; the printed custodian sits at the centre.
"""

import datetime as dt

from adal.cases import services as cs
from adal.cases.disclosure import disclosure_approve, disclosure_refuse, disclosure_request, identity_for
from adal.cases.models import Case
from adal.core.models import Unit, User
from adal.demo.retaliation import triage_risk
from adal.hotline.models import Channel, IdentityMode
from adal.hotline.services import ReportDraft, report_submit

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
AKTOBE = "150000000"
CUSTODIAN = "identity-custodian"  # the printed account (build_accounts names it after its role)

# (days ago, language, reporter, story, the officer's reason, what the custodian did and why)
STORIES = [
    (
        4,
        "ru",
        ("Гульнара Ахметова", "870521450312", "+7 702 555 02 11", "g.akhmetova@example.kz"),
        "Главный врач районной больницы требует 200 000 тенге за приём на работу медсестрой. "
        "Я работаю в этой больнице и могу подтвердить это как свидетель.",
        "Прокуратура возбудила уголовное дело о вымогательстве; заявитель нужен для допроса как свидетель, "
        "другие свидетели отказались давать показания.",
        ("approve", "Показания заявителя необходимы для уголовного дела; иной источник не установлен."),
    ),
    (
        6,
        "en",
        ("Daniyar Seitkali", "910304350425", "+7 705 555 03 22", ""),
        "The head of the land department gave a plot reserved for a school to his brother's company. "
        "I work in the department and saw the papers.",
        "I want to call the reporter to ask for copies of the papers he mentions.",
        (
            "refuse",
            "The papers can be requested from the land department itself; no need to know who reported.",
        ),
    ),
    (
        2,
        "kk",
        ("Әсел Жұмабаева", "950817450216", "+7 707 555 04 33", "asel.zh@example.kz"),
        "Аудандық білім бөлімінің басшысы мұғалімдерді аттестаттау үшін әрқайсысынан 100 000 теңге жинайды.",
        "Аттестаттау комиссиясының хаттамаларынан хабарлаушы көрсеткен күндерді анықтау керек; "
        "хабарлаушымен тікелей сөйлесу қажет.",
        None,  # waits for the custodian
    ),
]


NOTES = {
    "approve": "confidential; identity disclosed to the officer, notice in the inbox",
    "refuse": "confidential; disclosure refused",
    "pending": "confidential; disclosure request waiting for the custodian",
}


def plan_disclosures(schedule, *, staff: dict, now: dt.datetime, receipts: list) -> None:
    """Put the three stories on the demo's schedule, so their steps run in time order with the rest."""
    for days_ago, language, person, text, reason, decision in STORIES:
        start = now - days_ago * D
        holder: dict = {}

        def submit(language=language, person=person, text=text, holder=holder, decision=decision):
            submitted = report_submit(draft=_draft(language, person, text), channel=Channel.WEB)
            holder["report"] = submitted.report
            receipts.append(_receipt(submitted, language, NOTES[decision[0] if decision else "pending"]))

        schedule.at(start, submit)
        schedule.at(start + 2 * H, lambda holder=holder: _accept(holder, staff))
        schedule.at(start + 20 * H, lambda holder=holder: _assign(holder, staff))
        schedule.at(
            start + 26 * H,
            lambda holder=holder, reason=reason: disclosure_request(
                case=_case(holder), by=_officer(staff), reason=reason
            ),
        )
        if decision:
            schedule.at(start + 2 * D, lambda holder=holder, decision=decision: _decide(holder, decision))
        if decision and decision[0] == "approve":
            schedule.at(
                start + 2 * D + 3 * H, lambda holder=holder: identity_for(_officer(staff), _case(holder))
            )


def _draft(language: str, person: tuple, text: str) -> ReportDraft:
    name, iin, phone, email = person
    return ReportDraft(
        category="bribery" if language != "en" else "land",
        region=AKTOBE,
        description=text,
        identity_mode=IdentityMode.CONFIDENTIAL,
        language=language,
        name=name,
        iin=iin,
        phone=phone,
        email=email,
    )


def _receipt(submitted, language: str, note: str):
    from adal.demo.scenario import DemoReceipt  # the scenario imports this module

    return DemoReceipt(submitted.report.registration_number, submitted.receipt, language, Channel.WEB, note)


def _case(holder: dict) -> Case:
    return Case.objects.select_related("report", "unit", "policy").get(report=holder["report"])


def _aktobe_unit() -> Unit:
    return Unit.objects.get(territory__kato=AKTOBE, level=Unit.Level.REGION)


def _officer(staff: dict) -> User:
    return staff["officers"][_aktobe_unit().pk]


def _accept(holder: dict, staff: dict) -> None:
    case = cs.case_triage_start(case=_case(holder), by=staff["operator"])
    cs.case_accept(case=case, by=staff["operator"], risk=triage_risk(case))


def _assign(holder: dict, staff: dict) -> None:
    case = cs.case_assign(case=_case(holder), by=staff["heads"][_aktobe_unit().pk], officer=_officer(staff))
    cs.case_review_start(case=case, by=_officer(staff))


def _decide(holder: dict, decision: tuple) -> None:
    verdict, reason = decision
    request = _case(holder).disclosure_requests.get()
    custodian = User.objects.get(username=CUSTODIAN)
    if verdict == "approve":
        disclosure_approve(request=request, by=custodian, reason=reason)
    else:
        disclosure_refuse(request=request, by=custodian, reason=reason)
