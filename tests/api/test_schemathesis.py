"""A bounded schemathesis run over /api/openapi.json: no server error, and every answer is one the
schema documents (its status, content type and body).

The app runs in-process (WSGI) on the test database, seeded with units, reports, councils with a held
meeting, a disciplinary sanction and the demo's ratings, so the endpoints answer with data and not only
404. Each operation gets a fixed number of positive and negative examples, derandomised, so a run is
repeatable and takes seconds. The receipt endpoints are called with a real receipt (an unknown one
only reaches the 401 that tests/hotline covers), and the cache is cleared before each example so the
receipt throttle never answers for an earlier example.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adal.core.models import Role, Territory
from adal.core.texts import Texts
from adal.councils.models import Topic
from adal.councils.services import agenda_item_add, council_create, meeting_record_held
from adal.demo.ratings import build_ratings
from adal.demo.roadmap import build_roadmap
from adal.discipline.models import PositionLevel
from adal.discipline.services import member_create, proceeding_decide, proceeding_open
from adal.hotline.services import report_submit
from adal.wsgi import application
from tests.conftest import make_staff
from tests.councils.factories import plan, seat

EXAMPLES = 20  # per operation and mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def seeded(units, draft):
    """Data for every endpoint to find; returns a receipt that opens a report."""
    admin = make_staff("admin", Role.ADMINISTRATOR, units["centre"])[0]
    receipt = report_submit(draft=draft()).receipt
    report_submit(
        draft=draft(
            identity_mode="confidential", name="Айгерим Сапарова", iin="900215450129", phone="+77011234567"
        )
    )
    centre = council_create(
        unit=units["centre"], slug="central", name_ru="Совет", name_kk="Кеңес", name_en="Council", by=admin
    )
    aktobe = council_create(
        unit=units["aktobe"],
        slug="aktobe",
        name_ru="Совет Актобе",
        name_kk="Ақтөбе кеңесі",
        name_en="Aktobe council",
        territory=Territory.objects.get(kato="150000000"),
        by=admin,
    )
    for council, day in ((centre, dt.date(2019, 7, 15)), (aktobe, dt.date(2019, 9, 10))):
        members = seat(council, 3, by=admin)
        meeting = plan(council, day, by=admin)
        agenda_item_add(
            meeting=meeting, topic=Topic.objects.get(code="education"), title=Texts(ru="Школы"), by=admin
        )
        meeting_record_held(meeting=meeting, present=members, held_on=day, by=admin)
    member = member_create(
        full_name="Серик Ахметов",
        membership_number="NO-000001",
        region=Territory.objects.get(kato="150000000"),
        position="deputy akim of the region",
        position_level=PositionLevel.REGIONAL,
        is_public_official=True,
        by=admin,
    )
    proceeding = proceeding_open(
        member=member,
        grounds="court_verdict",
        grounds_details="Verdict of the Aktobe city court",
        deciding_body="Bureau of the regional political council",
        opened_on=dt.date(2019, 8, 1),
        by=admin,
    )
    proceeding_decide(proceeding=proceeding, sanction="expulsion", decided_on=dt.date(2019, 8, 1), by=admin)
    build_ratings()
    build_roadmap({"centre": units["centre"], "150000000": units["aktobe"]})
    return receipt


def fuzz(strategy, examples: int, label: str, receipt: str, failures: list[str]) -> None:
    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case):
        cache.clear()
        if case.operation.definition.raw.get("security"):
            case.headers = {**(case.headers or {}), "Authorization": f"Receipt {receipt}"}
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # every finding is listed, not only the first
            failures.append(f"{label}: {failure}")

    try:
        call()
    except Unsatisfiable:  # nothing to negate: an operation without parameters or body
        assert label.endswith("(negative)")


@pytest.fixture
def in_process():
    """The WSGI handler closes the database connection after each request, which would close the test's
    transaction; Django's test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_api_answers_only_as_its_schema_says(seeded, in_process, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", in_process)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # The schema's own examples first (they reach the success answers), then generated data.
        for example in operation.get_strategies_from_examples():
            fuzz(example, 1, f"{operation.label} (example)", seeded, failures)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            fuzz(strategy, EXAMPLES, f"{operation.label} ({mode.value})", seeded, failures)
    assert not failures, "\n\n".join(failures)
