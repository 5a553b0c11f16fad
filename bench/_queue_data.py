"""The data set of bench/queue.py: an organisation and N cases, loaded fast into a migrated database.

Runs inside Django (``django.setup()`` done by the caller, ``DATABASE_URL`` pointing at the database).
The organisation (units, staff, one case made rich for the case page) goes through the ORM and the
services; the bulk (reports, cases, their events) is written with plain SQL: ``executemany`` on SQLite,
``COPY`` on PostgreSQL, with the secondary indexes of the three big tables dropped during the load and
built again after it. Encrypted fields hold real ciphertexts (``adal.core.crypto`` through the fields
themselves), a few distinct ones reused: their bytes decrypt, they are just not all different.

The cases are a steady state of two years of a hotline receiving N/730 reports a day, as the clocks of
the Kazakhstan preset make them (the app's own ``Clock`` and calendar, cached per day):

* region of a report: Almaty 16%, Astana 12%, Shymkent 8%, the other 17 regions the rest (uneven);
  routed to the region's branch, or one of its district offices (half of the reports that name a
  district), or (2%) the central office; waiting at reception (no unit) while in triage;
* 5% end at triage (redirected, merged, left without consideration); the rest are accepted, and 70%
  answered in time, 30% late by an exponential delay of mean 60 days; an answered case closes 10 working
  days after its answer (by the sweep or, earlier, by its officer);
* the state, deadlines, reminder and escalation moments and overdue level are what they would be now
  (``t0``) had the sweep run a minute ago: a sweep at ``t0`` has nothing to do, and one just after the
  next end of a day finds that day's cohort (a few hundred cases per million).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from adal.cases.clocks import Clock
from adal.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    ResponsePolicy,
    RiskAssessment,
    RiskLevel,
    State,
    StateBodyRequest,
)
from adal.cases.tally import tally_rebuild
from adal.core.models import Role, Territory, Unit, User
from adal.core.permissions import SYSTEM
from adal.core.selectors import regions_current
from adal.core.services import unit_create
from adal.core.workdays import calendar, local_zone
from adal.demo.scenario import branch_names, office_names
from adal.hotline.identity import identity_seal
from adal.hotline.models import Category, Channel, IdentityMode, Message, Report

UTC = dt.UTC
DAY = 86400.0
YEARS = 2
BATCH = 20_000
BIG_TABLES = ("hotline_report", "cases_case", "cases_caseevent")
BIG_REGIONS = {"750000000": 0.16, "710000000": 0.12, "790000000": 0.08}  # Almaty, Astana, Shymkent
FOCUS_REGION = "750000000"  # the regional unit whose head is measured

CATEGORY_WEIGHTS = {
    Category.BRIBERY: 24,
    Category.EDUCATION: 11,
    Category.HEALTH_CARE: 10,
    Category.LAND: 8,
    Category.PROCUREMENT: 8,
    Category.ABUSE_OF_OFFICE: 7,
    Category.HOUSING: 6,
    Category.LAW_ENFORCEMENT: 6,
    Category.STATE_PROGRAMMES: 4,
    Category.EMBEZZLEMENT: 4,
    Category.CONFLICT_OF_INTEREST: 3,
    Category.NEPOTISM: 3,
    Category.DRINKING_WATER: 2,
    Category.OTHER: 4,
}
CHANNEL_WEIGHTS = {
    Channel.WEB: 55,
    Channel.API: 20,
    Channel.PHONE: 15,
    Channel.LETTER: 6,
    Channel.IN_PERSON: 4,
}
UNUSABLE = make_password(None)
OUTCOMES = ["substantiated", "partly", "not_substantiated", "not_confirmed"]

CONTENTS = [
    {
        "description": "Инспектор дорожной полиции потребовал 150 000 тенге, чтобы не составлять протокол.",
        "occurred": "2025-03-14",
        "place": "Алматы, пр. Абая",
        "persons": ["Инспектор патрульной полиции"],
        "organisations": ["Департамент полиции"],
        "bribe_amount": "150000",
    },
    {
        "description": "Директор школы требует с родителей 300 000 тенге за зачисление ребёнка "
        "в первый класс.",
        "occurred": "2025-08-20",
        "place": "Школа-гимназия № 12",
        "persons": ["Директор школы"],
        "organisations": ["Школа-гимназия № 12"],
    },
    {
        "description": "Подрядчик получил деньги на водопровод в селе, но труб так и не проложил.",
        "persons": ["Директор ТОО «СуТехСтрой»"],
        "organisations": ["ТОО «СуТехСтрой»", "Отдел ЖКХ акимата района"],
    },
    {
        "description": "Тендер на ремонт дороги выиграла фирма родственника заместителя акима. " * 3,
        "persons": ["Заместитель акима района"],
        "organisations": ["Отдел строительства акимата"],
    },
    {
        "description": "Мектеп директоры баланы бірінші сыныпқа қабылдау үшін ата-аналардан 300 000 теңге "
        "талап етеді.",
        "persons": ["Мектеп директоры"],
        "organisations": ["№ 12 мектеп-гимназия"],
        "bribe_amount": "300000",
    },
    {
        "description": "A district official uses the akimat's cars and drivers for his family's "
        "private trips.",
        "persons": ["Deputy head of the district akimat"],
        "organisations": ["District akimat"],
    },
]
IDENTITIES = [
    {"name": "Айгерим Сапарова", "iin": "900215450129", "phone": "+77011234567", "email": ""},
    {"name": "Ержан Нурланов", "iin": "850612350456", "phone": "", "email": "erzhan@example.kz"},
    {"name": "Olga Petrova", "iin": "780304450783", "phone": "+77770001122", "email": "olga@example.kz"},
]
NOTES = [
    "Запрошены документы у заказчика; ответ ожидается.",
    "Проверка проведена, факты частично подтвердились.",
    "Материалы направлены в правоохранительные органы.",
]

REPORT_COLUMNS = [
    "id",
    "registration_number",
    "receipt_hash",
    "received_at",
    "channel",
    "category",
    "region_id",
    "district_id",
    "identity_mode",
    "language",
    "content",
    "registered_at",
    "registered_by_id",
    "purged_at",
]
CASE_COLUMNS = [
    "id",
    "report_id",
    "state",
    "version",
    "unit_id",
    "assignee_id",
    "category",
    "region_id",
    "channel",
    "concerns_corruption",
    "involves_official",
    "policy_id",
    "registered_at",
    "triage_due_at",
    "answer_due_at",
    "due_at",
    "remind_at",
    "escalate_at",
    "overdue_level",
    "extended_at",
    "outcome",
    "decided_at",
    "answered_at",
    "closed_at",
    "merged_into_id",
    "redirected_to",
    "reporter_rating",
    "appealed_at",
    "updated_at",
    "protects_id",
    "retaliation_risk",
    "purged_at",
]
EVENT_COLUMNS = [
    "id",
    "case_id",
    "at",
    "actor_id",
    "actor_label",
    "kind",
    "from_state",
    "to_state",
    "data",
    "note",
]
EVENT_FOR_STATE = {
    State.TRIAGE: ("triage_start", State.REGISTERED),
    State.ACCEPTED: ("accept", State.TRIAGE),
    State.ASSIGNED: ("assign", State.ACCEPTED),
    State.IN_REVIEW: ("review_start", State.ASSIGNED),
    State.DECIDED: ("decide", State.IN_REVIEW),
    State.ANSWERED: ("answer", State.DECIDED),
    State.CLOSED: ("close", State.ANSWERED),
    State.REDIRECTED: ("redirect", State.TRIAGE),
    State.MERGED: ("merge", State.TRIAGE),
    State.LEFT_WITHOUT_CONSIDERATION: ("leave", State.TRIAGE),
    State.REOPENED: ("appeal", State.CLOSED),
}


def _check_columns(model, columns: list[str]) -> None:
    # A generated column (``Case.open``) is computed by the database: the loader must not write it.
    actual = {f.column for f in model._meta.concrete_fields if not f.generated}
    if actual != set(columns):
        raise RuntimeError(
            f"{model._meta.db_table}: the loader's columns differ from the model's "
            f"(missing {sorted(actual - set(columns))}, extra {sorted(set(columns) - actual)})"
        )


def _retaliation_risk(i: int, state: str) -> str:
    """Every triaged case has its assessment: 2% high, 18% medium, the rest low. From the case's number,
    not the generator, so the rest of the data is what it was before the assessment existed."""
    if state in (State.REGISTERED, State.TRIAGE):
        return ""
    return "high" if i % 50 == 0 else "medium" if i % 50 < 10 else "low"


def _weighted(weights: dict):
    keys, values = list(weights), list(weights.values())
    cum, total = [], 0.0
    for v in values:
        total += v
        cum.append(total)
    return keys, cum, total


# ---------------------------------------------------------------- the organisation


@dataclass
class Org:
    centre: Unit
    region_units: dict[int, Unit]  # territory id -> branch
    district_units: dict[int, Unit]  # territory id -> district office
    districts_of: dict[int, list[int]]  # region territory id -> its district territory ids
    heads: dict[int, User]  # unit id -> head
    officers: dict[int, list[int]] = field(default_factory=dict)  # unit id -> officer ids
    usernames: dict[int, str] = field(default_factory=dict)


def build_org() -> Org:
    centre = unit_create(
        name_ru="Центральный аппарат",
        name_kk="Орталық аппарат",
        name_en="Central office",
        level="centre",
        by=SYSTEM,
    )
    region_units, district_units, districts_of = {}, {}, {}
    for region in regions_current():
        branch = unit_create(
            **branch_names(region),  # as the demo names them: "Филиал: Астана", not "Филиал: город Астана"
            level=Unit.Level.REGION,
            parent=centre,
            territory=region,
            by=SYSTEM,
        )
        region_units[region.pk] = branch
        districts_of[region.pk] = []
        for district in Territory.objects.filter(parent=region, valid_to__isnull=True).order_by("kato"):
            district_units[district.pk] = unit_create(
                **office_names(district),
                level=Unit.Level.DISTRICT,
                parent=branch,
                territory=district,
                by=SYSTEM,
            )
            districts_of[region.pk].append(district.pk)
    units = [centre, *region_units.values(), *district_units.values()]
    staff = []
    first_names = ["Айдар", "Дана", "Ерлан", "Жанна", "Марат", "Сауле", "Тимур", "Алия"]
    last_names = ["Абенов", "Бекова", "Жумабаев", "Исаева", "Касымов", "Нурпеисова", "Оспанов", "Сейтова"]
    for n, unit in enumerate(units):
        tag = unit.territory.kato if unit.territory_id else "centre"
        staff.append(
            User(
                username=f"bq-head-{tag}",
                role=Role.UNIT_HEAD,
                unit=unit,
                email=f"head-{tag}@bench.example",
                first_name=first_names[n % 8],
                last_name=last_names[(n + 3) % 8],
                is_staff=True,
                password=UNUSABLE,
            )
        )
        for k in range({"centre": 3, "region": 2}.get(unit.level, 1)):
            staff.append(
                User(
                    username=f"bq-officer-{tag}-{k}",
                    role=Role.CASE_OFFICER,
                    unit=unit,
                    email=f"officer-{tag}-{k}@bench.example",
                    first_name=first_names[(n + k) % 8],
                    last_name=last_names[(n * 3 + k) % 8],
                    is_staff=True,
                    password=UNUSABLE,
                )
            )
    User.objects.bulk_create(staff)
    org = Org(centre, region_units, district_units, districts_of, heads={})
    for user in User.objects.filter(username__startswith="bq-"):
        org.usernames[user.pk] = user.username
        if user.role == Role.UNIT_HEAD:
            org.heads[user.unit_id] = user
        else:
            org.officers.setdefault(user.unit_id, []).append(user.pk)
    return org


# ---------------------------------------------------------------- the clocks, cached per day


class Clocks:
    def __init__(self, policy: ResponsePolicy):
        self.clock = Clock.of(policy, calendar())
        self._triage, self._answer, self._remind, self._escalate, self._close = {}, {}, {}, {}, {}

    @staticmethod
    def _day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(local_zone()).date()

    def _cached(self, cache: dict, fn, moment: dt.datetime) -> dt.datetime:
        day = self._day(moment)
        value = cache.get(day)
        if value is None:
            value = cache[day] = fn(moment).astimezone(UTC)
        return value

    def triage_due(self, m):
        return self._cached(self._triage, self.clock.triage_due, m)

    def answer_due(self, m):
        return self._cached(self._answer, self.clock.answer_due, m)

    def remind_at(self, due):
        return self._cached(self._remind, self.clock.remind_at, due)

    def escalate_at(self, due):
        return self._cached(self._escalate, self.clock.escalate_at, due)

    def close_at(self, answered):
        return self._cached(self._close, self.clock.close_at, answered)


# ---------------------------------------------------------------- the rows


class Generator:
    """Yields (report, case, events) rows for case ids 1..n, as Python values; ``adapt`` makes them fit
    the backend."""

    def __init__(self, n: int, t0: dt.datetime, org: Org, policy: ResponsePolicy, seed: int = 20261125):
        self.n, self.t0, self.org, self.rng = n, t0, org, random.Random(seed)
        self.clocks = Clocks(policy)
        self.policy_id = policy.pk
        region_ids = sorted(org.region_units)
        kato = dict(Territory.objects.filter(pk__in=region_ids).values_list("pk", "kato"))
        rest = [r for r in region_ids if kato[r] not in BIG_REGIONS]
        weights = {r: BIG_REGIONS[kato[r]] for r in region_ids if kato[r] in BIG_REGIONS}
        left = 1.0 - sum(weights.values())
        raw = [0.6 + 0.8 * self.rng.random() for _ in rest]
        weights.update({r: left * w / sum(raw) for r, w in zip(rest, raw, strict=True)})
        self.regions = _weighted(weights)
        self.categories = _weighted(CATEGORY_WEIGHTS)
        self.channels = _weighted(CHANNEL_WEIGHTS)
        content_field = Report._meta.get_field("content")
        note_field = CaseEvent._meta.get_field("note")
        self.contents = [bytes(content_field.get_prep_value(c)) for c in CONTENTS]
        self.notes = [bytes(note_field.get_prep_value(t)) for t in NOTES]
        self.event_id = 0
        self.heads = {unit_id: u.pk for unit_id, u in org.heads.items()}

    def _pick(self, table):
        keys, cum, total = table
        x = self.rng.random() * total
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return keys[lo]

    def _between(self, a: dt.datetime, b: dt.datetime, lo: float, hi: float) -> dt.datetime:
        return a + (b - a) * (lo + (hi - lo) * self.rng.random())

    def _event(self, case_id, at, actor, kind, from_state, to_state, data=None, note=None):
        self.event_id += 1
        if actor:
            label = self.org.usernames.get(actor, "system")
        else:
            label = "reporter" if kind == "registered" else "system"
        data = json.dumps(data or {})
        return (self.event_id, case_id, at, actor, label, kind, from_state, to_state, data, note)

    def rows(self, i: int):
        rng, t0, org, clocks = self.rng, self.t0, self.org, self.clocks
        # Ids grow with time, as they do when reports arrive one after another.
        span = YEARS * 365 * DAY
        reg = t0 - dt.timedelta(seconds=span - span * (i - 1 + rng.random()) / self.n)
        region = self._pick(self.regions)
        districts = org.districts_of[region]
        district = rng.choice(districts) if districts and rng.random() < 0.5 else None
        category = self._pick(self.categories)
        channel = self._pick(self.channels)
        if rng.random() < 0.02:
            unit = org.centre.pk
        elif district is not None and rng.random() < 0.7:
            unit = org.district_units[district].pk
        else:
            unit = org.region_units[region].pk
        mode_x = rng.random()
        mode = (
            IdentityMode.ANONYMOUS
            if mode_x < 0.6
            else IdentityMode.CONFIDENTIAL
            if mode_x < 0.85
            else IdentityMode.OPEN
        )
        # Identities are sealed in envelopes of their own, per report: only the measured case's is written
        # (see the focus case below); the case page asks for one either way.
        report = (
            i,
            f"AC-{reg.year}-{i:07d}",
            f"{i:064x}",
            reg,
            channel,
            category,
            region,
            district,
            mode,
            "ru" if rng.random() < 0.6 else ("kk" if rng.random() < 0.75 else "en"),
            self.contents[i % len(self.contents)],
            reg,  # registered as it arrived, as web reports are
            None,
            None,  # content not purged
        )
        triage_due = clocks.triage_due(reg)
        answer_due = clocks.answer_due(reg)
        c = {
            "state": State.REGISTERED,
            "version": 0,
            "unit": None,
            "assignee": None,
            "corruption": None,
            "official": None,
            "due": triage_due,
            "remind": None,
            "escalate": None,
            "level": 0,
            "outcome": "",
            "decided": None,
            "answered": None,
            "closed": None,
            "merged": None,
            "redirected": "",
            "rating": None,
            "appealed": None,
            "updated": reg,
        }
        fate = rng.random()
        officers = org.officers.get(unit) or [self.heads[unit]]
        assignee = rng.choice(officers)
        events = [self._event(i, reg, None, "registered", "", State.REGISTERED, {"channel": channel})]
        if fate < 0.05:  # ends at triage
            end = self._between(reg, triage_due, 0.1, 1.0)
            if end > t0:
                self._in_triage(c, reg, triage_due)
            else:
                state = (
                    State.REDIRECTED
                    if fate < 0.03
                    else State.MERGED
                    if fate < 0.04
                    else State.LEFT_WITHOUT_CONSIDERATION
                )
                c.update(state=state, version=2, updated=end)
                if state == State.REDIRECTED:
                    c["redirected"] = "Агентство по противодействию коррупции"
                elif state == State.MERGED and i > 1:
                    c["merged"] = rng.randrange(max(1, i - 5000), i)
                elif state == State.MERGED:
                    c["state"] = State.REDIRECTED
                    c["redirected"] = "Прокуратура"
        else:
            accepted = self._between(reg, triage_due, 0.1, 0.9)
            if accepted > t0:
                self._in_triage(c, reg, triage_due)
            else:
                late = rng.random() < 0.30
                answered = (
                    answer_due + dt.timedelta(seconds=rng.expovariate(1 / (60 * DAY)))
                    if late
                    else self._between(accepted, answer_due, 0.2, 1.0)
                )
                c.update(unit=unit, corruption=rng.random() < 0.8, official=rng.random() < 0.3)
                if answered > t0:
                    self._open(c, accepted, answered, answer_due, assignee)
                else:
                    close_at = clocks.close_at(answered)
                    decided = answered - dt.timedelta(seconds=rng.random() * 3 * DAY)
                    c.update(
                        assignee=assignee,
                        outcome=OUTCOMES[int(rng.random() * 4)],
                        decided=max(decided, accepted),
                        answered=answered,
                        due=close_at,
                        rating=rng.randint(1, 5) if rng.random() < 0.2 else None,
                    )
                    if close_at > t0:
                        c.update(state=State.ANSWERED, version=6, updated=answered)
                    else:
                        closed = (
                            close_at if rng.random() < 0.7 else self._between(answered, close_at, 0.1, 0.9)
                        )
                        c.update(state=State.CLOSED, version=7, closed=closed, updated=closed)
        state = c["state"]
        if state != State.REGISTERED:
            kind, before = EVENT_FOR_STATE[state]
            actor = c["assignee"] or (self.heads.get(c["unit"]) if c["unit"] else None)
            note = self.notes[i % len(self.notes)] if kind in ("decide", "answer") else None
            events.append(self._event(i, c["updated"], actor, kind, before, state, {}, note))
        if c["level"] >= 1:
            events.append(self._event(i, c["due"], None, "overdue", "", "", {"due_at": c["due"].isoformat()}))
        if c["level"] >= 2:
            events.append(
                self._event(i, c["escalate"], None, "very_overdue", "", "", {"due_at": c["due"].isoformat()})
            )
        case = (
            i,
            i,
            state,
            c["version"],
            c["unit"],
            c["assignee"],
            category,
            region,
            channel,
            c["corruption"],
            c["official"],
            self.policy_id,
            reg,
            triage_due,
            answer_due,
            c["due"],
            c["remind"],
            c["escalate"],
            c["level"],
            None,
            c["outcome"],
            c["decided"],
            c["answered"],
            c["closed"],
            c["merged"],
            c["redirected"],
            c["rating"],
            c["appealed"],
            c["updated"],
            None,
            _retaliation_risk(i, state),
            None,  # content not purged
        )
        return report, case, events

    def _deadline_fields(self, c, due):
        clocks, t0 = self.clocks, self.t0
        remind, escalate = clocks.remind_at(due), clocks.escalate_at(due)
        level = 0 if due >= t0 else (2 if escalate < t0 else 1)
        c.update(due=due, remind=remind if remind > t0 else None, escalate=escalate, level=level)

    def _in_triage(self, c, reg, triage_due):
        age = (self.t0 - reg).total_seconds()
        fresh = age < 6 * 3600
        c.update(state=State.REGISTERED if fresh else State.TRIAGE, version=0 if fresh else 1)
        self._deadline_fields(c, triage_due)

    def _open(self, c, accepted, answered, answer_due, assignee):
        progress = (self.t0 - accepted) / (answered - accepted)
        if self.rng.random() < 0.03:
            state = State.REOPENED
            c["appealed"] = accepted
        elif progress < 0.15:
            state = State.ACCEPTED
        elif progress < 0.45:
            state = State.ASSIGNED
        elif progress < 0.85:
            state = State.IN_REVIEW
        else:
            state = State.DECIDED
            c["decided"] = self._between(accepted, self.t0, 0.85, 1.0)
            c["outcome"] = OUTCOMES[int(self.rng.random() * 4)]
        if state not in (State.ACCEPTED, State.REOPENED):
            c["assignee"] = assignee
        c.update(state=state, version=3, updated=accepted)
        self._deadline_fields(c, answer_due)


# ---------------------------------------------------------------- writing


def _naive_utc(value):
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _sqlite_rows(rows, datetime_positions, bool_positions):
    for row in rows:
        row = list(row)
        for p in datetime_positions:
            row[p] = _naive_utc(row[p])
        for p in bool_positions:
            if row[p] is not None:
                row[p] = int(row[p])
        yield row


def _positions(columns, names):
    return [columns.index(n) for n in names]


REPORT_DT = _positions(REPORT_COLUMNS, ["received_at", "registered_at"])
CASE_DT = _positions(
    CASE_COLUMNS,
    [
        "registered_at",
        "triage_due_at",
        "answer_due_at",
        "due_at",
        "remind_at",
        "escalate_at",
        "extended_at",
        "decided_at",
        "answered_at",
        "closed_at",
        "appealed_at",
        "updated_at",
    ],
)
CASE_BOOL = _positions(CASE_COLUMNS, ["concerns_corruption", "involves_official"])
EVENT_DT = _positions(EVENT_COLUMNS, ["at"])


class Writer:
    def __init__(self):
        self.vendor = connection.vendor
        self.saved_indexes: list[tuple[str, str]] = []

    def drop_indexes(self):
        with connection.cursor() as cur:
            for table in BIG_TABLES:
                if self.vendor == "sqlite":
                    cur.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL",
                        [table],
                    )
                else:
                    cur.execute(
                        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                        [table],
                    )
                self.saved_indexes += cur.fetchall()
            for name, _sql in self.saved_indexes:
                cur.execute(f'DROP INDEX "{name}"')

    def build_indexes(self):
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute("SET maintenance_work_mem = '512MB'")
            for _name, sql in self.saved_indexes:
                cur.execute(sql)

    def write(self, table, columns, rows, datetime_positions=(), bool_positions=()):
        if not rows:
            return
        if self.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            connection.connection.executemany(sql, _sqlite_rows(rows, datetime_positions, bool_positions))
        else:
            with (
                connection.connection.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)


def load(n: int, *, log=print) -> dict:
    """Build the organisation and N cases; returns the facts the measurements need."""
    for model, columns in ((Report, REPORT_COLUMNS), (Case, CASE_COLUMNS), (CaseEvent, EVENT_COLUMNS)):
        _check_columns(model, columns)
    started = time.monotonic()
    t0 = timezone.now().replace(second=0, microsecond=0)
    org = build_org()
    policy = ResponsePolicy.objects.get(code="kz")
    gen = Generator(n, t0, org, policy)
    writer = Writer()
    connection.ensure_connection()
    if writer.vendor == "sqlite":
        raw = connection.connection
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("PRAGMA synchronous = OFF")
        raw.execute("PRAGMA cache_size = -1000000")
        raw.execute("PRAGMA temp_store = MEMORY")
    writer.drop_indexes()
    generate_s = write_s = 0.0
    for start in range(1, n + 1, BATCH):
        t = time.monotonic()
        reports, cases, events = [], [], []
        for i in range(start, min(start + BATCH, n + 1)):
            report, case, evs = gen.rows(i)
            reports.append(report)
            cases.append(case)
            events.extend(evs)
        generate_s += time.monotonic() - t
        t = time.monotonic()
        with transaction.atomic():
            if writer.vendor == "postgresql":
                with connection.cursor() as cur:
                    # No foreign key triggers: the generated keys are right.
                    cur.execute("SET LOCAL session_replication_role = replica")
            writer.write("hotline_report", REPORT_COLUMNS, reports, REPORT_DT)
            writer.write("cases_case", CASE_COLUMNS, cases, CASE_DT, CASE_BOOL)
            writer.write("cases_caseevent", EVENT_COLUMNS, events, EVENT_DT)
        write_s += time.monotonic() - t
        done = min(start + BATCH - 1, n)
        if done % 200_000 < BATCH or done == n:
            log(f"  loaded {done:,} cases ({time.monotonic() - started:.0f} s)")
    t = time.monotonic()
    writer.build_indexes()
    index_s = time.monotonic() - t
    with connection.cursor() as cur:
        if writer.vendor == "postgresql":
            for table in ("hotline_report", "cases_case", "cases_caseevent"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
    target = enrich_focus_case(org)
    t = time.monotonic()
    tally_rebuild()  # the cases were written in bulk, past the transitions that keep the tally
    tally_s = time.monotonic() - t
    t = time.monotonic()
    analyse()
    analyse_s = time.monotonic() - t
    focus_unit = org.region_units[Territory.objects.get(kato=FOCUS_REGION).pk]
    facts = {
        "cases": n,
        "events": gen.event_id,
        "t0": t0.isoformat(),
        "region_head": org.heads[focus_unit.pk].username,
        "centre_head": org.heads[org.centre.pk].username,
        "focus_case": target,
        "load_seconds": {
            "generate": round(generate_s, 1),
            "write": round(write_s, 1),
            "indexes": round(index_s, 1),
            "tally": round(tally_s, 1),
            "analyse": round(analyse_s, 1),
            "total": round(time.monotonic() - started, 1),
        },
    }
    log(f"  loaded in {facts['load_seconds']}")
    return facts


def enrich_focus_case(org: Org) -> int:
    """The case opened on the case page: an in-review case of the focus region's branch, with a
    timeline, a conversation and a request to a state body, as a busy case has, and the risk assessment
    that every triage records."""
    branch = org.region_units[Territory.objects.get(kato=FOCUS_REGION).pk]
    case = (
        Case.objects.filter(
            unit=branch, state=State.IN_REVIEW, assignee__isnull=False, extended_at__isnull=True
        )
        .order_by("-registered_at")
        .first()
    )
    if case is None:  # tiny data sets
        case = Case.objects.filter(unit=branch).order_by("-registered_at").first()
    if case is None:
        raise RuntimeError("no case in the focus region: load more cases")
    head = org.heads[branch.pk]
    at = case.updated_at
    with transaction.atomic():
        Report.objects.filter(pk=case.report_id).update(identity_mode=IdentityMode.OPEN)
        identity_seal(report=case.report, identity=IDENTITIES[0])
        for k, text in enumerate(NOTES):
            CaseEvent.objects.create(
                case=case,
                at=at + dt.timedelta(hours=k + 1),
                actor=head,
                actor_label=head.username,
                kind="note",
                note=text,
            )
        Message.objects.create(
            report=case.report,
            direction=Message.Direction.TO_REPORTER,
            created_at=at + dt.timedelta(hours=1),
            body="Уточните, пожалуйста, дату и место.",
            author=head,
        )
        Message.objects.create(
            report=case.report,
            direction=Message.Direction.FROM_REPORTER,
            created_at=at + dt.timedelta(hours=5),
            body="Это было 14 марта, около 10 утра, на пр. Абая.",
        )
        StateBodyRequest.objects.create(
            case=case,
            addressee="Департамент полиции г. Алматы",
            question="Просим представить сведения о проверке.",
            sent_at=at + dt.timedelta(hours=2),
            due_at=at + dt.timedelta(days=14),
            sent_by=head,
        )
        focus_risk_assess(case, head)
    return case.pk


def focus_risk_assess(case: Case, by: User) -> None:
    RiskAssessment.objects.create(
        case=case,
        level=RiskLevel.LOW,
        reason="Анонимность не нарушена: по фактам заявителя не установить.",
        assessed_at=case.registered_at,
        assessed_by=by,
        actor_label=by.username,
    )


def analyse() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            connection.connection.autocommit = True
            cur.execute("VACUUM (ANALYZE)")  # also sets the visibility map, for index-only scans
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA optimize")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sizes() -> dict[str, float]:
    """Megabytes of the database and its three big tables (PostgreSQL: with their indexes)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            out = {"database": cur.fetchone()[0] / 2**20}
            for table in BIG_TABLES:
                cur.execute("SELECT pg_total_relation_size(%s)", [table])
                out[table] = cur.fetchone()[0] / 2**20
            return out
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute("PRAGMA page_size")
        return {"database": pages * cur.fetchone()[0] / 2**20}


def percent(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "-"


def describe(t0: dt.datetime) -> dict:
    """How the loaded cases are spread (for the README)."""
    total = Case.objects.count()
    by_state = dict(Case.objects.order_by().values_list("state").annotate(n=Count("id")))
    open_cases = Case.objects.filter(state__in=OPEN_STATES)
    return {
        "total": total,
        "by_state": by_state,
        "open": open_cases.count(),
        "overdue": open_cases.filter(due_at__lt=t0).count(),
        "very_overdue": open_cases.filter(overdue_level=2).count(),
        "events": CaseEvent.objects.count(),
    }
