"""The register of party discipline on staff pages: a discipline secretary registers members of their
unit's territories, opens proceedings (a hotline case among the grounds shows on the case), records the
decision, an appeal and its outcome; wrong input is named on the form and nothing is written. The
public list of decisions is a page too, under the publication rule."""

import datetime as dt

import pytest
from django.urls import reverse

from adal.core.models import AuditEvent, Role
from adal.core.permissions import may
from adal.discipline.models import PartyMember, Proceeding, PublicationRule, Status
from adal.discipline.selectors import members_in_reach
from adal.discipline.services import DisciplineRefused, member_create, proceeding_open
from tests.cases.conftest import new_case, org  # noqa: F401  (fixtures shared with the cases' tests)
from tests.conftest import make_staff
from tests.councils.test_council_pages import sign_in
from tests.discipline.conftest import AKTOBE, ALMATY_CITY, territory

MEMBER = {
    "full_name": "Серик Ахметов",
    "membership_number": "NO-100001",
    "region": "",
    "position": "deputy akim of the region",
    "position_level": "regional",
    "organisation": "Akimat",
    "is_public_official": "on",
}


@pytest.fixture
def secretaries(units):
    return {
        "aktobe": make_staff("aktobe-discipline", Role.DISCIPLINE_SECRETARY, units["aktobe"])[0],
        "centre": make_staff("centre-discipline", Role.DISCIPLINE_SECRETARY, units["centre"])[0],
    }


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- reach


def test_a_secretary_reaches_the_members_of_their_units_territories(secretaries, new_member, units):
    aktobe, almaty = new_member(region=AKTOBE), new_member(name="Алма Нурова", region=ALMATY_CITY)
    assert may(secretaries["aktobe"], "discipline.record", aktobe)
    assert not may(secretaries["aktobe"], "discipline.record", almaty)
    assert list(members_in_reach(secretaries["aktobe"])) == [aktobe]
    assert set(members_in_reach(secretaries["centre"])) == {aktobe, almaty}
    assert list(members_in_reach(secretaries["centre"], "Алма")) == [almaty]
    head = make_staff("a-head", Role.UNIT_HEAD, units["aktobe"])[0]
    assert not may(head, "discipline.record") and not members_in_reach(head).exists()


def test_a_member_out_of_reach_is_refused_and_nothing_is_written(secretaries, new_member):
    with pytest.raises(DisciplineRefused, match="outside the territories of your unit"):
        member_create(
            full_name="Алма Нурова",
            membership_number="NO-9",
            region=territory(ALMATY_CITY),
            by=secretaries["aktobe"],
        )
    almaty = new_member(region=ALMATY_CITY)
    with pytest.raises(DisciplineRefused, match="outside the territories"):
        proceeding_open(
            member=almaty,
            grounds="other",
            grounds_details="x",
            deciding_body="Bureau",
            opened_on=dt.date(2024, 1, 1),
            by=secretaries["aktobe"],
        )
    assert PartyMember.objects.count() == 1 and not Proceeding.objects.exists()


# ---------------------------------------------------------------- the pages


def test_registering_a_member_on_the_page(client, secretaries):
    sign_in(client, secretaries["aktobe"])
    assert client.get(reverse("discipline:staff_home")).status_code == 200
    url = reverse("discipline:member_new")
    assert client.get(url).status_code == 200
    response = client.post(url, {**MEMBER, "region": territory(AKTOBE).pk})
    member = PartyMember.objects.get(membership_number="NO-100001")
    assert response.status_code == 302
    assert response["Location"] == reverse("discipline:staff_member", args=[member.pk])
    assert member.is_public_official and member.region.kato == AKTOBE
    assert "Серик Ахметов" in text(client.get(reverse("discipline:staff_home")))


def test_bad_member_input_is_named_and_nothing_is_written(client, secretaries, new_member):
    new_member(membership_number="NO-100001")
    sign_in(client, secretaries["aktobe"])
    url = reverse("discipline:member_new")
    empty = client.post(url, {"full_name": "", "membership_number": "", "position_level": "minister"})
    assert empty.status_code == 400
    assert "This field is required." in text(empty) and "Select a valid choice" in text(empty)
    taken = client.post(url, {**MEMBER, "region": territory(AKTOBE).pk})
    assert taken.status_code == 400 and "already recorded" in text(taken)
    away = client.post(url, {**MEMBER, "membership_number": "NO-2", "region": territory(ALMATY_CITY).pk})
    assert away.status_code == 400 and "outside the territories of your unit" in text(away)
    assert PartyMember.objects.count() == 1


def test_a_proceeding_from_a_hotline_case_shows_on_the_case(client, secretaries, new_member, org, new_case):  # noqa: F811
    case = new_case()
    number = case.report.registration_number
    member = new_member(region=AKTOBE)
    sign_in(client, secretaries["aktobe"])
    url = reverse("discipline:proceeding_new", args=[member.pk])
    form = {"open-grounds": "hotline_case", "open-deciding_body": "Bureau", "open-opened_on": "2024-03-01"}
    missing = client.post(url, form)
    assert missing.status_code == 400 and "Link the hotline case the proceeding comes from." in text(missing)
    unknown = client.post(url, {**form, "open-case_number": "AC-1999-000001"})
    assert unknown.status_code == 400 and "No hotline case has the number AC-1999-000001." in text(unknown)
    assert not Proceeding.objects.exists()
    done = client.post(url, {**form, "open-case_number": number.lower()})
    assert done.status_code == 302
    proceeding = Proceeding.objects.get()
    assert proceeding.case == case
    assert AuditEvent.objects.filter(action="discipline.proceeding_opened").exists()
    client.logout()
    sign_in(client, org["centre_head"])
    page = text(client.get(reverse("cases:case", args=[case.pk])))
    assert 'data-testid="case-discipline"' in page and f'data-proceeding="{proceeding.pk}"' in page
    assert "Серик Ахметов" in page
    assert reverse("discipline:staff_member", args=[member.pk]) not in page  # the head keeps no register


def test_decision_appeal_and_reversal_on_the_page(client, secretaries, new_proceeding, new_member):
    proceeding = new_proceeding(member=new_member(region=AKTOBE), opened_on=dt.date(2024, 3, 1))
    sign_in(client, secretaries["aktobe"])

    def step(name, data):
        url = reverse("discipline:proceeding_step", args=[proceeding.pk, name])
        return client.post(url, {f"{name}-{proceeding.pk}-{k}": v for k, v in data.items()})

    early = step("decide", {"sanction": "expulsion", "decided_on": "2024-02-01"})
    assert early.status_code == 400 and "cannot come before the proceeding was opened" in text(early)
    assert step("decide", {"sanction": "expulsion", "decided_on": "2024-03-10"}).status_code == 302
    twice = step("decide", {"sanction": "warning", "decided_on": "2024-03-11"})
    assert twice.status_code == 400 and "it can be decided only once" in text(twice)
    assert step("appeal", {"filed_on": "2024-03-20"}).status_code == 302
    no_reason = step("outcome", {"outcome": "reversed", "decided_on": "2024-04-01"})
    assert no_reason.status_code == 400 and "Give the reason for the reversal." in text(no_reason)
    reversed_ = step(
        "outcome", {"outcome": "reversed", "decided_on": "2024-04-01", "reversal_reason": "Ошибка"}
    )
    assert reversed_.status_code == 302
    proceeding.refresh_from_db()
    assert (proceeding.status, proceeding.sanction, proceeding.reversal_reason) == (
        Status.REVERSED,
        "expulsion",
        "Ошибка",
    )
    page = text(client.get(reverse("discipline:staff_member", args=[proceeding.member_id])))
    assert f'data-proceeding="{proceeding.pk}" data-status="reversed"' in page


def test_another_territorys_secretary_and_other_roles_are_kept_out(
    client, secretaries, new_proceeding, new_member, units
):
    proceeding = new_proceeding(member=new_member(region=ALMATY_CITY))
    sign_in(client, secretaries["aktobe"])
    assert client.get(reverse("discipline:staff_member", args=[proceeding.member_id])).status_code == 403
    url = reverse("discipline:proceeding_step", args=[proceeding.pk, "decide"])
    data = {f"decide-{proceeding.pk}-sanction": "warning", f"decide-{proceeding.pk}-decided_on": "2024-01-01"}
    assert client.post(url, data).status_code == 403
    client.logout()
    sign_in(client, make_staff("analyst-x", Role.ANALYST, units["centre"])[0])
    assert client.get(reverse("discipline:staff_home")).status_code == 403
    proceeding.refresh_from_db()
    assert proceeding.status == Status.OPEN


def test_the_public_list_is_a_page_under_the_publication_rule(client, decided, new_member):
    decided(new_member(name="Серик Ахметов", membership_number="NO-SECRET"), "expulsion", dt.date(2019, 7, 1))
    decided(new_member(name="Рядовой Член", official=False), "expulsion", dt.date(2019, 7, 1))
    url = reverse("discipline:public")
    assert 'data-testid="no-rule"' in text(client.get(url))
    PublicationRule.objects.create(name="Officials", is_active=True)
    page = text(client.get(url))
    assert "Серик Ахметов" in page and "Рядовой Член" not in page
    assert "NO-SECRET" not in page
