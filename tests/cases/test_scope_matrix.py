"""Every role in every unit against every staff endpoint: nothing leaks outside a unit's scope."""

import pytest
from django.urls import reverse

from adal.cases.models import State
from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.hotline.services import UploadedFile, report_submit
from tests.cases.conftest import LOW_RISK
from tests.cases.test_workspace import sign_in
from tests.conftest import make_staff

READERS = {Role.OPERATOR, Role.CASE_OFFICER, Role.UNIT_HEAD, Role.ADMINISTRATOR, Role.AUDITOR}
UNITS = ("centre", "aktobe", "almaty")


@pytest.fixture
def aktobe_case(org, draft, pdf_bytes):
    from adal.cases.services import case_accept, case_triage_start

    report = report_submit(
        draft=draft(category="bribery", description="Секретное содержание обращения о взятке."),
        files=[UploadedFile("e.pdf", pdf_bytes)],
    ).report
    case = case_accept(
        case=case_triage_start(case=report.case, by=org["operator"]), by=org["operator"], risk=LOW_RISK
    )
    assert case.unit == org["aktobe"]
    return case


def expected_to_see(role: str, unit: str) -> bool:
    return role in READERS and unit in ("centre", "aktobe")


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_the_scope_matrix(client, org, aktobe_case, role, unit):
    user, _ = make_staff(f"m-{role}-{unit}", role, org[unit])
    sign_in(client, user)
    sees = expected_to_see(role, unit)
    secret = "Секретное содержание"

    queue = client.get(reverse("cases:queue") + "?state=all")
    assert queue.status_code == (200 if role in READERS else 403)
    assert (aktobe_case.report.registration_number in queue.content.decode()) == sees

    detail = client.get(reverse("cases:case", args=[aktobe_case.pk]))
    assert detail.status_code == (200 if sees else 403 if role not in READERS else 404)
    assert (secret in detail.content.decode()) == sees

    attachment = aktobe_case.report.attachments.get()
    download = client.get(reverse("cases:attachment", args=[aktobe_case.pk, attachment.pk]))
    assert download.status_code == (200 if sees else 403 if role not in READERS else 404)

    # A write: only heads and administrators in scope may assign.
    client.post(
        reverse("cases:action", args=[aktobe_case.pk, "assign"]), {"assign-officer": org["officer"].pk}
    )
    aktobe_case.refresh_from_db()
    may_assign = sees and role in (Role.UNIT_HEAD, Role.ADMINISTRATOR)
    assert (aktobe_case.state == State.ASSIGNED) == may_assign


@pytest.mark.parametrize("path", ["/staff/", "/staff/cases/", "/staff/reports/new/"])
def test_staff_pages_need_a_signed_in_user(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_the_api_gives_staff_data_to_nobody(client, aktobe_case):
    schema = client.get("/api/openapi.json").json()
    # Reporters' own endpoints (by receipt), public statistics, the road map: nothing of the staff workspace.
    public = ("/api/v1/reports", "/api/v1/discipline", "/api/v1/stats", "/api/v1/roadmap")
    assert all(path.startswith(public) for path in schema["paths"])


def test_the_centre_sees_every_case_until_a_second_tree_appears(org, aktobe_case, new_case):
    """The sole root's scope is every case; a second root shares reception's cases but not the tree's."""
    from adal.cases.selectors import cases_visible_to
    from adal.core.models import Unit, User
    from adal.core.services import unit_create

    at_reception = new_case()
    centre_head = User.objects.select_related("unit").get(pk=org["centre_head"].pk)
    assert set(cases_visible_to(centre_head)) >= {aktobe_case, at_reception}

    other_root = unit_create(
        name_ru="Другой", name_kk="Басқа", name_en="Other", level=Unit.Level.CENTRE, new_root=True, by=SYSTEM
    )
    other_head, _ = make_staff("other-head", Role.UNIT_HEAD, other_root)
    centre_head = User.objects.select_related("unit").get(pk=org["centre_head"].pk)
    assert set(cases_visible_to(centre_head)) >= {aktobe_case, at_reception}
    other = set(cases_visible_to(User.objects.select_related("unit").get(pk=other_head.pk)))
    assert at_reception in other and aktobe_case not in other
