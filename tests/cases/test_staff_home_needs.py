"""The workspace says what needs each person today, with counts that open the queue filtered the same way."""

import re

from django.urls import reverse
from django.utils import translation

from adal.core import workload
from tests.cases.test_transitions import accepted


def test_an_officer_sees_their_overdue_cases_and_the_count_opens_the_same_list(client, org, new_case):
    case = accepted(org, new_case)
    from adal.cases.services import case_assign

    case_assign(case=case, by=org["head"], officer=org["officer"])
    type(case).objects.filter(pk=case.pk).update(due_at=case.registered_at.replace(year=2000))
    with translation.override("en"):
        needs = {n.label: n for n in workload.needs_of(org["officer"])}
    overdue = needs["My overdue cases"]
    assert overdue.count == 1 and overdue.urgent
    client.force_login(org["officer"])
    queue = client.get(overdue.url).content.decode()
    assert case.report.registration_number in queue
    page = client.get(reverse("core:staff_home"), headers={"accept-language": "en"}).content.decode()
    assert re.search(r'class="urgent"><span class="count">1</span> My overdue cases', page)


def test_a_custodian_sees_the_disclosure_requests_and_a_role_without_cases_sees_none(org):
    from adal.core.models import Role
    from tests.conftest import make_staff

    custodian, _ = make_staff("keeper", Role.IDENTITY_CUSTODIAN, org["centre"])
    with translation.override("en"):
        labels = [n.label for n in workload.needs_of(custodian)]
    assert "Disclosure requests to decide" in labels and "My overdue cases" not in labels
