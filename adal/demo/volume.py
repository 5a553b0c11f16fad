"""DEMO BULK LOADER — for the demo only, never for real data.

Two years of old, finished hotline cases, so that the portal has enough volume to show intervals and a
funnel plot (the live history in adal.demo.history covers six weeks and some sixty reports, too few to
say anything). Running thousands of cases through the services one transition at a time would make
`manage.py demo` take minutes, so this loader writes the reports, cases and their events with
bulk_create, as the services would have left them: registered, accepted, assigned, decided, answered
and closed (or sent on, merged or left), each with its CaseEvent. It writes no audit entries: these
cases are background volume, and the audit chain stays the record of what was done through Adal.

The units differ on purpose: most answer about 85% of cases on time, one lags and one is quicker,
the district offices get few cases (small cells the portal suppresses), and two regions are quiet.
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from adal.cases.clocks import end_of_day, local_date
from adal.cases.models import Case, CaseEvent, State
from adal.cases.services import policy_for_channel
from adal.cases.tally import tally_rebuild
from adal.core.models import Territory, Unit
from adal.core.workdays import calendar, local_zone
from adal.hotline.models import Category, Channel, IdentityMode, RegistrationCounter, Report

DEMO_ACTOR = "demo-bulk-loader"
DAYS_BACK = (60, 760)  # the finished cases were registered between 2 years and 2 months ago
PER_DAY = 5.0
QUIET_REGIONS = {"620000000", "100000000"}  # Ulytau and Abai: few reports, so cells under 5 appear
ON_TIME = {"150000000": 0.62, "430000000": 0.97}  # Aktobe lags, Kyzylorda is quick; others ~0.85
CHANNELS = [Channel.WEB] * 5 + [Channel.PHONE] * 2 + [Channel.LETTER, Channel.IN_PERSON, Channel.API]
CATEGORIES = [c for c in Category.values if c != "retaliation"]
OUTCOMES = ["substantiated", "partly", "not_substantiated", "not_confirmed"]


def build_case_volume(
    units: dict[str, Unit], *, seed: int = 2019, now: dt.datetime | None = None, per_day: float = PER_DAY
) -> int:
    """Old finished cases in every region; returns how many."""
    rng = random.Random(seed)
    now = now or timezone.now()
    cal = calendar()
    regions = list(Territory.objects.filter(kato__in=[k for k in units if k.endswith("0000000")]))
    weights = [
        0.08 if r.kato in QUIET_REGIONS else 1 + 2 * (r.kato in ("710000000", "750000000")) for r in regions
    ]
    districts = {k: u for k, u in units.items() if u.level == Unit.Level.DISTRICT}
    total = int(per_day * (DAYS_BACK[1] - DAYS_BACK[0]))
    arrivals = sorted(now - dt.timedelta(days=rng.uniform(*DAYS_BACK)) for _ in range(total))
    with transaction.atomic():
        numbers = _registration_numbers(arrivals)
        reports = Report.objects.bulk_create(
            [
                _report(rng, at, rng.choices(regions, weights)[0], n)
                for at, n in zip(arrivals, numbers, strict=True)
            ],
            batch_size=500,
        )
        if not all(r.pk for r in reports):  # backends without RETURNING on bulk insert
            reports = list(
                Report.objects.filter(registration_number__in=numbers).order_by("received_at", "pk")
            )
        cases, plans = [], []
        for report in reports:
            unit = _unit_for(rng, report, units, districts)
            case, plan = _case(rng, cal, report, unit)
            cases.append(case)
            plans.append(plan)
        cases = Case.objects.bulk_create(cases, batch_size=500)
        if not all(c.pk for c in cases):
            by_report = dict(Case.objects.filter(report__in=reports).values_list("report_id", "pk"))
            for c in cases:
                c.pk = by_report[c.report_id]
        CaseEvent.objects.bulk_create(
            [e for case, plan in zip(cases, plans, strict=True) for e in _events(case, plan)], batch_size=1000
        )
        tally_rebuild()  # written in bulk, past the transitions that keep the case tallies
    return len(cases)


def _registration_numbers(arrivals: list[dt.datetime]) -> list[str]:
    """Numbers from each year's own counter, so that later reports continue the sequence."""
    numbers, zone = [], local_zone()
    for year in sorted({a.astimezone(zone).year for a in arrivals}):
        counter, _ = RegistrationCounter.objects.select_for_update().get_or_create(year=year)
        for a in arrivals:
            if a.astimezone(zone).year == year:
                counter.last += 1
                numbers.append((a, f"AC-{year}-{counter.last:06d}"))
        counter.save(update_fields=["last"])
    return [n for _, n in sorted(numbers, key=lambda pair: pair[0])]


def _report(rng: random.Random, at: dt.datetime, region: Territory, number: str) -> Report:
    return Report(
        registration_number=number,
        receipt_hash=secrets.token_hex(32),  # nobody holds the receipt of a bulk-loaded demo case
        received_at=at,
        registered_at=at,
        channel=rng.choice(CHANNELS),
        category=rng.choice(CATEGORIES),
        region=region,
        identity_mode=IdentityMode.ANONYMOUS,
        language="ru",
        content={"description": "Демонстрационное обращение (архив).", "persons": [], "organisations": []},
    )


def _unit_for(rng, report: Report, units: dict[str, Unit], districts: dict[str, Unit]) -> Unit:
    """The region's branch; now and then one of its district offices, which so stay small."""
    own = [u for k, u in districts.items() if k[:2] == report.region.kato[:2]]
    if own and rng.random() < 0.04:
        return rng.choice(own)
    return units.get(report.region.kato) or units["centre"]


def _case(rng: random.Random, cal, report: Report, unit: Unit) -> tuple[Case, dict]:
    policy = policy_for_channel(report.channel)
    registered = report.received_at
    day = local_date(registered)
    answer_due = end_of_day(cal.add_working_days(day, policy.answer_days or 15))
    triage_due = end_of_day(cal.add_working_days(day, policy.triage_days))
    side = rng.choices(["", "redirected", "merged", "left_without_consideration"], [88, 7, 2, 3])[0]
    plan = {"side": side, "accepted": registered + dt.timedelta(hours=rng.uniform(2, 40))}
    case = Case(
        report=report,
        category=report.category,
        region=report.region,
        channel=report.channel,
        policy=policy,
        unit=unit,
        registered_at=registered,
        triage_due_at=triage_due,
        answer_due_at=answer_due,
        due_at=answer_due,
        version=5,
    )
    if side:
        case.state = side
        case.redirected_to = "Агентство РК по противодействию коррупции" if side == "redirected" else ""
        case.closed_at = plan["accepted"]
        return case, plan
    on_time = rng.random() < ON_TIME.get(unit.territory.kato if unit.territory_id else "", 0.85)
    days = rng.randint(4, 15) if on_time else rng.randint(16, 32)
    answered = dt.datetime.combine(cal.add_working_days(day, days), dt.time(16, 0), tzinfo=local_zone())
    case.state = State.CLOSED
    case.outcome = rng.choice(OUTCOMES)
    case.decided_at = answered - dt.timedelta(hours=3)
    case.answered_at = answered
    case.closed_at = answered + dt.timedelta(days=3)
    plan |= {"decided": case.decided_at, "answered": answered, "closed": case.closed_at}
    return case, plan


STEPS = [
    ("accept", State.REGISTERED, State.ACCEPTED, "accepted"),
    ("assign", State.ACCEPTED, State.ASSIGNED, "accepted"),
    ("decide", State.ASSIGNED, State.DECIDED, "decided"),
    ("answer", State.DECIDED, State.ANSWERED, "answered"),
    ("close", State.ANSWERED, State.CLOSED, "closed"),
]
SIDE_KINDS = {"redirected": "redirect", "merged": "merge", "left_without_consideration": "leave"}


def _events(case: Case, plan: dict) -> list[CaseEvent]:
    def event(kind, at, from_state="", to_state=""):
        return CaseEvent(
            case_id=case.pk,
            at=at,
            actor_label=DEMO_ACTOR,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
        )

    events = [event("registered", case.registered_at, to_state=State.REGISTERED)]
    if plan["side"]:
        return [*events, event(SIDE_KINDS[plan["side"]], plan["accepted"], State.REGISTERED, plan["side"])]
    return events + [event(kind, plan[when], a, b) for kind, a, b, when in STEPS]
