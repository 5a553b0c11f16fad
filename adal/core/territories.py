"""Kazakhstan's administrative-territorial units, keyed by their KATO codes.

KATO (Классификатор административно-территориальных объектов / Әкімшілік-аумақтық объектілер
жіктеуіші) is the classifier kept by the Bureau of National Statistics of the Agency for Strategic
Planning and Reforms (stat.gov.kz, "Classifiers" → KATO). A code has nine digits: the first two name
the region (oblast, or city of republican significance), the next two the district or city
administration inside it, the rest the rural district and settlement; ``NN0000000`` is a region.
This module holds the regions and a small, hand-checked set of districts; it is not the full
classifier and has no Django import, so it may be used from settings, migrations and scripts alike.

The map changed twice in the period our records cover, and old statistics refer to the map of their
time, so the records carry validity dates (``valid_from`` inclusive, ``valid_to`` exclusive):

* 19 June 2018: South Kazakhstan region (51) was renamed Turkistan region and given a new code (61),
  and its former centre Shymkent became the third city of republican significance (79).
* 8 June 2022: Abai region (10) was split from East Kazakhstan, Zhetisu region (33) from Almaty
  region, and Ulytau region (62) from Karaganda region.

Names change without a new map: the capital was Akmola, then Astana from 6 May 1998, Nur-Sultan from
23 March 2019 and Astana again from 17 September 2022. ``NAMES`` holds such dated names (the records
above hold today's), and ``todays_regions`` / ``region_then`` map a region of an older map onto today's.

Validity dates are kept for regions only. District records carry none (``None`` on both ends) unless
stated, so ``districts_of`` lists today's districts; a few were created recently (Astana's Nura in
December 2022 and Saraishyk in 2024, Shymkent's Turan in 2022), and their exact dates are not recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["region", "city", "district"]

_KINDS = frozenset({"region", "city", "district"})
_ALMATY = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True, slots=True)
class TerritoryRecord:
    kato: str
    kind: Kind
    name_ru: str
    name_kk: str
    name_en: str
    parent_kato: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    former_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.kato) != 9 or not self.kato.isascii() or not self.kato.isdigit():
            raise ValueError(f"KATO code must be 9 digits, got {self.kato!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"unknown territory kind {self.kind!r}")
        if (self.kind == "district") != (self.parent_kato is not None):
            raise ValueError(f"{self.kato}: districts, and only districts, have a parent")
        if self.valid_from and self.valid_to and self.valid_from >= self.valid_to:
            raise ValueError(f"{self.kato}: valid_from must precede valid_to")

    def is_valid_on(self, on: dt.date) -> bool:
        """True if the unit existed under this code on ``on`` (valid_from inclusive, valid_to exclusive)."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on < self.valid_to


# The dates of the two redrawings of the map.
TURKISTAN_REFORM = dt.date(2018, 6, 19)
NEW_REGIONS_2022 = dt.date(2022, 6, 8)


def _region(kato: str, name_ru: str, name_kk: str, name_en: str, **kw) -> TerritoryRecord:
    return TerritoryRecord(kato, "region", name_ru, name_kk, name_en, **kw)


def _city(kato: str, name_ru: str, name_kk: str, name_en: str, **kw) -> TerritoryRecord:
    return TerritoryRecord(kato, "city", name_ru, name_kk, name_en, **kw)


def _district(parent: str, kato: str, name_ru: str, name_kk: str, name_en: str) -> TerritoryRecord:
    return TerritoryRecord(kato, "district", name_ru, name_kk, name_en, parent_kato=parent)


# Oblasts and cities of republican significance, today's and former, in KATO order.
REGIONS: tuple[TerritoryRecord, ...] = (
    _region("100000000", "область Абай", "Абай облысы", "Abai Region", valid_from=NEW_REGIONS_2022),
    _region("110000000", "Акмолинская область", "Ақмола облысы", "Akmola Region"),
    _region("150000000", "Актюбинская область", "Ақтөбе облысы", "Aktobe Region"),
    _region("190000000", "Алматинская область", "Алматы облысы", "Almaty Region"),
    _region("230000000", "Атырауская область", "Атырау облысы", "Atyrau Region"),
    _region("270000000", "Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan Region"),
    _region("310000000", "Жамбылская область", "Жамбыл облысы", "Zhambyl Region"),
    _region("330000000", "область Жетісу", "Жетісу облысы", "Zhetisu Region", valid_from=NEW_REGIONS_2022),
    _region("350000000", "Карагандинская область", "Қарағанды облысы", "Karaganda Region"),
    _region("390000000", "Костанайская область", "Қостанай облысы", "Kostanay Region"),
    _region("430000000", "Кызылординская область", "Қызылорда облысы", "Kyzylorda Region"),
    _region("470000000", "Мангистауская область", "Маңғыстау облысы", "Mangystau Region"),
    _region(
        "510000000",
        "Южно-Казахстанская область",
        "Оңтүстік Қазақстан облысы",
        "South Kazakhstan Region",
        valid_to=TURKISTAN_REFORM,
    ),
    _region("550000000", "Павлодарская область", "Павлодар облысы", "Pavlodar Region"),
    _region(
        "590000000", "Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan Region"
    ),
    _region(
        "610000000",
        "Туркестанская область",
        "Түркістан облысы",
        "Turkistan Region",
        valid_from=TURKISTAN_REFORM,
        former_names=("South Kazakhstan",),
    ),
    _region("620000000", "область Ұлытау", "Ұлытау облысы", "Ulytau Region", valid_from=NEW_REGIONS_2022),
    _region(
        "630000000", "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region"
    ),
    _city(
        "710000000",
        "город Астана",
        "Астана қаласы",
        "Astana",
        former_names=("Nur-Sultan", "Akmola", "Tselinograd", "Akmolinsk"),
    ),
    _city("750000000", "город Алматы", "Алматы қаласы", "Almaty", former_names=("Alma-Ata",)),
    _city("790000000", "город Шымкент", "Шымкент қаласы", "Shymkent", valid_from=TURKISTAN_REFORM),
)

_AKTOBE, _KARAGANDA, _KYZYLORDA = "150000000", "350000000", "430000000"
_TURKISTAN, _EAST_KZ = "610000000", "630000000"
_ASTANA, _ALMATY_CITY, _SHYMKENT = "710000000", "750000000", "790000000"

# A modest, hand-checked set of districts (аудандар) and city districts; codes are level 2 of KATO.
DISTRICTS: tuple[TerritoryRecord, ...] = (
    # Aktobe region
    _district(_AKTOBE, "153200000", "Алгинский район", "Алға ауданы", "Alga District"),
    _district(_AKTOBE, "154800000", "Мугалжарский район", "Мұғалжар ауданы", "Mugalzhar District"),
    _district(_AKTOBE, "155600000", "Темирский район", "Темір ауданы", "Temir District"),
    _district(_AKTOBE, "156000000", "Хромтауский район", "Хромтау ауданы", "Khromtau District"),
    _district(_AKTOBE, "156400000", "Шалкарский район", "Шалқар ауданы", "Shalkar District"),
    # Karaganda region (as it stands after Ulytau region was split off in 2022)
    _district(_KARAGANDA, "353200000", "Абайский район", "Абай ауданы", "Abai District"),
    _district(
        _KARAGANDA, "354000000", "Бухар-Жырауский район", "Бұқар жырау ауданы", "Bukhar-Zhyrau District"
    ),
    _district(_KARAGANDA, "354800000", "Каркаралинский район", "Қарқаралы ауданы", "Karkaraly District"),
    _district(_KARAGANDA, "355200000", "Нуринский район", "Нұра ауданы", "Nura District"),
    _district(_KARAGANDA, "355600000", "Осакаровский район", "Осакаров ауданы", "Osakarovka District"),
    # Kyzylorda region
    _district(_KYZYLORDA, "433200000", "Аральский район", "Арал ауданы", "Aral District"),
    _district(_KYZYLORDA, "433600000", "Жалагашский район", "Жалағаш ауданы", "Zhalagash District"),
    _district(_KYZYLORDA, "434400000", "Казалинский район", "Қазалы ауданы", "Kazaly District"),
    _district(_KYZYLORDA, "434600000", "Кармакшинский район", "Қармақшы ауданы", "Karmakshy District"),
    _district(_KYZYLORDA, "435200000", "Шиелийский район", "Шиелі ауданы", "Shieli District"),
    # Turkistan region
    _district(_TURKISTAN, "613600000", "район Байдибека", "Бәйдібек ауданы", "Baidibek District"),
    _district(_TURKISTAN, "613800000", "Жетысайский район", "Жетісай ауданы", "Zhetisai District"),
    _district(_TURKISTAN, "613900000", "Келесский район", "Келес ауданы", "Keles District"),
    _district(_TURKISTAN, "614000000", "Казыгуртский район", "Қазығұрт ауданы", "Kazygurt District"),
    # East Kazakhstan region (as it stands after Abai region was split off in 2022)
    _district(_EAST_KZ, "634000000", "Глубоковский район", "Глубокое ауданы", "Glubokoye District"),
    _district(_EAST_KZ, "634600000", "Зайсанский район", "Зайсан ауданы", "Zaisan District"),
    _district(_EAST_KZ, "635800000", "Тарбагатайский район", "Тарбағатай ауданы", "Tarbagatai District"),
    _district(_EAST_KZ, "636200000", "Уланский район", "Ұлан ауданы", "Ulan District"),
    _district(_EAST_KZ, "636800000", "Шемонаихинский район", "Шемонаиха ауданы", "Shemonaikha District"),
    # Astana
    _district(_ASTANA, "711110000", "район Алматы", "Алматы ауданы", "Almaty District"),
    _district(_ASTANA, "711210000", "район Есиль", "Есіл ауданы", "Yesil District"),
    _district(_ASTANA, "711310000", "район Сарыарка", "Сарыарқа ауданы", "Saryarka District"),
    _district(_ASTANA, "711410000", "район Байконыр", "Байқоңыр ауданы", "Baikonyr District"),
    _district(_ASTANA, "711510000", "район Нура", "Нұра ауданы", "Nura District"),
    _district(_ASTANA, "711610000", "район Сарайшык", "Сарайшық ауданы", "Saraishyk District"),
    # Almaty
    _district(_ALMATY_CITY, "751110000", "Алмалинский район", "Алмалы ауданы", "Almaly District"),
    _district(_ALMATY_CITY, "751210000", "Алатауский район", "Алатау ауданы", "Alatau District"),
    _district(_ALMATY_CITY, "751310000", "Ауэзовский район", "Әуезов ауданы", "Auezov District"),
    _district(_ALMATY_CITY, "751410000", "Бостандыкский район", "Бостандық ауданы", "Bostandyk District"),
    _district(_ALMATY_CITY, "751510000", "Жетысуский район", "Жетісу ауданы", "Zhetysu District"),
    _district(_ALMATY_CITY, "751710000", "Медеуский район", "Медеу ауданы", "Medeu District"),
    _district(_ALMATY_CITY, "751810000", "Наурызбайский район", "Наурызбай ауданы", "Nauryzbay District"),
    _district(_ALMATY_CITY, "751910000", "Турксибский район", "Түрксіб ауданы", "Turksib District"),
    # Shymkent
    _district(_SHYMKENT, "791110000", "Абайский район", "Абай ауданы", "Abai District"),
    _district(_SHYMKENT, "791310000", "Аль-Фарабийский район", "Әл-Фараби ауданы", "Al-Farabi District"),
    _district(_SHYMKENT, "791510000", "Енбекшинский район", "Еңбекші ауданы", "Enbekshi District"),
    _district(_SHYMKENT, "791710000", "Каратауский район", "Қаратау ауданы", "Karatau District"),
    _district(_SHYMKENT, "791910000", "район Туран", "Тұран ауданы", "Turan District"),
)

_BY_KATO: dict[str, TerritoryRecord] = {record.kato: record for record in (*REGIONS, *DISTRICTS)}


def by_kato() -> dict[str, TerritoryRecord]:
    """Every record (regions, former regions and districts) by its KATO code; a fresh dict each call."""
    return dict(_BY_KATO)


def current_regions(on: dt.date | None = None) -> tuple[TerritoryRecord, ...]:
    """The oblasts and cities of republican significance as they stood on ``on`` (default: today in
    Almaty): 20 since 8 June 2022, 17 from 19 June 2018 until then, 16 before that."""
    if on is None:
        on = dt.datetime.now(_ALMATY).date()
    return tuple(region for region in REGIONS if region.is_valid_on(on))


def districts_of(kato: str) -> tuple[TerritoryRecord, ...]:
    """The districts this module lists for the region or city ``kato`` (a subset of KATO's)."""
    return tuple(district for district in DISTRICTS if district.parent_kato == kato)


# ---------------------------------------------------------------- names of the time


@dataclass(frozen=True, slots=True)
class DatedName:
    """A name a territory bore from ``valid_from`` (inclusive) to ``valid_to`` (exclusive); outside
    every dated name, the record's own (today's) names apply."""

    kato: str
    name_ru: str
    name_kk: str
    name_en: str
    valid_from: dt.date | None
    valid_to: dt.date | None


ASTANA_1998 = dt.date(1998, 5, 6)  # Decree of the President No. 3936: Akmola renamed Astana
NUR_SULTAN_2019 = dt.date(2019, 3, 23)  # constitutional amendment signed on 23 March 2019
ASTANA_2022 = dt.date(2022, 9, 17)  # constitutional amendments signed on 17 September 2022

# The capital's names. Akmola's start (1992, after Tselinograd) is not dated: no record Adal holds is so old.
NAMES: tuple[DatedName, ...] = (
    DatedName(_ASTANA, "город Акмола", "Ақмола қаласы", "Akmola", None, ASTANA_1998),
    DatedName(_ASTANA, "город Астана", "Астана қаласы", "Astana", ASTANA_1998, NUR_SULTAN_2019),
    DatedName(_ASTANA, "город Нур-Султан", "Нұр-Сұлтан қаласы", "Nur-Sultan", NUR_SULTAN_2019, ASTANA_2022),
)


# ---------------------------------------------------------------- older maps on today's


@dataclass(frozen=True, slots=True)
class Split:
    """On ``on``, the land of region ``kato`` was shared among ``into`` (it may keep its code and part)."""

    on: dt.date
    kato: str
    into: tuple[str, ...]


SPLITS: tuple[Split, ...] = (
    Split(TURKISTAN_REFORM, "510000000", ("610000000", _SHYMKENT)),
    Split(NEW_REGIONS_2022, _EAST_KZ, (_EAST_KZ, "100000000")),  # Abai
    Split(NEW_REGIONS_2022, "190000000", ("190000000", "330000000")),  # Zhetisu from Almaty region
    Split(NEW_REGIONS_2022, _KARAGANDA, (_KARAGANDA, "620000000")),  # Ulytau
)


def todays_regions(kato: str, on: dt.date) -> tuple[str, ...]:
    """Today's regions that cover the land region ``kato`` covered on ``on``: 2019's East Kazakhstan is
    today's East Kazakhstan and Abai; a region no split has touched since is itself."""
    regions = (kato,)
    for split in sorted(SPLITS, key=lambda s: s.on):
        if on < split.on:
            regions = tuple(
                r for region in regions for r in (split.into if region == split.kato else (region,))
            )
    return regions


def region_then(kato: str, on: dt.date) -> str:
    """The region of the map of ``on`` that covered today's region ``kato``: Abai's was East Kazakhstan
    in 2019."""
    for region in current_regions(on):
        if kato in todays_regions(region.kato, on):
            return region.kato
    return kato
