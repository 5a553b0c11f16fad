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
from adal.core.texts import Texts
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
# Agenda titles, decisions, meeting places and minutes, proposals, their addressees and answers, news and
# primaries are written in the three languages, as a secretary may write them, so the Kazakh and English
# pages read in their own language.
AGENDA_TITLES = {
    "education": Texts(
        ru="О фактах поборов при зачислении детей в школы",
        kk="Балаларды мектепке қабылдау кезіндегі заңсыз ақша жинау фактілері туралы",
        en="On illegal collections of money when children are enrolled in schools",
    ),
    "enbek": Texts(
        ru="О ходе реализации программы «Еңбек» и отборе её участников",
        kk="«Еңбек» бағдарламасының іске асырылу барысы және оған қатысушыларды іріктеу туралы",
        en="On the progress of the Enbek programme and the selection of its participants",
    ),
    "drinking_water": Texts(
        ru="О строительстве и ремонте сельских водопроводов",
        kk="Ауылдық су құбырларын салу және жөндеу туралы",
        en="On building and repairing rural water supply systems",
    ),
    "procurement": Texts(
        ru="О нарушениях при государственных закупках",
        kk="Мемлекеттік сатып алудағы бұзушылықтар туралы",
        en="On violations in public procurement",
    ),
    "health_care": Texts(
        ru="О платных услугах в бесплатных медицинских учреждениях",
        kk="Тегін медициналық мекемелердегі ақылы қызметтер туралы",
        en="On charges for services in free medical institutions",
    ),
    "land": Texts(
        ru="О предоставлении земельных участков без торгов",
        kk="Жер учаскелерін саудасыз беру туралы",
        en="On land plots granted without an auction",
    ),
    "housing": Texts(
        ru="Об очереди на арендное жильё",
        kk="Жалға берілетін тұрғын үй кезегі туралы",
        en="On the waiting list for rental housing",
    ),
    "bribery": Texts(
        ru="О сообщениях граждан о вымогательстве взяток",
        kk="Азаматтардың пара бопсалау туралы хабарламалары туралы",
        en="On citizens' reports of bribe extortion",
    ),
    "conflict_of_interest": Texts(
        ru="О конфликте интересов в работе конкурсных комиссий",
        kk="Конкурстық комиссиялар жұмысындағы мүдделер қақтығысы туралы",
        en="On conflicts of interest in the work of tender commissions",
    ),
    "state_programmes": Texts(
        ru="О целевом использовании средств государственных программ",
        kk="Мемлекеттік бағдарламалар қаражатының мақсатты пайдаланылуы туралы",
        en="On the proper use of state programme funds",
    ),
}
# The state bodies proposals go to, under their official names in each language (as of 2019).
MAZHILIS = Texts(
    ru="Мажилис Парламента Республики Казахстан",
    kk="Қазақстан Республикасы Парламентінің Мәжілісі",
    en="Mazhilis of the Parliament of the Republic of Kazakhstan",
)
JUSTICE = Texts(
    ru="Министерство юстиции Республики Казахстан",
    kk="Қазақстан Республикасының Әділет министрлігі",
    en="Ministry of Justice of the Republic of Kazakhstan",
)
EDUCATION = Texts(
    ru="Министерство образования и науки Республики Казахстан",
    kk="Қазақстан Республикасының Білім және ғылым министрлігі",
    en="Ministry of Education and Science of the Republic of Kazakhstan",
)
LABOUR = Texts(
    ru="Министерство труда и социальной защиты населения Республики Казахстан",
    kk="Қазақстан Республикасының Еңбек және халықты әлеуметтік қорғау министрлігі",
    en="Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan",
)
INDUSTRY = Texts(
    ru="Министерство индустрии и инфраструктурного развития Республики Казахстан",
    kk="Қазақстан Республикасының Индустрия және инфрақұрылымдық даму министрлігі",
    en="Ministry of Industry and Infrastructure Development of the Republic of Kazakhstan",
)
REGIONAL_AKIMAT = Texts(ru="Акимат области", kk="Облыс әкімдігі", en="Regional akimat")
PROPOSALS = [
    (Proposal.Kind.LEGISLATIVE, MAZHILIS, Texts(
        ru="Об усилении общественного контроля",
        kk="Қоғамдық бақылауды күшейту туралы",
        en="On strengthening public oversight")),
    (Proposal.Kind.LEGISLATIVE, MAZHILIS, Texts(
        ru="О расширении круга субъектов коррупционных правонарушений в квазигосударственном секторе",
        kk="Квазимемлекеттік сектордағы сыбайлас жемқорлық құқық бұзушылықтары субъектілерінің шеңберін "
        "кеңейту туралы",
        en="On widening the range of those liable for corruption offences in the quasi-public sector")),
    (Proposal.Kind.LEGISLATIVE, JUSTICE, Texts(
        ru="О порядке осуществления государственными служащими творческой и иной оплачиваемой деятельности",
        kk="Мемлекеттік қызметшілердің шығармашылық және өзге де ақылы қызметпен айналысу тәртібі туралы",
        en="On the rules for civil servants' creative and other paid work")),
    (Proposal.Kind.LEGISLATIVE, MAZHILIS, Texts(
        ru="О расширении полномочий органов местного самоуправления",
        kk="Жергілікті өзін-өзі басқару органдарының өкілеттіктерін кеңейту туралы",
        en="On widening the powers of local self-government")),
    (Proposal.Kind.STATE_BODY, EDUCATION, Texts(
        ru="Об электронной очереди при зачислении в первые классы",
        kk="Бірінші сыныпқа қабылдау кезіндегі электрондық кезек туралы",
        en="On an electronic queue for first-grade enrolment")),
    (Proposal.Kind.STATE_BODY, LABOUR, Texts(
        ru="О проверке списков участников программы «Еңбек»",
        kk="«Еңбек» бағдарламасына қатысушылардың тізімдерін тексеру туралы",
        en="On checking the lists of Enbek programme participants")),
    (Proposal.Kind.STATE_BODY, INDUSTRY, Texts(
        ru="О приёмке сельских водопроводов с участием общественности",
        kk="Ауылдық су құбырларын жұртшылықтың қатысуымен қабылдау туралы",
        en="On accepting rural water supply systems with members of the public present")),
    (Proposal.Kind.STATE_BODY, REGIONAL_AKIMAT, Texts(
        ru="О публикации результатов конкурсов на государственные закупки",
        kk="Мемлекеттік сатып алу конкурстарының нәтижелерін жариялау туралы",
        en="On publishing the results of public procurement tenders")),
]  # fmt: skip
# What the councils decided on each topic: recommendations to the bodies concerned, as minutes word them.
DECISIONS = {
    "education": Texts(
        ru="Рекомендовать отделу образования ввести электронную очередь при зачислении в первые классы "
        "и проверить обращения родителей о сборе денег на нужды школ.",
        kk="Білім бөліміне бірінші сыныпқа қабылдау кезінде электрондық кезек енгізуді және ата-аналардың "
        "мектеп қажеттіліктеріне ақша жинау туралы өтініштерін тексеруді ұсыну.",
        en="Recommend that the education department introduce an electronic queue for first-grade enrolment "
        "and look into parents' complaints about money collected for school needs.",
    ),
    "enbek": Texts(
        ru="Рекомендовать центру занятости опубликовать списки участников программы «Еңбек» и провести "
        "выборочную проверку выданных микрокредитов.",
        kk="Халықты жұмыспен қамту орталығына «Еңбек» бағдарламасына қатысушылардың тізімдерін жариялауды "
        "және берілген микрокредиттерді іріктеп тексеруді ұсыну.",
        en="Recommend that the employment centre publish the lists of Enbek programme participants and "
        "carry out spot checks of the microloans granted.",
    ),
    "drinking_water": Texts(
        ru="Рекомендовать акимату района создать комиссию с участием членов совета для приёмки "
        "сельского водопровода и сверить объёмы работ со сметой.",
        kk="Аудан әкімдігіне ауылдық су құбырын қабылдау үшін кеңес мүшелерінің қатысуымен комиссия құруды "
        "және атқарылған жұмыс көлемін сметамен салыстыруды ұсыну.",
        en="Recommend that the district akimat set up a commission with council members to accept the "
        "rural water supply system, and check the work done against the estimate.",
    ),
    "procurement": Texts(
        ru="Направить материалы о закупках с единственным участником в департамент внутреннего "
        "государственного аудита.",
        kk="Бір ғана қатысушысы бар сатып алулар туралы материалдарды ішкі мемлекеттік аудит "
        "департаментіне жіберу.",
        en="Refer the materials on single-bidder procurements to the internal state audit department.",
    ),
    "health_care": Texts(
        ru="Рекомендовать управлению здравоохранения разместить в поликлиниках перечень бесплатных "
        "услуг и телефон горячей линии.",
        kk="Денсаулық сақтау басқармасына емханаларда тегін қызметтер тізбесін және сенім телефонының "
        "нөмірін ілуді ұсыну.",
        en="Recommend that the health department display the list of free services and the hotline "
        "number in polyclinics.",
    ),
    "land": Texts(
        ru="Рекомендовать акимату опубликовать перечень земельных участков, предоставленных без торгов "
        "за последние три года.",
        kk="Әкімдікке соңғы үш жылда саудасыз берілген жер учаскелерінің тізбесін жариялауды ұсыну.",
        en="Recommend that the akimat publish the list of land plots granted without an auction over the "
        "last three years.",
    ),
    "housing": Texts(
        ru="Рекомендовать отделу жилищных отношений ежемесячно публиковать очередь на арендное жильё.",
        kk="Тұрғын үй қатынастары бөліміне жалға берілетін тұрғын үй кезегін ай сайын жариялауды ұсыну.",
        en="Recommend that the housing department publish the waiting list for rental housing every month.",
    ),
    "bribery": Texts(
        ru="Принять к сведению информацию о рассмотренных сообщениях; направить два сообщения в "
        "антикоррупционную службу.",
        kk="Қаралған хабарламалар туралы ақпаратты назарға алу; екі хабарламаны Сыбайлас жемқорлыққа "
        "қарсы іс-қимыл агенттігіне жіберу.",
        en="Take note of the information on the reports considered; refer two reports to the "
        "Anti-Corruption Agency.",
    ),
    "conflict_of_interest": Texts(
        ru="Рекомендовать включать в конкурсные комиссии представителей общественности и "
        "публиковать декларации об отсутствии конфликта интересов.",
        kk="Конкурстық комиссиялардың құрамына жұртшылық өкілдерін енгізуді және мүдделер қақтығысының "
        "жоқтығы туралы декларацияларды жариялауды ұсыну.",
        en="Recommend including members of the public in tender commissions and publishing declarations "
        "that there is no conflict of interest.",
    ),
    "state_programmes": Texts(
        ru="Запросить у акимата отчёт о расходовании средств программы и заслушать его на "
        "следующем заседании.",
        kk="Әкімдіктен бағдарлама қаражатының жұмсалуы туралы есеп сұрату және оны келесі отырыста тыңдау.",
        en="Ask the akimat for a report on how the programme's funds were spent and hear it at the next "
        "meeting.",
    ),
}
# Where councils meet: the akimat, the maslikhat, the party's branch, a library, a college; each council
# has its own hall and now and then meets elsewhere.
PLACES = [
    Texts(ru="Малый зал акимата", kk="Әкімдіктің кіші залы", en="Small hall of the akimat"),
    Texts(
        ru="Конференц-зал филиала партии",
        kk="Партия филиалының конференц-залы",
        en="Conference room of the party branch",
    ),
    Texts(ru="Зал заседаний маслихата", kk="Мәслихаттың сессия залы", en="Session hall of the maslikhat"),
    Texts(
        ru="Актовый зал центральной библиотеки",
        kk="Орталық кітапхананың акт залы",
        en="Assembly hall of the central library",
    ),
    Texts(
        ru="Общественная приёмная партии",
        kk="Партияның қоғамдық қабылдау бөлмесі",
        en="The party's public reception office",
    ),
    Texts(
        ru="Конференц-зал Дома дружбы",
        kk="Достық үйінің конференц-залы",
        en="Conference room of the House of Friendship",
    ),
    Texts(ru="Актовый зал колледжа", kk="Колледждің акт залы", en="Assembly hall of the college"),
    Texts(
        ru="Конференц-зал центра обслуживания населения",
        kk="Халыққа қызмет көрсету орталығының конференц-залы",
        en="Conference room of the public service centre",
    ),
    Texts(
        ru="Зал районного Дома культуры",
        kk="Аудандық мәдениет үйінің залы",
        en="Hall of the district House of Culture",
    ),
    Texts(
        ru="Молодёжный ресурсный центр, коворкинг",
        kk="Жастар ресурстық орталығы, коворкинг",
        en="Youth resource centre, coworking space",
    ),
]
PROPOSAL_TEXTS = {
    Proposal.Kind.LEGISLATIVE: Texts(
        ru="Совет изучил обращения граждан и практику применения закона в регионе и предлагает внести "
        "изменения, которые закрывают выявленные пробелы. Пояснительная записка и сравнительная таблица "
        "прилагаются.",
        kk="Кеңес азаматтардың өтініштерін және өңірде заңның қолданылу тәжірибесін зерделеп, анықталған "
        "олқылықтарды жоятын өзгерістер енгізуді ұсынады. Түсіндірме жазба мен салыстырмалы кесте қоса "
        "беріліп отыр.",
        en="The council has studied citizens' complaints and how the law is applied in the region, and "
        "proposes amendments that close the gaps it found. An explanatory note and a comparison table are "
        "attached.",
    ),
    Proposal.Kind.STATE_BODY: Texts(
        ru="По итогам заседания совет предлагает органу рассмотреть меры, указанные в решении, и сообщить "
        "о принятых мерах в течение тридцати дней. Материалы проверки обращений граждан прилагаются.",
        kk="Отырыс қорытындысы бойынша кеңес органға шешімде көрсетілген шараларды қарауды және "
        "қабылданған шаралар туралы отыз күн ішінде хабарлауды ұсынады. Азаматтардың өтініштерін тексеру "
        "материалдары қоса беріліп отыр.",
        en="Following the meeting, the council asks the body to consider the measures set out in the "
        "decision and to report on the action taken within thirty days. The findings on citizens' "
        "complaints are attached.",
    ),
}
ANSWERS = [
    Texts(
        ru="Предложение рассмотрено на совещании; меры включены в план работы на следующий год.",
        kk="Ұсыныс кеңесте қаралды; шаралар келесі жылғы жұмыс жоспарына енгізілді.",
        en="The proposal was considered at a meeting; the measures have been included in next year's "
        "work plan.",
    ),
    Texts(
        ru="Предложение поддержано частично: электронная очередь вводится с нового учебного года, "
        "остальные меры требуют изменения правил.",
        kk="Ұсыныс ішінара қолдау тапты: электрондық кезек жаңа оқу жылынан бастап енгізіледі, қалған "
        "шаралар қағидаларды өзгертуді талап етеді.",
        en="The proposal is partly supported: the electronic queue will be introduced from the new school "
        "year; the other measures need a change to the rules.",
    ),
    Texts(
        ru="Предложение не поддержано: вопрос урегулирован действующими правилами, разъяснения направлены.",
        kk="Ұсыныс қолдау таппады: мәселе қолданыстағы қағидалармен реттелген, түсіндірмелер жіберілді.",
        en="The proposal is not supported: the matter is already covered by the rules in force; an "
        "explanation has been sent.",
    ),
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


def _minutes(items, present: int, members: int) -> Texts:
    """The minutes in the three languages, naming the items in each."""

    def heard(lang: str) -> str:
        return "; ".join(f"{n}. {getattr(item, f'title_{lang}')}" for n, item in enumerate(items, 1))

    return Texts(
        ru=f"Присутствовали {present} из {members} членов совета. Рассмотрены вопросы: {heard('ru')}.",
        kk=f"Отырысқа кеңестің {members} мүшесінен {present} мүше қатысты. "
        f"Қаралған мәселелер: {heard('kk')}.",
        en=f"{present} of the council's {members} members were present. Items considered: {heard('en')}.",
    )


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

    def place(self, council: Council) -> Texts:
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
            title=Texts(
                ru="Праймериз 2020: кандидаты в состав совета",
                kk="Праймериз 2020: кеңес құрамына кандидаттар",
                en="2020 primary: candidates for the council",
            ),
            description=Texts(
                ru="Члены партии выбирают трёх кандидатов в состав общественного совета.",
                kk="Партия мүшелері қоғамдық кеңес құрамына үш кандидатты таңдайды.",
                en="Party members choose three candidates for the public council.",
            ),
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
            title=Texts(
                ru=f"Праймериз {now.year + 1}: кандидаты в состав совета",
                kk=f"Праймериз {now.year + 1}: кеңес құрамына кандидаттар",
                en=f"{now.year + 1} primary: candidates for the council",
            ),
            description=Texts(
                ru="Выдвигайте кандидатов до закрытия выдвижения; голосование пройдёт онлайн в течение "
                "недели.",
                kk="Кандидаттарды ұсыну жабылғанға дейін ұсыныңыз; дауыс беру бір апта бойы онлайн өтеді.",
                en="Nominate candidates before nominations close; voting will take place online over a week.",
            ),
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
    (
        Texts(
            ru="Совет обсудил поборы при зачислении в школы",
            kk="Кеңес мектепке қабылдау кезіндегі заңсыз ақша жинауды талқылады",
            en="The council discussed illegal collections at school enrolment",
        ),
        Texts(
            ru="На заседании члены совета заслушали отдел образования и родителей. Совет рекомендовал ввести "
            "электронную очередь в первые классы и опубликовать сведения о благотворительных взносах.",
            kk="Отырыста кеңес мүшелері білім бөлімі мен ата-аналарды тыңдады. Кеңес бірінші сыныпқа "
            "электрондық кезек енгізуді және қайырымдылық жарналары туралы мәліметтерді жариялауды ұсынды.",
            en="At the meeting, council members heard the education department and parents. The council "
            "recommended an electronic queue for first grades and publishing what charitable contributions "
            "are collected.",
        ),
    ),
    (
        Texts(
            ru="Приёмка сельского водопровода — с участием общественности",
            kk="Ауылдық су құбырын қабылдау — жұртшылықтың қатысуымен",
            en="A rural water supply system accepted with the public taking part",
        ),
        Texts(
            ru="Члены совета вошли в комиссию по приёмке водопровода. Выявленные расхождения со сметой "
            "направлены в акимат района; ответ ожидается в течение месяца.",
            kk="Кеңес мүшелері су құбырын қабылдау комиссиясының құрамына кірді. Сметамен анықталған "
            "алшақтықтар аудан әкімдігіне жіберілді; жауап бір ай ішінде күтіледі.",
            en="Council members sat on the commission accepting the water supply system. The discrepancies "
            "with the estimate they found have been sent to the district akimat; a reply is expected within "
            "a month.",
        ),
    ),
]


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
