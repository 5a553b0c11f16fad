"""The demo's international ratings: the TI CPI 2012–2023 for every country (Kazakhstan's history
with its ranks among them), the WEF GCI 2019 for Kazakhstan, the WGI index with no figures yet, and
the road map's target of the top 50 in the CPI by 2025. Loaded through the import services from the
publishers' files copied into adal/ratings/data/."""

from decimal import Decimal
from pathlib import Path

from adal.core.permissions import SYSTEM
from adal.ratings.models import Country, Index, Method, RatingImport, Target
from adal.ratings.services import import_file, index_save, target_save

DATA = Path(__file__).resolve().parents[1] / "ratings" / "data"

INDICES = [
    dict(
        code="cpi",
        order=1,
        name_ru="Индекс восприятия коррупции",
        name_kk="Сыбайлас жемқорлықты қабылдау индексі",
        name_en="Corruption Perceptions Index",
        description_ru="Среднее оценок экспертов и предпринимателей из независимых источников, "
        "по шкале от 0 (высокий уровень коррупции) до 100 (очень чисто).",
        description_kk="Тәуелсіз дереккөздердегі сарапшылар мен кәсіпкерлер бағаларының орташасы, "
        "0-ден (сыбайлас жемқорлық деңгейі жоғары) 100-ге дейін (өте таза) шкала бойынша.",
        description_en="The mean of independent sources' assessments by experts and business people, "
        "on a scale from 0 (highly corrupt) to 100 (very clean).",
        publisher="Transparency International",
        url="https://www.transparency.org/cpi",
        method=Method.TI_CPI,
        scale_min=Decimal(0),
        scale_max=Decimal(100),
        decimals=0,
        first_year=2012,
    ),
    dict(
        code="wgi-cc",
        order=2,
        name_ru="Контроль коррупции (Worldwide Governance Indicators)",
        name_kk="Сыбайлас жемқорлықты бақылау (Worldwide Governance Indicators)",
        name_en="Control of Corruption (Worldwide Governance Indicators)",
        description_ru="Оценка Всемирного банка в единицах стандартного нормального распределения, "
        "примерно от −2,5 до 2,5.",
        description_kk="Дүниежүзілік банктің стандартты қалыпты үлестірім бірліктеріндегі бағасы, "
        "шамамен −2,5-тен 2,5-ке дейін.",
        description_en="The World Bank's estimate in units of a standard normal distribution, "
        "roughly from −2.5 to 2.5.",
        publisher="World Bank",
        url="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
        scale_min=Decimal("-2.5"),
        scale_max=Decimal("2.5"),
        decimals=2,
        first_year=1996,
    ),
    dict(
        code="wef-gci",
        order=3,
        name_ru="Индекс глобальной конкурентоспособности",
        name_kk="Жаһандық бәсекеге қабілеттілік индексі",
        name_en="Global Competitiveness Index",
        description_ru="Индекс ВЭФ версии 4.0 по шкале 0–100 (до 2018 года — другая методика и шкала 1–7). "
        "После 2019 года не публиковался.",
        description_kk="ДЭФ индексінің 4.0 нұсқасы, 0–100 шкаласы бойынша (2018 жылға дейін — басқа әдістеме "
        "және 1–7 шкаласы). 2019 жылдан кейін жарияланған жоқ.",
        description_en="The WEF's index in its 4.0 version, on a 0–100 scale (before 2018 another method "
        "and a 1–7 scale). Not published after 2019.",
        publisher="World Economic Forum",
        url="https://www.weforum.org/reports/global-competitiveness-report-2019",
        scale_min=Decimal(0),
        scale_max=Decimal(100),
        decimals=1,
        first_year=2018,
        last_year=2019,
    ),
]

IMPORTS = [
    ("cpi", RatingImport.Format.TI_RESULTS, "CPI_timeseries_2012-2022.csv"),
    ("cpi", RatingImport.Format.TI_RESULTS, "CPI2023_global_results_trends.psv"),
    ("cpi", RatingImport.Format.TI_SOURCES, "CPI2023_global_results_trends.psv"),
    ("wef-gci", RatingImport.Format.GENERIC, "wef_gci_2019.csv"),
]


def build_ratings() -> dict[str, Index]:
    indices = {fields["code"]: index_save(index=Index(**fields), by=SYSTEM) for fields in INDICES}
    for code, fmt, name in IMPORTS:
        import_file(
            index=indices[code], fmt=fmt, file_name=name, content=(DATA / name).read_bytes(), by=SYSTEM
        )
    target_save(
        target=Target(
            index=indices["cpi"],
            country=Country.objects.get(iso3="KAZ"),
            kind=Target.Kind.RANK_AT_MOST,
            value=Decimal(50),
            by_year=2025,
            basis_ru="Дорожная карта второго этапа антикоррупционной программы партии (до 2025 года)",
            basis_kk="Партияның сыбайлас жемқорлыққа қарсы бағдарламасының екінші кезеңінің жол картасы "
            "(2025 жылға дейін)",
            basis_en="Road map of stage 2 of the party's anti-corruption programme (to 2025)",
        ),
        by=SYSTEM,
    )
    return indices
