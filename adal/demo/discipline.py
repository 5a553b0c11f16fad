"""Demo party discipline: the seed's figures made by recording proceedings through the services.

In July–December 2019, 196 party members were held to party responsibility for corruption offences
and 96 of them expelled; among them deputy akims of Aktobe, East Kazakhstan and Kyzylorda regions,
heads of regional departments and heads of district akimats. The statistics count people, not
decisions, so the demo records the kinds of history that make the difference — a member sanctioned
twice, a sanction reversed on appeal, proceedings still open, decisions outside the period — and the
figures still come out at 196 and 96 because that is what the records say.

Every name here is invented; the positions are those the seed names.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from adal.core.models import Territory
from adal.core.permissions import SYSTEM
from adal.core.territories import current_regions
from adal.core.workdays import local_zone
from adal.demo.history import frozen_at
from adal.discipline.models import Grounds, PartyMember, PositionLevel, PublicationRule, Sanction, Status
from adal.discipline.services import (
    member_create,
    proceeding_appeal,
    proceeding_appeal_decide,
    proceeding_decide,
    proceeding_open,
    publication_rule_save,
)

H2_2019 = (dt.date(2019, 7, 1), dt.date(2019, 12, 31))
HELD_RESPONSIBLE, EXPELLED = 196, 96
# The others' sanctions, most severe first; together they make the 100 not expelled.
LESSER = [Sanction.SEVERE_REPRIMAND] * 40 + [Sanction.REPRIMAND] * 35 + [Sanction.WARNING] * 25

AKTOBE, EAST_KZ, KYZYLORDA, ABAI = "150000000", "630000000", "430000000", "100000000"

# Regions as they stood in 2019, in the genitive, for positions ("deputy akim of ...").
GENITIVE = {
    "110000000": "Акмолинской области",
    "150000000": "Актюбинской области",
    "190000000": "Алматинской области",
    "230000000": "Атырауской области",
    "270000000": "Западно-Казахстанской области",
    "310000000": "Жамбылской области",
    "350000000": "Карагандинской области",
    "390000000": "Костанайской области",
    "430000000": "Кызылординской области",
    "470000000": "Мангистауской области",
    "550000000": "Павлодарской области",
    "590000000": "Северо-Казахстанской области",
    "610000000": "Туркестанской области",
    "630000000": "Восточно-Казахстанской области",
    "710000000": "города Нур-Султана",  # the capital's name from March 2019 to September 2022
    "750000000": "города Алматы",
    "790000000": "города Шымкента",
}

SURNAMES = [
    "Ахметов", "Бекенов", "Жумабаев", "Касымов", "Нургалиев", "Оспанов", "Сейткалиев", "Тулегенов",
    "Утемисов", "Мухамеджанов", "Сарсенбаев", "Ибраев", "Кенжебаев", "Абенов", "Есимов", "Жаксылыков",
    "Калиев", "Мамыров", "Омаров", "Рахимов", "Садыков", "Турсунов", "Шаймерденов", "Искаков",
]  # fmt: skip
MEN = ["Ерлан", "Нурлан", "Серик", "Бауыржан", "Арман", "Асхат", "Даурен", "Марат", "Канат", "Руслан"]
WOMEN = ["Айгуль", "Гульнара", "Жанар", "Салтанат", "Динара", "Асель", "Меруерт", "Карлыгаш"]

DEPARTMENTS = [
    "образования",
    "здравоохранения",
    "строительства",
    "сельского хозяйства",
    "земельных отношений",
    "энергетики и жилищно-коммунального хозяйства",
    "координации занятости и социальных программ",
    "пассажирского транспорта и автомобильных дорог",
]
# (position, level, public official): the rank and file of the proceedings.
OTHERS = [
    ("Руководитель отдела образования района", PositionLevel.DISTRICT, True),
    ("Руководитель отдела земельных отношений района", PositionLevel.DISTRICT, True),
    ("Заместитель акима района", PositionLevel.DISTRICT, True),
    ("Аким сельского округа", PositionLevel.DISTRICT, True),
    ("Главный специалист управления", PositionLevel.REGIONAL, True),
    ("Главный врач районной больницы", PositionLevel.DISTRICT, False),
    ("Директор школы", PositionLevel.DISTRICT, False),
    ("Директор коммунального предприятия «Су арнасы»", PositionLevel.DISTRICT, False),
    ("Специалист центра занятости населения", PositionLevel.DISTRICT, False),
    ("Директор ТОО с государственным участием", PositionLevel.OTHER, False),
    ("Сотрудник департамента государственных доходов", PositionLevel.REGIONAL, True),
]


@dataclass
class Person:
    """One member's story: a sanction decided on a day in a region (of the map of the time), with what
    came before or after it."""

    region: str
    position: str
    level: str
    official: bool
    sanction: str  # "" for a proceeding still open
    decided_on: dt.date
    present_region: str = ""  # where the member is registered now, if the map has moved them since
    organisation: str = ""
    warned_on: dt.date | None = None  # an earlier warning, before the decisive sanction
    appeal: str = ""  # "pending", or the outcome: Status.UPHELD or Status.REVERSED


@dataclass
class DisciplineDemo:
    members: int
    proceedings: int
    named: list[PartyMember] = field(default_factory=list)


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.numbers = iter(range(1, 100_000))

    def full_name(self) -> str:
        surname, woman = self.rng.choice(SURNAMES), self.rng.random() < 0.25
        given, father = self.rng.choice(WOMEN if woman else MEN), self.rng.choice(MEN)
        patronymic = father + ("овна" if woman else "ович")
        return f"{surname}{'а' if woman else ''} {given} {patronymic}"

    def membership_number(self) -> str:
        return f"NO-{next(self.numbers):07d}"


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _rank_and_file(rng: random.Random, regions: list[str], decided_on: dt.date, sanction: str) -> Person:
    position, level, official = rng.choice(OTHERS)
    return Person(rng.choice(regions), position, level, official, sanction, decided_on)


def held_responsible(rng: random.Random, regions: list[str]) -> list[Person]:
    """The 196 of July–December 2019, each with one standing sanction decisive for them; 96 expelled.
    The three deputy akims first, then heads of regional departments and of district akimats."""

    def day():
        return _day_in(rng, *H2_2019)

    def deputy_akim(region, sanction, **kw):
        position = f"Заместитель акима {GENITIVE[region]}"
        return Person(region, position, PositionLevel.REGIONAL, True, sanction, day(), **kw)

    people = [
        deputy_akim(AKTOBE, Sanction.EXPULSION),
        # Then in East Kazakhstan region; registered now in Abai region, split off from it in 2022.
        deputy_akim(EAST_KZ, Sanction.SEVERE_REPRIMAND, present_region=ABAI),
        deputy_akim(KYZYLORDA, Sanction.EXPULSION),
    ]
    for _ in range(24):
        region = rng.choice(regions)
        position = f"Руководитель управления {rng.choice(DEPARTMENTS)} {GENITIVE[region]}"
        people.append(Person(region, position, PositionLevel.REGIONAL, True, "", day()))
    for _ in range(18):
        region = rng.choice(regions)
        organisation = f"Акимат района, {GENITIVE[region]}"
        people.append(
            Person(region, "Аким района", PositionLevel.DISTRICT, True, "", day(), organisation=organisation)
        )
    while len(people) < HELD_RESPONSIBLE:
        people.append(_rank_and_file(rng, regions, day(), ""))
    # The deputy akims took two expulsions and one severe reprimand of the 96 and the 100.
    rest = [Sanction.EXPULSION] * (EXPELLED - 2) + LESSER[1:]
    rng.shuffle(rest)
    for person, sanction in zip(people[3:], rest, strict=True):
        person.sanction = sanction
    _vary(people)
    return people


def _vary(people: list[Person]) -> None:
    """Histories that make people differ from decisions, none of which moves the 196 or the 96."""
    # Warned in August, expelled later: counts once, as expelled.
    twice = next(p for p in people[3:] if p.sanction == Sanction.EXPULSION and p.decided_on.month >= 10)
    twice.warned_on = dt.date(2019, 8, 5)
    # Appealed: one pending, one upheld; a sanction under appeal still stands.
    appealed = [p for p in people[3:] if p.sanction == Sanction.REPRIMAND and p.decided_on.month <= 10]
    appealed[0].appeal, appealed[1].appeal = "pending", Status.UPHELD


def around_the_period(rng: random.Random, regions: list[str]) -> list[Person]:
    """Proceedings that do not count in July–December 2019: reversed on appeal, decided before or
    after, still open."""
    reversed_ = _rank_and_file(rng, regions, dt.date(2019, 9, 16), Sanction.REPRIMAND)
    reversed_.appeal = Status.REVERSED
    outside = [
        _rank_and_file(rng, regions, day, rng.choice(LESSER))
        for day in (dt.date(2019, 3, 14), dt.date(2019, 6, 28), dt.date(2020, 1, 20), dt.date(2020, 2, 11))
    ]
    still_open = [
        _rank_and_file(rng, regions, day, "") for day in (dt.date(2019, 12, 20), dt.date(2020, 2, 3))
    ]
    return [reversed_, *outside, *still_open]


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(11), tzinfo=local_zone())


class _Recorder:
    """Records a member and their story through the services, each step at its own moment."""

    def __init__(self, rng: random.Random, territories: dict[str, Territory]):
        self.rng, self.territories, self.names = rng, territories, _Names(rng)
        self.proceedings = 0

    def story(self, person: Person) -> PartyMember:
        member = self.member(person)
        if person.warned_on is not None:
            self.decide(self.open(member, person, person.warned_on), Sanction.WARNING, person.warned_on)
        opened = self.open(member, person, person.decided_on)
        if person.sanction:
            self.appeal(self.decide(opened, person.sanction, person.decided_on), person.appeal)
        return member

    def member(self, person: Person) -> PartyMember:
        with frozen_at(_moment(dt.date(2018, 1, 15))):
            return member_create(
                full_name=self.names.full_name(),
                membership_number=self.names.membership_number(),
                region=self.territories[person.present_region or person.region],
                position=person.position,
                position_level=person.level,
                organisation=person.organisation,
                is_public_official=person.official,
                by=SYSTEM,
            )

    def open(self, member: PartyMember, person: Person, decided_on: dt.date):
        opened_on = decided_on - dt.timedelta(days=self.rng.randint(5, 40))
        region = self.territories[person.region]
        verdict = self.rng.random() < 0.6
        self.proceedings += 1
        with frozen_at(_moment(opened_on)):
            return proceeding_open(
                member=member,
                grounds=Grounds.COURT_VERDICT if verdict else Grounds.AGENCY_FINDING,
                grounds_details=(
                    f"Приговор суда от {opened_on - dt.timedelta(days=20):%d.%m.%Y}"
                    if verdict
                    else "Материалы Агентства РК по противодействию коррупции"
                ),
                deciding_body=f"Бюро политического совета регионального филиала ({region.name_ru})",
                opened_on=opened_on,
                region=region,
                by=SYSTEM,
            )

    def decide(self, proceeding, sanction: str, on: dt.date):
        with frozen_at(_moment(on)):
            return proceeding_decide(proceeding=proceeding, sanction=sanction, decided_on=on, by=SYSTEM)

    def appeal(self, proceeding, outcome: str) -> None:
        if not outcome:
            return
        filed_on = proceeding.decided_on + dt.timedelta(days=7)
        with frozen_at(_moment(filed_on)):
            proceeding = proceeding_appeal(proceeding=proceeding, filed_on=filed_on, by=SYSTEM)
        if outcome == "pending":
            return
        decided_on = filed_on + dt.timedelta(days=25)
        reason = "Приговор отменён судом апелляционной инстанции." if outcome == Status.REVERSED else ""
        with frozen_at(_moment(decided_on)):
            proceeding_appeal_decide(
                proceeding=proceeding,
                outcome=outcome,
                decided_on=decided_on,
                reversal_reason=reason,
                by=SYSTEM,
            )


def build_discipline(*, seed: int = 2019) -> DisciplineDemo:
    """Members, proceedings and the public list's rule, as of the seed; returns the named three."""
    rng = random.Random(seed)
    regions = [r.kato for r in current_regions(on=H2_2019[0])]
    recorder = _Recorder(rng, Territory.objects.in_bulk([*regions, ABAI], field_name="kato"))
    with transaction.atomic():  # whole or not at all
        stories = held_responsible(rng, regions) + around_the_period(rng, regions)
        members = [recorder.story(p) for p in stories]
        with frozen_at(_moment(dt.date(2019, 7, 1))):
            publication_rule_save(
                rule=PublicationRule(
                    name="Должностные лица, окончательные решения",
                    is_active=True,
                    only_final=True,
                    appeal_period_days=30,
                    only_public_officials=True,
                    min_sanction=Sanction.WARNING,
                ),
                by=SYSTEM,
            )
    return DisciplineDemo(members=len(members), proceedings=recorder.proceedings, named=members[:3])
