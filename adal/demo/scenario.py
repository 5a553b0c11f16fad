"""The demo organisation: units, one account per role, and hotline reports, made through the services."""

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.db.models import F
from django.utils import timezone

from adal.cases.models import Case, RoutingRule
from adal.cases.sweep import deadlines_sweep
from adal.core.models import Role, Territory, Unit, User
from adal.core.permissions import SYSTEM
from adal.core.selectors import regions_current
from adal.core.services import staff_create, staff_totp_reset, unit_create, unit_rename
from adal.core.workdays import local_zone
from adal.demo.councils import build_councils
from adal.demo.discipline import build_discipline
from adal.demo.disclosures import plan_disclosures
from adal.demo.history import Schedule, choose_target, daily_sweeps, plan_case, reporter_writes
from adal.demo.ratings import build_ratings
from adal.demo.roadmap import build_roadmap
from adal.demo.survey import build_survey
from adal.demo.volume import build_case_volume
from adal.hotline.models import Channel, IdentityMode, Transcript
from adal.hotline.services import ReportDraft, Submitted, report_submit

# District units in the demo: the capital, Almaty and the seed's regions.
DISTRICT_UNIT_PARENTS = ("710000000", "750000000", "150000000", "630000000", "430000000")

STORIES = {
    "ru": [
        (
            "bribery",
            "Инспектор дорожной полиции потребовал {amount} тенге, чтобы не составлять протокол.",
            ["Инспектор патрульной полиции"],
            ["Департамент полиции"],
        ),
        (
            "education",
            "Директор школы требует с родителей {amount} тенге за зачисление ребёнка в первый класс.",
            ["Директор школы"],
            ["Школа-гимназия № 12"],
        ),
        (
            "drinking_water",
            "Подрядчик получил деньги на водопровод в селе, но труб так и не проложил.",
            ["Директор ТОО «СуТехСтрой»"],
            ["ТОО «СуТехСтрой»", "Отдел ЖКХ акимата района"],
        ),
        (
            "state_programmes",
            "В центре занятости за включение в программу «Енбек» требуют {amount} тенге.",
            ["Специалист центра занятости"],
            ["Центр занятости населения"],
        ),
        (
            "procurement",
            "Тендер на ремонт дороги выиграла фирма родственника заместителя акима.",
            ["Заместитель акима района"],
            ["Отдел строительства акимата"],
        ),
        (
            "health_care",
            "В поликлинике за направление на бесплатную операцию просят {amount} тенге.",
            ["Заведующий отделением"],
            ["Городская поликлиника № 3"],
        ),
        (
            "land",
            "Земельный участок под школу передан частной компании без аукциона.",
            ["Руководитель отдела земельных отношений"],
            ["Отдел земельных отношений"],
        ),
    ],
    "kk": [
        (
            "bribery",
            "Жол полициясының инспекторы хаттама толтырмау үшін {amount} теңге талап етті.",
            ["Патрульдік полиция инспекторы"],
            ["Полиция департаменті"],
        ),
        (
            "education",
            "Мектеп директоры баланы бірінші сыныпқа қабылдау үшін ата-аналардан {amount} теңге талап етеді.",
            ["Мектеп директоры"],
            ["№ 12 мектеп-гимназия"],
        ),
        (
            "housing",
            "Тұрғын үй кезегінде тұрған отбасылардың орнына пәтерлер таныстарға берілді.",
            ["Тұрғын үй бөлімінің басшысы"],
            ["Аудан әкімдігінің тұрғын үй бөлімі"],
        ),
        (
            "nepotism",
            "Аудандық әкімдікке бос лауазымдарға әкімнің туыстары конкурссыз қабылданды.",
            ["Аудан әкімі"],
            ["Аудан әкімдігі"],
        ),
    ],
    "en": [
        (
            "abuse_of_office",
            "A district official uses the akimat's cars and drivers for his family's private trips.",
            ["Deputy head of the district akimat"],
            ["District akimat"],
        ),
        (
            "conflict_of_interest",
            "The head of the procurement commission owns a share in the company that won.",
            ["Head of the procurement commission"],
            ["Regional health department"],
        ),
        (
            "embezzlement",
            "Money for heating repairs in the school was paid out, but no repairs were done.",
            ["Director of the school"],
            ["Regional education department"],
        ),
    ],
}

PEOPLE = [
    ("Айгерим Сапарова", "900215450129"),
    ("Ержан Нурланов", "850612350456"),
    ("Olga Petrova", "780304450783"),
]


@dataclass
class DemoAccount:
    username: str
    role: str
    unit: str
    password: str
    totp_secret: str


@dataclass
class DemoReceipt:
    registration_number: str
    receipt: str
    language: str
    channel: str
    note: str = ""  # what the inbox shows beyond the usual (printed with the receipt)


def build_units() -> dict[str, Unit]:
    centre = unit_create(
        name_ru="Центральный аппарат",
        name_kk="Орталық аппарат",
        name_en="Central office",
        level=Unit.Level.CENTRE,
        by=SYSTEM,
    )
    units = {"centre": centre}
    for region in regions_current():
        units[region.kato] = build_branch(region, centre)
    for parent_kato in DISTRICT_UNIT_PARENTS:
        for district in Territory.objects.filter(parent__kato=parent_kato).order_by("kato")[:3]:
            units[district.kato] = unit_create(
                **office_names(district),
                level=Unit.Level.DISTRICT,
                parent=units[parent_kato],
                territory=district,
                by=SYSTEM,
            )
    return units


def branch_names(named) -> dict[str, str]:
    """A regional branch is named after its territory; a city's without the word "city" ("Филиал:
    Астана", not "Филиал: город Астана")."""
    return {
        "name_ru": f"Филиал: {named.name_ru.removeprefix('город ')}",
        "name_kk": f"Филиал: {named.name_kk.removesuffix(' қаласы')}",
        "name_en": f"Branch: {named.name_en}",
    }


def office_names(district: Territory) -> dict[str, str]:
    """A district office is named after its district."""
    return {
        "name_ru": f"Отделение: {district.name_ru}",
        "name_kk": f"Бөлімше: {district.name_kk}",
        "name_en": f"Office: {district.name_en}",
    }


def build_branch(region: Territory, centre: Unit) -> Unit:
    """The region's branch, renamed with its territory: the capital's was "Branch: Akmola", then Astana,
    Nur-Sultan from 23 March 2019 and Astana again from 17 September 2022, so a period's figures name
    it as it was named then."""
    dated = list(region.dated_names.order_by(F("valid_from").asc(nulls_first=True)))
    branch = unit_create(
        **branch_names(dated[0] if dated else region),
        level=Unit.Level.REGION,
        parent=centre,
        territory=region,
        by=SYSTEM,
    )
    for ended, name in pairwise([*dated, region]):
        unit_rename(unit=branch, **branch_names(name), on=ended.valid_to, by=SYSTEM)
    return branch


# Invented staff names (first name, surname), so that pages name people as they will in use, not by login.
STAFF_NAMES = [
    ("Айгерим", "Жумабаева"), ("Ержан", "Сейткалиев"), ("Динара", "Абдрахманова"), ("Нурлан", "Касымов"),
    ("Асель", "Тулегенова"), ("Бауыржан", "Омаров"), ("Гульнара", "Искакова"), ("Данияр", "Мухамеджанов"),
    ("Жанна", "Есенова"), ("Марат", "Байжанов"), ("Салтанат", "Нургалиева"), ("Тимур", "Ахметов"),
    ("Алия", "Сарсенбаева"), ("Ерлан", "Жакупов"), ("Мадина", "Кенжебаева"), ("Руслан", "Садыков"),
    ("Камила", "Утепова"), ("Арман", "Рахимов"), ("Сауле", "Мусина"), ("Олжас", "Бекмуратов"),
]  # fmt: skip


def staff_name(i: int) -> dict[str, str]:
    first, last = STAFF_NAMES[i % len(STAFF_NAMES)]
    return {"first_name": first, "last_name": last}


def build_accounts(units: dict[str, Unit]) -> list[DemoAccount]:
    placement = {
        Role.OPERATOR: "centre",
        Role.CASE_OFFICER: "150000000",
        Role.UNIT_HEAD: "150000000",
        Role.COUNCIL_SECRETARY: "150000000",
        Role.ANALYST: "centre",
        Role.ADMINISTRATOR: "centre",
        Role.AUDITOR: "centre",
        Role.IDENTITY_CUSTODIAN: "centre",
        Role.DISCIPLINE_SECRETARY: "centre",
    }
    accounts = []
    for i, (role, unit_key) in enumerate(placement.items()):
        password = secrets.token_urlsafe(12)
        user = staff_create(
            username=role.value.replace("_", "-"),
            password=password,
            role=role,
            unit=units[unit_key],
            email=f"{role.value}@adal.example",
            **staff_name(i),
            is_superuser=role == Role.ADMINISTRATOR,
            by=SYSTEM,
        )
        secret = staff_totp_reset(user=user, by=SYSTEM)
        accounts.append(DemoAccount(user.username, role.label, str(units[unit_key]), password, secret))
    return accounts


def build_routing(units: dict[str, Unit]) -> None:
    """Each region's reports go to its branch; education in the capital to its first district office;
    anything else to the centre."""
    RoutingRule.objects.create(region=None, category="", unit=units["centre"])
    for region in regions_current():
        RoutingRule.objects.create(region=region, category="", unit=units[region.kato])
    astana_districts = [k for k, u in units.items() if u.level == Unit.Level.DISTRICT and k.startswith("71")]
    if astana_districts:
        RoutingRule.objects.create(
            region=Territory.objects.get(kato="710000000"),
            category="education",
            unit=units[sorted(astana_districts)[0]],
        )


def build_unit_staff(units: dict[str, Unit], accounts_by_role: dict[str, User]) -> dict:
    """A head and an officer in every unit (the printed ones serve Aktobe)."""
    heads, officers = {}, {}
    password = secrets.token_urlsafe(16)  # not printed: these accounts fill the organisation
    for n, (key, unit) in enumerate(units.items()):
        if key == "150000000":
            heads[unit.pk], officers[unit.pk] = (
                accounts_by_role[Role.UNIT_HEAD],
                accounts_by_role[Role.CASE_OFFICER],
            )
            continue
        heads[unit.pk] = staff_create(
            username=f"head-{key}",
            password=password,
            role=Role.UNIT_HEAD,
            unit=unit,
            email=f"head-{key}@adal.example",
            **staff_name(2 * n + 9),
            by=SYSTEM,
        )
        officers[unit.pk] = staff_create(
            username=f"officer-{key}",
            password=password,
            role=Role.CASE_OFFICER,
            unit=unit,
            email=f"officer-{key}@adal.example",
            **staff_name(2 * n + 10),
            by=SYSTEM,
        )
    return {
        "heads": heads,
        "officers": officers,
        "operator": accounts_by_role[Role.OPERATOR],
        "admin": accounts_by_role[Role.ADMINISTRATOR],
    }


def _draft(rng, i, regions) -> tuple[ReportDraft, str]:
    stories = [(lang, story) for lang, items in STORIES.items() for story in items]
    lang, (category, text, persons, organisations) = stories[i % len(stories)]
    # A third of the reports come from Aktobe, where the printed head and officer work.
    region = next(r for r in regions if r.kato == "150000000") if rng.random() < 0.33 else rng.choice(regions)
    district = (
        Territory.objects.filter(parent=region).order_by("kato").first() if rng.random() < 0.4 else None
    )
    amount = rng.choice([50_000, 150_000, 300_000, 1_000_000])
    mode = rng.choice([IdentityMode.ANONYMOUS] * 3 + [IdentityMode.CONFIDENTIAL, IdentityMode.OPEN])
    name, iin = rng.choice(PEOPLE)
    named = mode != IdentityMode.ANONYMOUS
    channel = rng.choice([Channel.WEB] * 4 + [Channel.API, Channel.PHONE, Channel.LETTER, Channel.IN_PERSON])
    return ReportDraft(
        category=category,
        region=region.kato,
        district=district.kato if district else "",
        description=text.format(amount=f"{amount:,}".replace(",", " ")),
        occurred="2026",
        persons=persons,
        organisations=organisations,
        bribe_amount=Decimal(amount) if "{amount}" in text else None,
        identity_mode=mode,
        language=lang,
        name=name if named else "",
        iin=iin if named else "",
        phone=f"+7 701 555 01 0{i % 10}" if named else "",
        email=f"reporter{i}@example.kz" if named and i % 3 == 0 else "",
        # A call or a visit is written down by the operator: its story is the minutes.
        transcript_kind=Transcript.Kind.MINUTES if channel in (Channel.PHONE, Channel.IN_PERSON) else "",
    ), channel


STUCK = ["accepted", "assigned", "in_review", "assigned", "in_review", "triage"]
EVERY_STATE = [
    "reopened",
    "extended",
    "answered",
    "closed",
    "decided",
    "redirected",
    "merged",
    "left_without_consideration",
    "closed",
    "in_review",
]


def build_history(*, staff: dict, count: int = 60, seed: int = 2026, days: int = 45) -> list[DemoReceipt]:
    """Reports arriving over ``days`` days and the algorithm run on them, in time order."""
    rng = random.Random(seed)
    regions = list(regions_current())
    now = timezone.now()
    arrivals = sorted(now - dt.timedelta(days=rng.uniform(0, days)) for _ in range(count))
    schedule = Schedule()
    submitted: dict[int, Submitted] = {}
    receipts: list[DemoReceipt] = []
    first_by_category: dict[str, int] = {}
    for i, received_at in enumerate(arrivals):
        draft, channel = _draft(rng, i, regions)
        if channel == Channel.LETTER:  # registered the day it arrived (adal/demo/oral.py has a late one)
            draft.received_on = received_at.astimezone(local_zone()).date()
        staff_channel = channel in (Channel.PHONE, Channel.LETTER, Channel.IN_PERSON)

        def submit(i=i, draft=draft, channel=channel, received_at=received_at, staff_channel=staff_channel):
            result = report_submit(
                draft=draft,
                channel=channel,
                received_at=None if draft.received_on else received_at,
                registered_by=staff["operator"] if staff_channel else None,
            )
            submitted[i] = result
            receipts.append(
                DemoReceipt(result.report.registration_number, result.receipt, draft.language, channel)
            )

        schedule.at(received_at, submit)
        age = now - received_at
        # The oldest reports are stuck past their deadlines (overdue, some very overdue); the next ones
        # show every state once; the rest go where chance and their age take them.
        if i < len(STUCK):
            target = STUCK[i]
        elif i < len(STUCK) + len(EVERY_STATE):
            target = EVERY_STATE[i - len(STUCK)]
        else:
            target = choose_target(rng, age)
        earlier = first_by_category.get(draft.category, i - 1 if i else None)
        first_by_category.setdefault(draft.category, i)
        merge_into = (
            (lambda j=earlier: Case.objects.get(report=submitted[j].report)) if earlier is not None else None
        )
        plan_case(
            schedule,
            report_of=lambda i=i: submitted[i].report,
            received_at=received_at,
            target=target,
            staff=staff,
            rng=rng,
            now=now,
            merge_into=merge_into,
        )
        if target in ("in_review", "extended", "answered", "closed") and rng.random() < 0.3:
            reporter_writes(
                schedule,
                lambda i=i: submitted[i].report,
                lambda i=i: submitted[i].receipt,
                received_at + 4 * dt.timedelta(days=1),
            )
    plan_disclosures(schedule, staff=staff, now=now, receipts=receipts)
    daily_sweeps(schedule, arrivals[0], now)
    schedule.run()
    deadlines_sweep(now=now, by=SYSTEM)
    return receipts


def build_domains(units: dict[str, Unit]) -> None:
    """The seed's figures beyond the hotline, each made through its own domain's services."""
    build_councils(units)
    build_discipline()
    build_ratings()
    build_survey()
    build_roadmap(units)
    build_case_volume(units)  # two years of finished cases for the portal's statistics
