"""Demo councils: the seed's council figures made by running the councils' services.

Councils at centre, in every region of the 2019 map (14 oblasts and 3 cities) and in the demo's
districts hold their meetings of July–December 2019 — more than 700, on education, the "Enbek"
programme, drinking water and the hotline's other topics — and make proposals that are now in every
state. The three regions created in June 2022 (Abai, Zhetisu, Ulytau) get their councils then, so
today's map has a council in each of its 20 regions. One primary for the Aktobe council has finished
with results; another is taking nominations now.

Each step runs at the moment it happened (the clock is frozen there), so created, held and published
dates, and the audit log, read as they would have. Everything is one transaction: it loads whole or
not at all.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from adal.core.models import Territory, Unit
from adal.core.permissions import SYSTEM
from adal.core.territories import NEW_REGIONS_2022, current_regions
from adal.core.workdays import local_zone
from adal.councils.models import Council, Meeting, Membership, Position, Proposal, Topic
from adal.councils.primaries.models import Primary
from adal.councils.primaries.services import (
    ballot_cast,
    nomination_answer,
    nomination_create,
    primary_create,
    voter_account_create,
)
from adal.councils.services import (
    agenda_item_add,
    council_create,
    meeting_plan,
    meeting_record_held,
    membership_add,
    minutes_publish,
    news_post,
    person_create,
    proposal_answer,
    proposal_consider,
    proposal_create,
    proposal_submit,
)
from adal.demo.history import frozen_at
from adal.discipline.models import PositionLevel
from adal.discipline.services import member_create

H2_2019 = (dt.date(2019, 7, 1), dt.date(2019, 12, 31))
FOUNDED = dt.date(2019, 1, 9)
AKTOBE = "150000000"
# Meetings each council holds in the half-year: (fewest, most) by level.
MEETINGS = {Unit.Level.CENTRE: (12, 12), Unit.Level.REGION: (28, 31), Unit.Level.DISTRICT: (15, 17)}
# What agendas are about: the seed's three topics most of all.
TOPIC_WEIGHTS = {
    "education": 6,
    "enbek": 5,
    "drinking_water": 5,
    "procurement": 2,
    "health_care": 2,
    "land": 2,
    "housing": 2,
    "bribery": 1,
    "conflict_of_interest": 1,
    "state_programmes": 1,
}
AGENDA_TITLES = {
    "education": "О фактах поборов при зачислении детей в школы",
    "enbek": "О ходе реализации программы «Еңбек» и отборе её участников",
    "drinking_water": "О строительстве и ремонте сельских водопроводов",
    "procurement": "О нарушениях при государственных закупках",
    "health_care": "О платных услугах в бесплатных медицинских учреждениях",
    "land": "О предоставлении земельных участков без торгов",
    "housing": "Об очереди на арендное жильё",
    "bribery": "О сообщениях граждан о вымогательстве взяток",
    "conflict_of_interest": "О конфликте интересов в работе конкурсных комиссий",
    "state_programmes": "О целевом использовании средств государственных программ",
}
PROPOSALS = [
    (Proposal.Kind.LEGISLATIVE, "Мажилис Парламента Республики Казахстан",
     "Об усилении общественного контроля"),
    (Proposal.Kind.LEGISLATIVE, "Мажилис Парламента Республики Казахстан",
     "О расширении круга субъектов коррупционных правонарушений в квазигосударственном секторе"),
    (Proposal.Kind.LEGISLATIVE, "Министерство юстиции Республики Казахстан",
     "О порядке осуществления государственными служащими творческой и иной оплачиваемой деятельности"),
    (Proposal.Kind.LEGISLATIVE, "Мажилис Парламента Республики Казахстан",
     "О расширении полномочий органов местного самоуправления"),
    (Proposal.Kind.STATE_BODY, "Министерство образования и науки Республики Казахстан",
     "Об электронной очереди при зачислении в первые классы"),
    (Proposal.Kind.STATE_BODY, "Министерство труда и социальной защиты населения Республики Казахстан",
     "О проверке списков участников программы «Еңбек»"),
    (Proposal.Kind.STATE_BODY, "Министерство индустрии и инфраструктурного развития Республики Казахстан",
     "О приёмке сельских водопроводов с участием общественности"),
    (Proposal.Kind.STATE_BODY, "Акимат области",
     "О публикации результатов конкурсов на государственные закупки"),
]  # fmt: skip
# What the councils decided on each topic: recommendations to the bodies concerned, as minutes word them.
DECISIONS = {
    "education": "Рекомендовать отделу образования ввести электронную очередь при зачислении в первые классы "
    "и проверить обращения родителей о сборе денег на нужды школ.",
    "enbek": "Рекомендовать центру занятости опубликовать списки участников программы «Еңбек» и провести "
    "выборочную проверку выданных микрокредитов.",
    "drinking_water": "Рекомендовать акимату района создать комиссию с участием членов совета для приёмки "
    "сельского водопровода и сверить объёмы работ со сметой.",
    "procurement": "Направить материалы о закупках с единственным участником в департамент внутреннего "
    "государственного аудита.",
    "health_care": "Рекомендовать управлению здравоохранения разместить в поликлиниках перечень бесплатных "
    "услуг и телефон горячей линии.",
    "land": "Рекомендовать акимату опубликовать перечень земельных участков, предоставленных без торгов "
    "за последние три года.",
    "housing": "Рекомендовать отделу жилищных отношений ежемесячно публиковать очередь на арендное жильё.",
    "bribery": "Принять к сведению информацию о рассмотренных сообщениях; направить два сообщения в "
    "антикоррупционную службу.",
    "conflict_of_interest": "Рекомендовать включать в конкурсные комиссии представителей общественности и "
    "публиковать декларации об отсутствии конфликта интересов.",
    "state_programmes": "Запросить у акимата отчёт о расходовании средств программы и заслушать его на "
    "следующем заседании.",
}
# Where councils meet: the akimat, the party's branch, a library, a school; each council has its own.
PLACES = [
    "Малый зал акимата",
    "Конференц-зал областного филиала партии",
    "Зал заседаний маслихата",
    "Актовый зал центральной библиотеки",
    "Зал общественной приёмной партии",
    "Конференц-зал Дома дружбы",
    "Актовый зал колледжа",
]
PROPOSAL_TEXTS = {
    Proposal.Kind.LEGISLATIVE: "Совет изучил обращения граждан и практику применения закона в регионе и "
    "предлагает внести изменения, которые закрывают выявленные пробелы. Пояснительная записка и "
    "сравнительная таблица прилагаются.",
    Proposal.Kind.STATE_BODY: "По итогам заседания совет предлагает органу рассмотреть меры, "
    "указанные в решении, и сообщить о принятых мерах в течение тридцати дней. Материалы проверки "
    "обращений граждан прилагаются.",
}
ANSWERS = [
    "Предложение рассмотрено на совещании; меры включены в план работы на следующий год.",
    "Предложение поддержано частично: электронная очередь вводится с нового учебного года, остальные "
    "меры требуют изменения правил.",
    "Предложение не поддержано: вопрос урегулирован действующими правилами, разъяснения направлены.",
]
STATEMENTS = [
    "Двенадцать лет работаю в сельской школе; хочу, чтобы родители знали, куда сообщить о поборах.",
    "Юрист, веду бесплатные консультации для жителей района. Буду добиваться публикации решений акимата.",
    "Предприниматель; знаю, как устроены закупки, и хочу, чтобы конкурсы были открытыми.",
    "Врач районной поликлиники. Предлагаю проверять платные услуги в бесплатных больницах.",
]
SURNAMES = ["Абдрахманов", "Бейсенов", "Досанов", "Ермеков", "Жунусов", "Исабеков", "Кожахметов", "Лукпанов",
            "Муканов", "Нуржанов", "Оразбаев", "Сагындыков", "Тасмаганбетов", "Уалиев", "Шарипов", "Ким",
            "Петров", "Иванова", "Цой", "Шевченко"]  # fmt: skip
GIVEN = ["Алия", "Болат", "Гаухар", "Дархан", "Жанна", "Ильяс", "Камила", "Мурат", "Сауле", "Тимур", "Ольга",
         "Сергей", "Айдос", "Назгуль"]  # fmt: skip


@dataclass
class CouncilsDemo:
    councils: int
    meetings_held: int
    finished_primary: Primary
    open_primary: Primary


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=local_zone())


def _council_names(territory: Territory | None) -> dict[str, str]:
    if territory is None:
        return {
            "name_ru": "Республиканский общественный совет по противодействию коррупции",
            "name_kk": "Сыбайлас жемқорлыққа қарсы іс-қимыл жөніндегі республикалық қоғамдық кеңес",
            "name_en": "National public anti-corruption council",
        }
    return {
        "name_ru": f"Общественный совет по противодействию коррупции — {territory.name_ru}",
        "name_kk": f"Сыбайлас жемқорлыққа қарсы іс-қимыл жөніндегі қоғамдық кеңес — {territory.name_kk}",
        "name_en": f"Public anti-corruption council — {territory.name_en}",
    }


def _minutes(items, present: int, members: int) -> str:
    heard = "; ".join(f"{n}. {item.title}" for n, item in enumerate(items, 1))
    return f"Присутствовали {present} из {members} членов совета. Рассмотрены вопросы: {heard}."


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.topics = {t.code: t for t in Topic.objects.filter(code__in=TOPIC_WEIGHTS)}
        self.members: dict[int, list[Membership]] = {}
        self.people = 0

    def name(self) -> str:
        self.people += 1
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    # ------------------------------------------------------------ councils and members

    def council(self, unit: Unit, territory: Territory | None, founded: dt.date) -> Council:
        with frozen_at(_at(founded, 10)):
            council = council_create(
                unit=unit,
                **_council_names(territory),
                slug=f"{slugify(territory.name_en)}-{territory.kato[:4]}" if territory else "national",
                territory=territory,
                by=SYSTEM,
            )
            self.seat(council, founded)
        return council

    def seat(self, council: Council, since: dt.date) -> None:
        positions = [Position.CHAIR, Position.DEPUTY_CHAIR, Position.SECRETARY]
        positions += [Position.MEMBER] * self.rng.randint(2, 4)
        self.members[council.pk] = [
            membership_add(
                council=council,
                person=person_create(full_name=self.name(), by=SYSTEM),
                position=position,
                term_start=since,
                by=SYSTEM,
            )
            for position in positions
        ]

    # ------------------------------------------------------------ meetings

    def place(self, council: Council) -> str:
        """Each council meets in its own hall, and now and then elsewhere."""
        usual = PLACES[council.pk % len(PLACES)]
        return usual if self.rng.random() < 0.8 else self.rng.choice(PLACES)

    def meeting(self, council: Council, day: dt.date, *, hold: bool = True) -> Meeting:
        rng = self.rng
        with frozen_at(_at(day, 9) - dt.timedelta(days=10)):
            meeting = meeting_plan(
                council=council,
                planned_at=_at(day, rng.choice([10, 11, 15])),
                place=self.place(council),
                by=SYSTEM,
            )
            codes = rng.sample(list(TOPIC_WEIGHTS), k=rng.choice([1, 1, 1, 2]), counts=TOPIC_WEIGHTS.values())
            items = [
                agenda_item_add(meeting=meeting, topic=self.topics[c], title=AGENDA_TITLES[c], by=SYSTEM)
                for c in dict.fromkeys(codes)
            ]
        if not hold:
            return meeting
        members = self.members[council.pk]
        quorum = rng.random() > 0.04
        present = rng.sample(members, k=len(members) * 3 // 4 if quorum else len(members) // 3)
        decisions = {i.pk: DECISIONS[i.topic.code] for i in items}
        with frozen_at(_at(day, 17)):
            meeting = meeting_record_held(
                meeting=meeting,
                present=present,
                decisions=decisions if quorum else None,
                held_on=day,
                minutes=_minutes(items, len(present), len(members)),
                by=SYSTEM,
            )
        if rng.random() < 0.1:
            with frozen_at(_at(day + dt.timedelta(days=3), 12)):
                minutes_publish(meeting=meeting, by=SYSTEM)
        return meeting

    def half_year(self, council: Council) -> int:
        fewest, most = MEETINGS[council.level]
        days = self.rng.sample(_working_days(*H2_2019), k=self.rng.randint(fewest, most))
        for day in sorted(days):
            self.meeting(council, day)
        return len(days)

    # ------------------------------------------------------------ proposals

    def proposals(self, councils: list[Council]) -> None:
        """Proposals of 2019, in each state a proposal can be in now."""
        states = [
            Proposal.State.DRAFT,
            Proposal.State.SUBMITTED,
            Proposal.State.UNDER_CONSIDERATION,
            Proposal.State.ACCEPTED,
            Proposal.State.PARTLY_ACCEPTED,
            Proposal.State.REJECTED,
        ]
        for n, (kind, addressee, title) in enumerate(PROPOSALS * 2):
            council, state = self.rng.choice(councils), states[n % len(states)]
            submitted = dt.date(2019, 9, 2) + dt.timedelta(days=7 * n)
            with frozen_at(_at(submitted - dt.timedelta(days=5))):
                proposal = proposal_create(
                    council=council,
                    kind=kind,
                    addressee=addressee,
                    title=title,
                    text=PROPOSAL_TEXTS[kind],
                    by=SYSTEM,
                )
            self._advance(proposal, state, submitted)

    def _advance(self, proposal: Proposal, state: str, submitted: dt.date) -> None:
        if state == Proposal.State.DRAFT:
            return
        with frozen_at(_at(submitted)):
            proposal = proposal_submit(proposal=proposal, submitted_on=submitted, by=SYSTEM)
        if state == Proposal.State.SUBMITTED:
            return
        considered = submitted + dt.timedelta(days=10)
        with frozen_at(_at(considered)):
            proposal = proposal_consider(proposal=proposal, on=considered, by=SYSTEM)
        if state == Proposal.State.UNDER_CONSIDERATION:
            return
        answered = considered + dt.timedelta(days=30)
        with frozen_at(_at(answered)):
            proposal_answer(
                proposal=proposal,
                outcome=state,
                answer=self.rng.choice(ANSWERS),
                answered_on=answered,
                by=SYSTEM,
            )


# ---------------------------------------------------------------- primaries


def _voters(rng: random.Random, region: Territory, count: int, *, since: dt.date, prefix: str) -> list:
    """Party members of the region registered to vote (their accounts have no password yet)."""
    districts = list(region.children.order_by("kato")[:3]) or [region]
    voters = []
    with frozen_at(_at(since)):
        for n in range(count):
            member = member_create(
                full_name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                membership_number=f"{prefix}-{n + 1:05d}",
                region=region,
                position_level=PositionLevel.OTHER,
                by=SYSTEM,
            )
            voters.append(
                voter_account_create(
                    member=member,
                    username=f"{prefix.lower()}-{n + 1:05d}",
                    password=None,
                    territory=rng.choice([region, *districts]),
                    by=SYSTEM,
                )
            )
    return voters


def _finished_primary(b: _Builder, council: Council) -> Primary:
    """Nominations in January 2020, voting 10–20 February: four stand, one declines, three are chosen."""
    rng = b.rng
    voters = _voters(rng, council.territory, 48, since=dt.date(2019, 12, 2), prefix="PR20")
    nominees, electorate = voters[:5], voters[5:]
    with frozen_at(_at(dt.date(2020, 1, 9))):
        primary = primary_create(
            council=council,
            title="Праймериз 2020: кандидаты в состав совета",
            description="Члены партии выбирают трёх кандидатов в состав общественного совета.",
            seats=3,
            nominations_close=_at(dt.date(2020, 2, 1), 18),
            voting_starts=_at(dt.date(2020, 2, 10), 9),
            voting_ends=_at(dt.date(2020, 2, 20), 18),
            by=SYSTEM,
        )
        nominations = [
            nomination_create(
                primary=primary, candidate=v.member, nominator=rng.choice(b.members[council.pk]), by=SYSTEM
            )
            for v in nominees
        ]
    with frozen_at(_at(dt.date(2020, 1, 20))):
        for n, (nomination, v) in enumerate(zip(nominations, nominees, strict=True)):
            nomination_answer(
                nomination=nomination, consent=n != 4, statement=STATEMENTS[n % len(STATEMENTS)], by=v.user
            )
    standing = nominations[:4]
    for n, v in enumerate(electorate[:37]):
        with frozen_at(_at(dt.date(2020, 2, 10 + n % 10), 10 + n % 8)):
            choice = rng.choices(standing, weights=[9, 7, 5, 3])[0]
            ballot_cast(primary=primary, nomination=choice, by=v.user)
    return primary


def _open_primary(b: _Builder, council: Council) -> Primary:
    """Taking nominations now: one candidate has consented, another has yet to answer."""
    now = timezone.now()
    voters = _voters(b.rng, council.territory, 6, since=now.date() - dt.timedelta(days=30), prefix="PR26")
    with frozen_at(now - dt.timedelta(days=3)):
        primary = primary_create(
            council=council,
            title=f"Праймериз {now.year + 1}: кандидаты в состав совета",
            description="Выдвигайте кандидатов до закрытия выдвижения; голосование пройдёт онлайн в течение "
            "недели.",
            seats=3,
            nominations_close=now + dt.timedelta(days=10),
            voting_starts=now + dt.timedelta(days=14),
            voting_ends=now + dt.timedelta(days=21),
            by=SYSTEM,
        )
        for v in voters[:2]:
            nomination_create(
                primary=primary, candidate=v.member, nominator=b.members[council.pk][0], by=SYSTEM
            )
    with frozen_at(now - dt.timedelta(days=1)):
        nomination_answer(
            nomination=primary.nominations.get(candidate=voters[0].member),
            consent=True,
            statement=STATEMENTS[1],
            by=voters[0].user,
        )
    return primary


# ---------------------------------------------------------------- the whole


def build_councils(units: dict[str, Unit], *, seed: int = 2019) -> CouncilsDemo:
    """Councils for the demo's units (``units`` as ``scenario.build_units`` makes them: "centre", and
    each region and district by its KATO code)."""
    b = _Builder(random.Random(seed))
    in_2019 = {r.kato for r in current_regions(on=H2_2019[0])}
    with transaction.atomic():
        centre = b.council(units["centre"], None, FOUNDED)
        regional = {
            kato: b.council(
                unit, unit.territory, FOUNDED if kato in in_2019 else NEW_REGIONS_2022 + dt.timedelta(days=12)
            )
            for kato, unit in units.items()
            if unit.level == Unit.Level.REGION
        }
        districts = [
            b.council(unit, unit.territory, FOUNDED)
            for unit in units.values()
            if unit.level == Unit.Level.DISTRICT
        ]
        of_2019 = [centre, *(regional[k] for k in sorted(in_2019 & set(regional))), *districts]
        held = sum(b.half_year(c) for c in of_2019)
        _around_the_period(b, of_2019, [*regional.values(), *districts])
        b.proposals(of_2019)
        _news(of_2019[:4])
        finished = _finished_primary(b, regional[AKTOBE])
        upcoming = _open_primary(b, regional[AKTOBE])
    return CouncilsDemo(
        councils=1 + len(regional) + len(districts),
        meetings_held=held,
        finished_primary=finished,
        open_primary=upcoming,
    )


NEWS = [
    ("Совет обсудил поборы при зачислении в школы",
     "На заседании члены совета заслушали отдел образования и родителей. Совет рекомендовал ввести "
     "электронную очередь в первые классы и опубликовать сведения о благотворительных взносах."),
    ("Приёмка сельского водопровода — с участием общественности",
     "Члены совета вошли в комиссию по приёмке водопровода. Выявленные расхождения со сметой "
     "направлены в акимат района; ответ ожидается в течение месяца."),
]  # fmt: skip


def _news(councils: list[Council]) -> None:
    """A post on some councils' pages about a meeting they held."""
    for council, (title, body) in zip(councils, NEWS * 2, strict=False):
        meeting = council.meetings.filter(held_on__isnull=False).order_by("-held_on").first()
        if meeting is None:
            continue
        with frozen_at(_at(meeting.held_on + dt.timedelta(days=2), 16)):
            news_post(council=council, title=title, body=body, meeting=meeting, by=SYSTEM)


def _around_the_period(b: _Builder, of_2019: list[Council], today: list[Council]) -> None:
    """Meetings that do not count in July–December 2019: before it, after it, never held; and the
    next meeting of every council, planned for the coming weeks."""
    for day in (dt.date(2019, 6, 27), dt.date(2019, 6, 28), dt.date(2020, 1, 16), dt.date(2020, 2, 6)):
        b.meeting(b.rng.choice(of_2019), day)
    b.meeting(of_2019[1], dt.date(2019, 11, 28), hold=False)
    soon = timezone.localdate() + dt.timedelta(days=7)
    for council in today:
        day = soon + dt.timedelta(days=b.rng.randint(0, 20))
        meeting_plan(council=council, planned_at=_at(day, 15), place=b.place(council), by=SYSTEM)
