"""The topics councils discuss, as shipped: the three the seed names first (education, the "Enbek"
state programme, drinking water), then the hotline's categories, so that a case's category finds its
topic. Installed after every migration; an administrator may rename or add topics, and rows already
present are left as they are."""

from typing import NamedTuple


class TopicRecord(NamedTuple):
    code: str
    category: str  # the hotline category this topic answers to, "" if none
    name_ru: str
    name_kk: str
    name_en: str


TOPICS: tuple[TopicRecord, ...] = (
    TopicRecord("education", "education", "Образование", "Білім беру", "Education"),
    TopicRecord(
        "enbek",
        "",
        "Государственная программа «Еңбек»",
        "«Еңбек» мемлекеттік бағдарламасы",
        'The "Enbek" state programme',
    ),
    TopicRecord(
        "drinking_water",
        "drinking_water",
        "Питьевое водоснабжение",
        "Ауыз сумен жабдықтау",
        "Drinking water supply",
    ),
    TopicRecord("bribery", "bribery", "Взяточничество", "Парақорлық", "Bribery"),
    TopicRecord(
        "abuse_of_office",
        "abuse_of_office",
        "Злоупотребление должностными полномочиями",
        "Лауазымдық өкілеттіктерді теріс пайдалану",
        "Abuse of office",
    ),
    TopicRecord(
        "embezzlement",
        "embezzlement",
        "Хищение бюджетных средств",
        "Бюджет қаражатын жымқыру",
        "Embezzlement of public funds",
    ),
    TopicRecord(
        "procurement", "procurement", "Государственные закупки", "Мемлекеттік сатып алу", "Public procurement"
    ),
    TopicRecord(
        "conflict_of_interest",
        "conflict_of_interest",
        "Конфликт интересов",
        "Мүдделер қақтығысы",
        "Conflict of interest",
    ),
    TopicRecord("nepotism", "nepotism", "Кумовство", "Непотизм", "Nepotism"),
    TopicRecord("health_care", "health_care", "Здравоохранение", "Денсаулық сақтау", "Health care"),
    TopicRecord("land", "land", "Земельные отношения", "Жер қатынастары", "Land relations"),
    TopicRecord(
        "housing",
        "housing",
        "Жилищно-коммунальное хозяйство",
        "Тұрғын үй-коммуналдық шаруашылық",
        "Housing and utilities",
    ),
    TopicRecord(
        "state_programmes",
        "state_programmes",
        "Государственные программы",
        "Мемлекеттік бағдарламалар",
        "State programmes",
    ),
    TopicRecord(
        "law_enforcement",
        "law_enforcement",
        "Правоохранительные органы",
        "Құқық қорғау органдары",
        "Law enforcement",
    ),
    TopicRecord("other", "other", "Другое", "Басқа", "Other"),
)
