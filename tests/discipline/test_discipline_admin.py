import datetime as dt

from django.urls import reverse

from adal.core.models import AuditEvent, Role
from adal.discipline.models import PartyMember, PublicationRule
from tests.conftest import make_staff
from tests.discipline.conftest import AKTOBE, EAST_KZ, territory


def signed_in(client, units):
    admin = make_staff("discipline-admin", Role.ADMINISTRATOR, units["centre"])[0]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    return client


def test_the_admin_lists_members_proceedings_and_rules(client, units, decided, new_member):
    decided(new_member(), "warning", dt.date(2019, 7, 1))
    client = signed_in(client, units)
    for model in ("partymember", "proceeding", "publicationrule"):
        assert client.get(reverse(f"admin:discipline_{model}_changelist")).status_code == 200


def test_activating_a_rule_in_the_admin_switches_the_active_one_and_is_audited(client, units):
    client = signed_in(client, units)
    old = PublicationRule.objects.create(name="Old", is_active=True)
    form = {
        "name": "New",
        "is_active": "on",
        "only_final": "on",
        "appeal_period_days": "30",
        "min_sanction": "reprimand",
        "delay_days": "7",
    }
    response = client.post(reverse("admin:discipline_publicationrule_add"), form)
    assert response.status_code == 302
    old.refresh_from_db()
    assert not old.is_active
    assert PublicationRule.objects.get(is_active=True).name == "New"
    assert AuditEvent.objects.filter(action="discipline.publication_rule_created").exists()


def test_a_member_changed_in_the_admin_is_audited(client, units, new_member):
    member = new_member(region=EAST_KZ)
    client = signed_in(client, units)
    form = {
        "full_name": member.full_name,
        "region": territory(AKTOBE).pk,
        "position": "head of a regional department",
        "position_level": "regional",
        "organisation": "",
        "is_public_official": "on",
    }
    response = client.post(reverse("admin:discipline_partymember_change", args=[member.pk]), form)
    assert response.status_code == 302, response.content[:2000]
    member.refresh_from_db()
    assert (member.region.kato, member.position) == (AKTOBE, "head of a regional department")
    event = AuditEvent.objects.filter(action="discipline.member_updated").get()
    assert event.data == {"region": AKTOBE, "position": "head of a regional department"}
    assert PartyMember.objects.count() == 1
