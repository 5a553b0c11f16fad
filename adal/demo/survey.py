"""The demo's National Corruption Perception Index: an instrument, illustrative census margins, and
two waves of synthetic microdata imported, weighted and published through the survey's services.

The microdata are made the way a real survey's are: in each of the 20 regions, 25 primary sampling
units (urban or rural), 20 adults in each, one adult chosen per household (so the design weight
carries the household's number of adults), rural areas sampled more thinly than urban ones; women and
older people answer more often than the census says, which raking corrects. Answers follow a latent
"clean government" score per respondent — the region's level, a cluster effect, age and chance — so
items agree with each other as they would. Between the waves, Aktobe, Kyzylorda and East Kazakhstan
improve markedly and Mangystau worsens; the rest move little.

Every figure is invented for the demo, with a seeded generator; the margins only follow the rough
shape of the regions' adult populations, and say so in their source.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from adal.core.permissions import SYSTEM
from adal.survey.models import MicrodataImport, Wave
from adal.survey.selectors import regions_on
from adal.survey.services import (
    census_margins_create,
    instrument_create,
    microdata_import_run,
    microdata_import_start,
    wave_create,
    wave_publish,
    wave_weight,
)


def _t(ru: str, kk: str, en: str) -> dict:
    return {"ru": ru, "kk": kk, "en": en}


FOUR_PREVALENCE = [
    {"code": 1, "label": _t("Очень распространена", "Өте кең таралған", "Very widespread"), "score": 0},
    {
        "code": 2,
        "label": _t("Скорее распространена", "Біршама таралған", "Fairly widespread"),
        "score": 100 / 3,
    },
    {"code": 3, "label": _t("Скорее редка", "Біршама сирек", "Fairly rare"), "score": 200 / 3},
    {
        "code": 4,
        "label": _t("Очень редка или её нет", "Өте сирек немесе жоқ", "Very rare or absent"),
        "score": 100,
    },
    {"code": 9, "label": _t("Затрудняюсь ответить", "Жауап беру қиын", "Hard to say"), "score": None},
]
TREND = [
    {"code": 1, "label": _t("Стало больше", "Көбейді", "Increased"), "score": 0},
    {"code": 2, "label": _t("Не изменилось", "Өзгерген жоқ", "Did not change"), "score": 50},
    {"code": 3, "label": _t("Стало меньше", "Азайды", "Decreased"), "score": 100},
    {"code": 9, "label": _t("Затрудняюсь ответить", "Жауап беру қиын", "Hard to say"), "score": None},
]
YES_NO_BAD = [
    {"code": 1, "label": _t("Да", "Иә", "Yes"), "score": 0},
    {"code": 2, "label": _t("Нет", "Жоқ", "No"), "score": 100},
    {"code": 9, "label": _t("Отказ от ответа", "Жауап беруден бас тарту", "Refused"), "score": None},
]
WILLING = [
    {"code": 1, "label": _t("Определённо да", "Әрине, иә", "Definitely yes"), "score": 100},
    {"code": 2, "label": _t("Скорее да", "Мүмкін, иә", "Probably yes"), "score": 200 / 3},
    {"code": 3, "label": _t("Скорее нет", "Мүмкін, жоқ", "Probably not"), "score": 100 / 3},
    {"code": 4, "label": _t("Определённо нет", "Әрине, жоқ", "Definitely not"), "score": 0},
    {"code": 9, "label": _t("Затрудняюсь ответить", "Жауап беру қиын", "Hard to say"), "score": None},
]
KNOWS = [
    {"code": 1, "label": _t("Да", "Иә", "Yes"), "score": 100},
    {"code": 2, "label": _t("Нет", "Жоқ", "No"), "score": 0},
]
TRUST = [
    {"code": 1, "label": _t("Совсем не доверяю", "Мүлдем сенбеймін", "No trust at all"), "score": 0},
    {"code": 2, "label": _t("Скорее не доверяю", "Көбіне сенбеймін", "Little trust"), "score": 25},
    {"code": 3, "label": _t("Отчасти доверяю", "Ішінара сенемін", "Some trust"), "score": 50},
    {"code": 4, "label": _t("Скорее доверяю", "Көбіне сенемін", "Much trust"), "score": 75},
    {"code": 5, "label": _t("Полностью доверяю", "Толық сенемін", "Full trust"), "score": 100},
    {"code": 9, "label": _t("Затрудняюсь ответить", "Жауап беру қиын", "Hard to say"), "score": None},
]
SECTORS = [
    {"code": 0, "label": _t("Не обращался(-ась)", "Жүгінген жоқпын", "Used none")},
    {"code": 1, "label": _t("Образование", "Білім беру", "Education")},
    {"code": 2, "label": _t("Здравоохранение", "Денсаулық сақтау", "Health care")},
    {"code": 3, "label": _t("Полиция", "Полиция", "Police")},
    {"code": 4, "label": _t("Земля и строительство", "Жер және құрылыс", "Land and construction")},
    {"code": 5, "label": _t("ЖКХ", "Тұрғын үй-коммуналдық шаруашылық", "Housing and utilities")},
    {
        "code": 6,
        "label": _t(
            "Соцвыплаты и занятость («Енбек»)",
            "Әлеуметтік төлемдер және жұмыспен қамту («Еңбек»)",
            "Social benefits and employment (Enbek)",
        ),
    },
    {"code": 7, "label": _t("ЦОН (госуслуги)", "ХҚКО (мемлекеттік қызметтер)", "Public service centres")},
]
USED_A_SERVICE = [1, 2, 3, 4, 5, 6, 7]

INSTRUMENT = {
    "code": "ncpi",
    "name": _t(
        "Национальный индекс восприятия коррупции",
        "Сыбайлас жемқорлықты қабылдаудың ұлттық индексі",
        "National Corruption Perception Index",
    ),
    "description": _t(
        "Ежегодный опрос взрослого населения (18 лет и старше) во всех регионах.",
        "Барлық өңірлердегі ересек тұрғындарға (18 жас және одан үлкен) жыл сайынғы сауалнама.",
        "A yearly survey of adults (aged 18 and over) in every region.",
    ),
    "min_age": 18,
    "components": [
        {
            "code": "prevalence",
            "weight": 0.3,
            "name": _t(
                "Распространённость коррупции", "Сыбайлас жемқорлықтың таралуы", "Perceived prevalence"
            ),
            "description": _t(
                "Насколько распространена коррупция в госорганах, по мнению людей.",
                "Адамдардың пікірінше, мемлекеттік органдарда сыбайлас жемқорлық қаншалықты таралған.",
                "How widespread people think corruption in state bodies is.",
            ),
        },
        {
            "code": "bribery",
            "weight": 0.3,
            "name": _t("Опыт взяток", "Пара беру тәжірибесі", "Experience of bribery"),
            "description": _t(
                "Вымогали ли взятку и давали ли её за последние 12 месяцев — среди обращавшихся "
                "за госуслугой.",
                "Соңғы 12 айда пара сұралды ма және берілді ме — мемлекеттік қызметке жүгінгендер арасында.",
                "Whether a bribe was asked for or given in the last 12 months, among those who used a "
                "public service.",
            ),
        },
        {
            "code": "reporting",
            "weight": 0.2,
            "name": _t("Готовность сообщать", "Хабарлауға дайындық", "Willingness to report"),
            "description": _t(
                "Сообщили бы люди о вымогательстве и знают ли они, куда.",
                "Адамдар бопсалау туралы хабарлай ма және қайда хабарлауды біле ме.",
                "Whether people would report a demand for a bribe, and know where to.",
            ),
        },
        {
            "code": "trust",
            "weight": 0.2,
            "name": _t(
                "Доверие к антикоррупционной работе",
                "Сыбайлас жемқорлыққа қарсы жұмысқа сенім",
                "Trust in anti-corruption work",
            ),
            "description": _t(
                "Доверие к Антикоррупционной службе и к общественным советам.",
                "Сыбайлас жемқорлыққа қарсы қызметке және қоғамдық кеңестерге сенім.",
                "Trust in the Anti-Corruption Agency and in the public councils.",
            ),
        },
    ],
    "items": [
        {
            "code": "sector",
            "role": "sector",
            "required": True,
            "text": _t(
                "За какой государственной услугой вы обращались последний раз за 12 месяцев?",
                "Соңғы 12 айда қандай мемлекеттік қызметке соңғы рет жүгіндіңіз?",
                "Which public service did you last use in the past 12 months?",
            ),
            "options": SECTORS,
        },
        {
            "code": "q1_prevalence",
            "component": "prevalence",
            "text": _t(
                "Насколько распространена коррупция в государственных органах вашего региона?",
                "Өңіріңіздің мемлекеттік органдарында сыбайлас жемқорлық қаншалықты таралған?",
                "How widespread is corruption in the state bodies of your region?",
            ),
            "options": FOUR_PREVALENCE,
        },
        {
            "code": "q2_trend",
            "component": "prevalence",
            "text": _t(
                "Как изменился уровень коррупции в вашем регионе за последний год?",
                "Соңғы бір жылда өңіріңізде сыбайлас жемқорлық деңгейі қалай өзгерді?",
                "How has the level of corruption in your region changed over the past year?",
            ),
            "options": TREND,
        },
        {
            "code": "q3_asked",
            "component": "bribery",
            "condition": {"item": "sector", "codes": USED_A_SERVICE},
            "text": _t(
                "Когда вы обращались за этой услугой, у вас прямо или намёками просили взятку?",
                "Осы қызметке жүгінгенде сізден тікелей немесе ишарамен пара сұрады ма?",
                "When you used that service, were you asked for a bribe, directly or by hints?",
            ),
            "options": YES_NO_BAD,
        },
        {
            "code": "q4_paid",
            "component": "bribery",
            "weight": 2,
            "condition": {"item": "sector", "codes": USED_A_SERVICE},
            "text": _t(
                "Давали ли вы деньги, подарок или услугу, чтобы решить вопрос?",
                "Мәселені шешу үшін ақша, сыйлық немесе қызмет бердіңіз бе?",
                "Did you give money, a gift or a favour to get it done?",
            ),
            "options": YES_NO_BAD,
        },
        {
            "code": "q5_would_report",
            "component": "reporting",
            "text": _t(
                "Если бы у вас вымогали взятку, сообщили бы вы об этом?",
                "Егер сізден пара талап етілсе, сіз бұл туралы хабарлар ма едіңіз?",
                "If you were asked for a bribe, would you report it?",
            ),
            "options": WILLING,
        },
        {
            "code": "q6_knows_where",
            "component": "reporting",
            "text": _t(
                "Знаете ли вы, куда сообщить о коррупции (например, на горячую линию)?",
                "Сыбайлас жемқорлық туралы қайда хабарлау керектігін білесіз бе (мысалы, сенім телефоны)?",
                "Do you know where to report corruption (for example, a hotline)?",
            ),
            "options": KNOWS,
        },
        {
            "code": "q7_trust_agency",
            "component": "trust",
            "text": _t(
                "Насколько вы доверяете работе Агентства по противодействию коррупции?",
                "Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің жұмысына қаншалықты сенесіз?",
                "How much do you trust the work of the Anti-Corruption Agency?",
            ),
            "options": TRUST,
        },
        {
            "code": "q8_trust_councils",
            "component": "trust",
            "text": _t(
                "Насколько вы доверяете общественным антикоррупционным советам?",
                "Сыбайлас жемқорлыққа қарсы қоғамдық кеңестерге қаншалықты сенесіз?",
                "How much do you trust the public anti-corruption councils?",
            ),
            "options": TRUST,
        },
    ],
}

AGE_GROUPS = [18, 30, 45, 60]
# Adults (18+), thousands, and the urban share: illustrative, of the rough size of each region.
ADULTS = {
    "100000000": (420, 0.62),
    "110000000": (560, 0.50),
    "150000000": (620, 0.70),
    "190000000": (960, 0.27),
    "230000000": (440, 0.53),
    "270000000": (480, 0.53),
    "310000000": (760, 0.41),
    "330000000": (470, 0.41),
    "350000000": (800, 0.80),
    "390000000": (610, 0.54),
    "430000000": (500, 0.45),
    "470000000": (470, 0.43),
    "550000000": (560, 0.71),
    "590000000": (410, 0.46),
    "610000000": (1230, 0.20),
    "620000000": (160, 0.80),
    "630000000": (530, 0.62),
    "710000000": (1000, 1.00),
    "750000000": (1600, 1.00),
    "790000000": (760, 1.00),
}
# The age structure of adults: younger in the south, older in the north and east.
YOUNG = {"610000000", "790000000", "310000000", "430000000", "470000000", "190000000", "330000000"}
AGE_SHARES = {True: [0.30, 0.31, 0.23, 0.16], False: [0.22, 0.28, 0.26, 0.24]}
FEMALE_SHARE = [0.50, 0.50, 0.53, 0.60]  # by age group: women outlive men

MARGINS_SOURCE = (
    "Illustrative figures for the demo, shaped on the adult population of the regions of Kazakhstan "
    "(Bureau of National Statistics, 2021 National Population Census); not official counts."
)

PSUS_PER_REGION, PER_PSU = 25, 20
REGION_LEVEL_SD, PSU_SD, PERSON_SD, ITEM_SD = 6.0, 5.0, 14.0, 16.0
NATIONAL_LEVEL = 46.0
# Between the waves: everyone a little better; these regions markedly better, or worse.
DRIFT = 1.0
CHANGES = {"150000000": 11.0, "430000000": 10.0, "630000000": 9.0, "470000000": -8.0}
SAMPLE_AGE = [0.15, 0.25, 0.29, 0.31]  # older people are at home and answer more often
SAMPLE_FEMALE = 0.58
SECTOR_CHOICE = [0.30, 0.12, 0.18, 0.08, 0.06, 0.10, 0.06, 0.10]
SECTOR_RISK = [0.0, 1.0, 1.3, 1.4, 1.5, 1.0, 1.1, 0.4]

WAVES = [
    {
        "code": "2024",
        "names": _t("Волна 2024 года", "2024 жылғы толқын", "2024 wave"),
        "fieldwork": (dt.date(2024, 10, 1), dt.date(2024, 11, 15)),
    },
    {
        "code": "2025",
        "names": _t("Волна 2025 года", "2025 жылғы толқын", "2025 wave"),
        "fieldwork": (dt.date(2025, 10, 1), dt.date(2025, 11, 15)),
    },
]
DESIGN = _t(
    "Стратифицированная двухступенчатая выборка: страты — 20 регионов, в каждом в среднем 25 первичных "
    "единиц отбора (городские и сельские участки, больше в крупных регионах), в каждой 20 домохозяйств и "
    "по одному взрослому в каждом. Сельские участки отбираются реже городских; базовый вес учитывает "
    "число взрослых в домохозяйстве.",
    "Стратификацияланған екі сатылы іріктеме: страталар — 20 өңір, әрқайсысында орта есеппен 25 бастапқы "
    "іріктеу бірлігі (қалалық және ауылдық учаскелер, ірі өңірлерде көбірек), әрқайсысында 20 үй "
    "шаруашылығы және әрқайсысынан бір ересек адам. Ауылдық учаскелер сиректеу іріктеледі; базалық салмақ"
    " үйдегі ересектер санын ескереді.",
    "A stratified two-stage sample: the strata are the 20 regions, with 25 primary sampling units (urban "
    "and rural areas) in each on average, more in the larger regions; 20 households in each PSU and one "
    "adult per household. Rural areas are sampled more thinly than urban ones; the base weight carries "
    "the number of adults in the household.",
)


@dataclass
class SurveyDemo:
    waves: list[Wave]
    imports: list[MicrodataImport]


def margins_cells(regions: list[str]) -> tuple[list[tuple[str, int, int, int]], dict[int, int]]:
    """Adults by region × sex × age group, and by urban/rural, from ``ADULTS``; both sum alike."""
    cells, urban, total = [], 0, 0
    for kato in regions:
        adults, urban_share = ADULTS[kato]
        for group, share in enumerate(AGE_SHARES[kato in YOUNG]):
            women = round(adults * 1000 * share * FEMALE_SHARE[group])
            men = round(adults * 1000 * share) - women
            cells += [(kato, 1, group, men), (kato, 2, group, women)]
            total += men + women
        urban += round(adults * 1000 * urban_share)
    return cells, {1: urban, 2: total - urban}


def _region_levels(rng: np.random.Generator, regions: list[str]) -> np.ndarray:
    return NATIONAL_LEVEL + rng.normal(0, REGION_LEVEL_SD, len(regions))


def _ordinal(rng, latent: np.ndarray, codes: list[int]) -> np.ndarray:
    """An answer on an ordered scale (worst code first) from the latent score plus the item's noise."""
    cuts = np.linspace(0, 100, len(codes) + 1)[1:-1]
    return np.asarray(codes)[np.digitize(latent + rng.normal(0, ITEM_SD, latent.size), cuts)]


def _dont_know(rng, answers: np.ndarray, share: float, code: int = 9) -> np.ndarray:
    return np.where(rng.random(answers.size) < share, code, answers)


def microdata(
    rng: np.random.Generator,
    regions: list[str],
    levels: np.ndarray,
    *,
    psus: int = PSUS_PER_REGION,
    per_psu: int = PER_PSU,
) -> list[list]:
    """One wave's respondents as CSV rows (with a header), following the module's design.

    ``psus`` is the mean number of PSUs per region; regions get them in proportion to the square root
    of their adults (a usual compromise between equal and proportional allocation)."""
    adults = np.array([ADULTS[k][0] for k in regions], dtype=float)
    allocated = np.maximum(np.round(psus * np.sqrt(adults) / np.sqrt(adults).mean()), 4).astype(int)
    n_psu = int(allocated.sum())
    psu_region = np.repeat(np.arange(len(regions)), allocated)
    position = np.arange(n_psu) - np.repeat(np.cumsum(allocated) - allocated, allocated)
    urban_share = np.array([ADULTS[k][1] for k in regions])
    # Rural areas get fewer PSUs than their share of adults (fewer interviews per adult there), but
    # every region with rural adults keeps at least two rural PSUs.
    urban_psus = np.round(allocated * np.minimum(urban_share * 1.2, 1.0))
    urban_psus = np.where(urban_share < 1, np.minimum(urban_psus, allocated - 2), allocated)
    psu_urban = position < urban_psus[psu_region]
    psu_effect = rng.normal(0, PSU_SD, n_psu)

    psu = np.repeat(np.arange(n_psu), per_psu)
    region = psu_region[psu]
    urban = psu_urban[psu]
    n = psu.size
    adults_in_household = rng.choice([1, 2, 3, 4], n, p=[0.2, 0.45, 0.2, 0.15])
    settled = adults * 1000
    # Adults each PSU stands for, over the respondents it has: the design weight before the household.
    region_urban = settled * urban_share
    region_rural = settled * (1 - urban_share)
    urban_count = urban_psus * per_psu
    rural_count = (allocated - urban_psus) * per_psu
    per_respondent = np.where(
        urban,
        region_urban[region] / np.maximum(urban_count[region], 1),
        region_rural[region] / np.maximum(rural_count[region], 1),
    )
    weight = per_respondent * adults_in_household / adults_in_household.mean()

    sex = np.where(rng.random(n) < SAMPLE_FEMALE, 2, 1)
    group = rng.choice(4, n, p=SAMPLE_AGE)
    low, high = np.array([18, 30, 45, 60]), np.array([29, 44, 59, 85])
    age = rng.integers(low[group], high[group] + 1)

    latent = levels[region] + psu_effect[psu] + 0.12 * (age - 45) + rng.normal(0, PERSON_SD, n)
    sector = rng.choice(len(SECTOR_CHOICE), n, p=SECTOR_CHOICE)
    risk = np.array(SECTOR_RISK)[sector] / (1 + np.exp((latent - 35) / 9))
    asked = rng.random(n) < 0.55 * risk
    paid = asked & (rng.random(n) < 0.6) | (rng.random(n) < 0.03 * risk)
    used = sector > 0

    answers = {
        "q1_prevalence": _dont_know(rng, _ordinal(rng, latent, [1, 2, 3, 4]), 0.06),
        "q2_trend": _dont_know(rng, _ordinal(rng, latent + 8, [1, 2, 3]), 0.10),
        "q3_asked": np.where(used, _dont_know(rng, np.where(asked, 1, 2), 0.03), -1),
        "q4_paid": np.where(used, _dont_know(rng, np.where(paid, 1, 2), 0.05), -1),
        "q5_would_report": _dont_know(rng, _ordinal(rng, latent + 5, [4, 3, 2, 1]), 0.07),
        "q6_knows_where": np.where(rng.random(n) < 1 / (1 + np.exp(-(latent - 40) / 12)), 1, 2),
        "q7_trust_agency": _dont_know(rng, _ordinal(rng, latent, [1, 2, 3, 4, 5]), 0.08),
        "q8_trust_councils": _dont_know(rng, _ordinal(rng, latent - 4, [1, 2, 3, 4, 5]), 0.12),
    }
    header = ["respondent", "region", "sex", "age", "settlement", "psu", "weight", "sector", *answers]
    columns = [
        np.arange(1, n + 1),
        np.array(regions)[region],
        sex,
        age,
        np.where(urban, 1, 2),
        [f"P{p + 1:04d}" for p in psu],
        [f"{w:.4f}" for w in weight],
        sector,
        *(np.where(a < 0, "", a.astype(str)) for a in answers.values()),
    ]
    return [header, *zip(*columns, strict=True)]


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def build_survey(*, by=SYSTEM, seed: int = 2025) -> SurveyDemo:
    """The instrument, the margins and two published waves, through the services."""
    rng = np.random.default_rng(seed)
    instrument = instrument_create(spec=INSTRUMENT, by=by)
    first_day = WAVES[0]["fieldwork"][0]
    regions = [t.kato for t in regions_on(first_day)]
    cells, settlement = margins_cells(regions)
    margins = census_margins_create(
        name="Взрослые 18+ по регионам, полу, возрасту и типу поселения (2024)",
        source=MARGINS_SOURCE,
        source_url="https://stat.gov.kz/",
        reference_date=dt.date(2024, 1, 1),
        age_groups=AGE_GROUPS,
        region_sex_age=cells,
        settlement=settlement,
        by=by,
    )
    levels = _region_levels(rng, regions)
    waves, imports = [], []
    for number, spec in enumerate(WAVES):
        if number:
            levels = levels + DRIFT + np.array([CHANGES.get(k, 0.0) for k in regions])
        start, end = spec["fieldwork"]
        wave = wave_create(
            instrument=instrument,
            margins=margins,
            code=spec["code"],
            name_ru=spec["names"]["ru"],
            name_kk=spec["names"]["kk"],
            name_en=spec["names"]["en"],
            fieldwork_start=start,
            fieldwork_end=end,
            design_ru=DESIGN["ru"],
            design_kk=DESIGN["kk"],
            design_en=DESIGN["en"],
            by=by,
        )
        upload = SimpleUploadedFile(
            f"ncpi-{spec['code']}.csv", _csv(microdata(rng, regions, levels)), "text/csv"
        )
        record = microdata_import_start(wave=wave, upload=upload, by=by, enqueue=False)
        imports.append(microdata_import_run(microdata_import=record))
        wave_weight(wave=wave, by=by)
        waves.append(wave_publish(wave=wave, by=by))
    return SurveyDemo(waves, imports)
