"""The demo's road map: the party programme's two stages (the first summed up in the report to the
Political Council in March 2020, the second to 2025 with the seed's measures), progress reports over
2019–2026 (most confirmed, one waiting for its second signature, some measures overdue), and indicators
linked to the ratings, the perception index, the hotline and the councils, with a few typed ones. All
through the road map's services, in Russian, Kazakh and English."""

import datetime as dt
from decimal import Decimal

from adal.core.models import Unit, User
from adal.core.permissions import SYSTEM
from adal.roadmap.models import Indicator, IndicatorYear, LiveSource, Measure, Programme, Rollup, Stage
from adal.roadmap.services import (
    indicator_save,
    indicator_year_save,
    measure_cancel,
    measure_save,
    programme_save,
    progress_confirm,
    progress_report,
    stage_save,
)

D = dt.date
AKTOBE = "150000000"

STAGES = [
    (
        "stage-1",
        1,
        (
            "Первый этап: до отчёта Политическому совету",
            "Бірінші кезең: Саяси кеңеске есепке дейін",
            "Stage one: to the report to the Political Council",
        ),
        D(2019, 1, 1),
        D(2020, 3, 31),
    ),
    (
        "stage-2",
        2,
        (
            "Второй этап: дорожная карта до 2025 года",
            "Екінші кезең: 2025 жылға дейінгі жол картасы",
            "Stage two: the road map to 2025",
        ),
        D(2020, 4, 1),
        D(2025, 12, 31),
    ),
]

FACTION = (
    "Фракция партии в Мажилисе",
    "Партияның Мәжілістегі фракциясы",
    "The party's faction in the Mazhilis",
)
ANTICORRUPTION_AGENCY = (
    "Агентство по противодействию коррупции",
    "Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі",
    "Anti-Corruption Agency",
)
GOVERNMENT = (
    "Правительство Республики Казахстан",
    "Қазақстан Республикасының Үкіметі",
    "The Government of Kazakhstan",
)

# (code, stage, parent, titles, responsible: "centre" / AKTOBE / a state body, deadline, weight, rollup)
MEASURES = [
    (
        "1.1",
        "stage-1",
        None,
        (
            "Общественные антикоррупционные советы на всех уровнях",
            "Барлық деңгейдегі қоғамдық сыбайлас жемқорлыққа қарсы кеңестер",
            "Public anti-corruption councils at every level",
        ),
        "centre",
        D(2019, 12, 31),
        2,
        Rollup.SHARE_DONE,
    ),
    (
        "1.1.1",
        "stage-1",
        "1.1",
        (
            "Внутрипартийные праймериз в составы советов",
            "Кеңестер құрамына партияішілік праймериз",
            "Primaries for the councils' membership",
        ),
        "centre",
        D(2019, 9, 30),
        None,
        None,
    ),
    (
        "1.1.2",
        "stage-1",
        "1.1",
        (
            "Заседания советов во втором полугодии 2019 года",
            "2019 жылдың екінші жартыжылдығындағы кеңес отырыстары",
            "Council meetings in the second half of 2019",
        ),
        AKTOBE,
        D(2019, 12, 31),
        None,
        None,
    ),
    (
        "1.2",
        "stage-1",
        None,
        (
            "Отдельная горячая линия и алгоритм реагирования на жалобы",
            "Жеке сенім телефоны және шағымдарға әрекет ету алгоритмі",
            "A separate hotline and an algorithm for responding to complaints",
        ),
        "centre",
        D(2019, 10, 31),
        1,
        None,
    ),
    (
        "1.3",
        "stage-1",
        None,
        (
            "Национальный индекс восприятия коррупции",
            "Сыбайлас жемқорлықты қабылдаудың ұлттық индексі",
            "The national corruption perception index",
        ),
        "centre",
        D(2020, 2, 28),
        1,
        None,
    ),
    (
        "1.4",
        "stage-1",
        None,
        (
            "Отчёт об итогах первого этапа Политическому совету",
            "Бірінші кезең қорытындылары туралы Саяси кеңеске есеп",
            "Report on stage one to the Political Council",
        ),
        "centre",
        D(2020, 3, 31),
        1,
        None,
    ),
    (
        "2.1",
        "stage-2",
        None,
        (
            "Законопроект об усилении общественного контроля",
            "Қоғамдық бақылауды күшейту туралы заң жобасы",
            "Bill on strengthening public control",
        ),
        FACTION,
        D(2021, 12, 31),
        2,
        Rollup.WEIGHTED_MEAN,
    ),
    (
        "2.1.1",
        "stage-2",
        "2.1",
        ("Концепция законопроекта", "Заң жобасының тұжырымдамасы", "Concept of the bill"),
        "centre",
        D(2020, 12, 31),
        1,
        None,
    ),
    (
        "2.1.2",
        "stage-2",
        "2.1",
        (
            "Общественное обсуждение в регионах",
            "Өңірлердегі қоғамдық талқылау",
            "Public discussion in the regions",
        ),
        AKTOBE,
        D(2021, 6, 30),
        1,
        None,
    ),
    (
        "2.1.3",
        "stage-2",
        "2.1",
        (
            "Внесение в Мажилис и принятие",
            "Мәжіліске енгізу және қабылдау",
            "Tabling in the Mazhilis and adoption",
        ),
        FACTION,
        D(2021, 12, 31),
        2,
        None,
    ),
    (
        "2.2",
        "stage-2",
        None,
        (
            "Законопроект о расширении полномочий местного самоуправления",
            "Жергілікті өзін-өзі басқарудың өкілеттіктерін кеңейту туралы заң жобасы",
            "Bill on widening the powers of local self-government",
        ),
        GOVERNMENT,
        D(2023, 12, 31),
        2,
        Rollup.MINIMUM,
    ),
    (
        "2.2.1",
        "stage-2",
        "2.2",
        (
            "Анализ полномочий акимов сельских округов",
            "Ауылдық округ әкімдерінің өкілеттіктерін талдау",
            "Review of rural district akims' powers",
        ),
        AKTOBE,
        D(2022, 6, 30),
        None,
        None,
    ),
    (
        "2.2.2",
        "stage-2",
        "2.2",
        ("Проект закона и его принятие", "Заң жобасы және оны қабылдау", "The draft law and its adoption"),
        GOVERNMENT,
        D(2023, 12, 31),
        None,
        None,
    ),
    (
        "2.3",
        "stage-2",
        None,
        (
            "Расширение круга субъектов коррупционных правонарушений в квазигосударственном секторе",
            "Квазимемлекеттік сектордағы сыбайлас жемқорлық құқық бұзушылықтары субъектілерінің "
            "шеңберін кеңейту",
            "Wider range of subjects of corruption offences in the quasi-public sector",
        ),
        ANTICORRUPTION_AGENCY,
        D(2024, 12, 31),
        1,
        Rollup.SHARE_DONE,
    ),
    (
        "2.3.1",
        "stage-2",
        "2.3",
        (
            "Поправки в Закон о противодействии коррупции",
            "Сыбайлас жемқорлыққа қарсы іс-қимыл туралы заңға түзетулер",
            "Amendments to the Law on Combating Corruption",
        ),
        ANTICORRUPTION_AGENCY,
        D(2024, 6, 30),
        None,
        None,
    ),
    (
        "2.3.2",
        "stage-2",
        "2.3",
        (
            "Поправки в Кодекс об административных правонарушениях",
            "Әкімшілік құқық бұзушылық туралы кодекске түзетулер",
            "Amendments to the Code of Administrative Offences",
        ),
        ANTICORRUPTION_AGENCY,
        D(2024, 12, 31),
        None,
        None,
    ),
    (
        "2.4",
        "stage-2",
        None,
        (
            "Порядок занятия государственных служащих творческой и иной оплачиваемой деятельностью",
            "Мемлекеттік қызметшілердің шығармашылық және өзге де ақылы қызметпен айналысу тәртібі",
            "Rules for civil servants' creative and other paid work",
        ),
        "centre",
        D(2025, 6, 30),
        1,
        None,
    ),
    (
        "2.5",
        "stage-2",
        None,
        (
            "Улучшение позиций Казахстана в международных рейтингах",
            "Қазақстанның халықаралық рейтингтердегі позицияларын жақсарту",
            "Better positions of Kazakhstan in international ratings",
        ),
        "centre",
        D(2025, 12, 31),
        2,
        Rollup.WEIGHTED_MEAN,
    ),
    (
        "2.5.1",
        "stage-2",
        "2.5",
        (
            "Войти в число 50 лучших стран в Индексе восприятия коррупции TI",
            "TI Сыбайлас жемқорлықты қабылдау индексінде үздік 50 елдің қатарына кіру",
            "Enter the top 50 of TI's Corruption Perceptions Index",
        ),
        "centre",
        D(2025, 12, 31),
        2,
        None,
    ),
    (
        "2.5.2",
        "stage-2",
        "2.5",
        (
            "Повысить позицию в Индексе глобальной конкурентоспособности ВЭФ",
            "ДЭФ Жаһандық бәсекеге қабілеттілік индексіндегі позицияны көтеру",
            "Improve the position in the WEF Global Competitiveness Index",
        ),
        "centre",
        D(2025, 12, 31),
        1,
        None,
    ),
    (
        "2.6",
        "stage-2",
        None,
        (
            "Ежегодный публичный отчёт советов о своей работе",
            "Кеңестердің жұмысы туралы жыл сайынғы жария есебі",
            "The councils' yearly public report",
        ),
        AKTOBE,
        D(2026, 3, 31),
        1,
        None,
    ),
]

# (measure, as of, percent, text, confirmed)
REPORTS = [
    ("1.1.1", D(2019, 9, 20), 100, "Праймериз проведены во всех региональных советах.", True),
    ("1.1.2", D(2019, 10, 1), 50, "Проведено более 350 заседаний советов.", True),
    ("1.1.2", D(2019, 12, 28), 100, "Проведено более 700 заседаний во втором полугодии.", True),
    ("1.2", D(2019, 10, 15), 100, "Горячая линия работает, алгоритм реагирования утверждён.", True),
    ("1.3", D(2020, 2, 20), 100, "Впервые рассчитан национальный индекс восприятия коррупции.", True),
    ("1.4", D(2020, 3, 25), 100, "Итоги первого этапа заслушаны на расширенном заседании Политсовета.", True),
    ("2.1.1", D(2020, 11, 30), 100, "Концепция одобрена межведомственной комиссией.", True),
    ("2.1.2", D(2021, 5, 15), 80, "Обсуждения проведены в 14 регионах.", True),
    ("2.1.2", D(2021, 6, 30), 100, "Обсуждения завершены, предложения обобщены.", True),
    ("2.1.3", D(2021, 12, 20), 100, "Закон принят и подписан.", True),
    ("2.2.1", D(2022, 6, 15), 100, "Анализ полномочий завершён.", True),
    ("2.2.2", D(2023, 9, 1), 60, "Проект закона одобрен Мажилисом в первом чтении.", True),
    ("2.3.1", D(2024, 5, 30), 100, "Поправки приняты.", True),
    ("2.3.2", D(2024, 11, 1), 40, "Поправки на согласовании в госорганах.", True),
    ("2.4", D(2025, 3, 1), 50, "Проект правил разработан.", True),
    ("2.5.1", D(2025, 2, 15), 30, "Индекс 2024: 40 баллов, 88 место.", True),
    ("2.5.2", D(2020, 1, 15), 20, "Последний выпуск индекса — 2019 год (55 место).", True),
    ("2.6", D(2026, 2, 10), 60, "Проект отчёта подготовлен и разослан членам советов.", False),
]

INDICATORS = [
    # (code, titles, units, source, key, higher_is_better, decimals, note,
    #  years: {year: (baseline, target, actual, source)})
    (
        "cpi-score",
        (
            "Индекс восприятия коррупции TI: балл Казахстана",
            "TI Сыбайлас жемқорлықты қабылдау индексі: Қазақстан балы",
            "TI Corruption Perceptions Index: Kazakhstan's score",
        ),
        ("балл", "балл", "points"),
        LiveSource.RATING_SCORE,
        "cpi",
        True,
        0,
        "",
        {2019: (34, None, None, ""), 2025: (None, 45, None, "")},
    ),
    (
        "cpi-rank",
        (
            "Индекс восприятия коррупции TI: место Казахстана",
            "TI Сыбайлас жемқорлықты қабылдау индексі: Қазақстанның орны",
            "TI Corruption Perceptions Index: Kazakhstan's rank",
        ),
        ("место", "орын", "rank"),
        LiveSource.RATING_RANK,
        "cpi",
        False,
        0,
        "",
        {2019: (113, None, None, ""), 2025: (None, 50, None, "")},
    ),
    (
        "wef-gci",
        (
            "Индекс глобальной конкурентоспособности ВЭФ: место",
            "ДЭФ Жаһандық бәсекеге қабілеттілік индексі: орын",
            "WEF Global Competitiveness Index: rank",
        ),
        ("место", "орын", "rank"),
        LiveSource.RATING_RANK,
        "wef-gci",
        False,
        0,
        "",
        {2019: (55, None, None, ""), 2025: (None, 45, None, "")},
    ),
    (
        "npi",
        (
            "Национальный индекс восприятия коррупции",
            "Сыбайлас жемқорлықты қабылдаудың ұлттық индексі",
            "National corruption perception index",
        ),
        ("из 100", "100-ден", "of 100"),
        LiveSource.SURVEY_INDEX,
        "",
        True,
        1,
        "",
        {2025: (None, 60, None, "")},
    ),
    (
        "hotline-on-time",
        (
            "Доля обращений на горячую линию, отвеченных в срок",
            "Сенім телефонына түскен, мерзімінде жауап берілген өтініштер үлесі",
            "Share of hotline reports answered on time",
        ),
        ("%", "%", "%"),
        LiveSource.HOTLINE_ON_TIME,
        "",
        True,
        1,
        "",
        {2025: (None, 95, None, ""), 2026: (None, 95, None, "")},
    ),
    (
        "council-meetings",
        (
            "Заседания антикоррупционных советов",
            "Сыбайлас жемқорлыққа қарсы кеңестердің отырыстары",
            "Meetings of anti-corruption councils",
        ),
        ("заседаний", "отырыс", "meetings"),
        LiveSource.COUNCIL_MEETINGS,
        "",
        True,
        0,
        "",
        {2019: (None, 700, None, "")},
    ),
    (
        "laws-adopted",
        ("Принятые законы дорожной карты", "Жол картасының қабылданған заңдары", "Road-map laws adopted"),
        ("законов", "заң", "laws"),
        LiveSource.TYPED,
        "",
        True,
        0,
        "Ведомости Парламента",
        {
            2020: (0, None, 0, "Ведомости Парламента, 2020"),
            2021: (None, 1, 1, "Ведомости Парламента, 2021"),
            2024: (None, 3, 2, "Ведомости Парламента, 2024"),
            2025: (None, 4, None, ""),
        },
    ),
    (
        "party-sanctions",
        (
            "Члены партии, привлечённые к партийной ответственности за коррупцию",
            "Сыбайлас жемқорлық үшін партиялық жауапкершілікке тартылған партия мүшелері",
            "Party members held to party responsibility for corruption",
        ),
        ("человек", "адам", "people"),
        LiveSource.TYPED,
        "",
        False,
        0,
        "Отчёт Политическому совету",
        {2019: (None, None, 196, "Отчёт Политическому совету, март 2020")},
    ),
]


def _actors(units: dict[str, Unit]) -> dict:
    """Who reports and confirms: in Aktobe its case officer and head, elsewhere the analyst and the
    administrator (the demo's accounts), or the system where an account is missing."""
    named = {
        u.username: u
        for u in User.objects.filter(username__in=["case-officer", "unit-head", "analyst", "administrator"])
    }
    return {
        "aktobe": (named.get("case-officer", SYSTEM), named.get("unit-head", SYSTEM)),
        "other": (named.get("analyst", SYSTEM), named.get("administrator", SYSTEM)),
    }


def build_roadmap(units: dict[str, Unit], *, by=SYSTEM) -> Programme:
    programme = programme_save(
        programme=Programme(
            code="nur-otan-2025",
            title_ru="Антикоррупционная программа партии",
            title_kk="Партияның сыбайлас жемқорлыққа қарсы бағдарламасы",
            title_en="The party's anti-corruption programme",
            description_ru="Первый этап подытожен на расширенном заседании Политического совета; второй этап "
            "до 2025 года идёт по дорожной карте.",
            description_kk="Бірінші кезең Саяси кеңестің кеңейтілген отырысында қорытындыланды; екінші кезең "
            "2025 жылға дейін жол картасы бойынша жүреді.",
            description_en="Stage one was summed up at an extended meeting of the Political Council; "
            "stage two runs to 2025 by the road map.",
            starts_on=D(2019, 1, 1),
            ends_on=D(2025, 12, 31),
        ),
        by=by,
    )
    stages = {}
    for code, number, (ru, kk, en), start, end in STAGES:
        stages[code] = stage_save(
            stage=Stage(
                programme=programme,
                code=code,
                number=number,
                title_ru=ru,
                title_kk=kk,
                title_en=en,
                starts_on=start,
                ends_on=end,
            ),
            by=by,
        )
    measures = {}
    for order, (code, stage, parent, (ru, kk, en), who, deadline, weight, rollup) in enumerate(MEASURES):
        body = who if isinstance(who, tuple) else ("", "", "")
        measure = Measure(
            programme=programme,
            stage=stages[stage],
            parent=measures.get(parent),
            code=code,
            order=order,
            title_ru=ru,
            title_kk=kk,
            title_en=en,
            deadline=deadline,
            responsible_unit=None if isinstance(who, tuple) else units[who],
            responsible_body_ru=body[0],
            responsible_body_kk=body[1],
            responsible_body_en=body[2],
            weight=None if weight is None else Decimal(weight),
            rollup=rollup or Rollup.WEIGHTED_MEAN,
        )
        measures[code] = measure_save(measure=measure, by=by)
    actors = _actors(units)
    for code, as_of, percent, text, confirmed in REPORTS:
        measure = measures[code]
        aktobe = measure.responsible_unit_id == units[AKTOBE].pk
        reporter, confirmer = actors["aktobe" if aktobe else "other"]
        report = progress_report(measure=measure, percent=percent, text=text, as_of=as_of, by=reporter)
        if confirmed:
            progress_confirm(report=report, by=confirmer)
    measure_cancel(
        measure=measures["2.5.2"], on=D(2021, 1, 15), by=by
    )  # the WEF stopped the index after 2019
    for order, (code, titles, unit, source, key, better, decimals, note, years) in enumerate(INDICATORS):
        indicator = indicator_save(
            indicator=Indicator(
                programme=programme,
                code=code,
                order=order,
                title_ru=titles[0],
                title_kk=titles[1],
                title_en=titles[2],
                unit_ru=unit[0],
                unit_kk=unit[1],
                unit_en=unit[2],
                source=source,
                source_key=key,
                higher_is_better=better,
                decimals=decimals,
                source_note=note,
            ),
            by=by,
        )
        for year, (baseline, target, actual, where) in years.items():
            indicator_year_save(
                row=IndicatorYear(
                    indicator=indicator,
                    year=year,
                    source=where,
                    **{
                        k: None if v is None else Decimal(v)
                        for k, v in (("baseline", baseline), ("target", target), ("actual", actual))
                    },
                ),
                by=by,
            )
    return programme
