"""The Django admin writes only through the services: units get their paths (their staff's scope),
moves carry the subtree along, a second root needs an explicit service call, and every edit is audited."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone, translation

from adal.cases.models import Case, ChannelPolicy, ResponsePolicy, RoutingRule
from adal.cases.services import in_scope, policy_presets_install, scope_filter
from adal.core.admin import ServiceModelAdmin
from adal.core.models import AuditEvent, Role, Territory, Unit, User, WorkdayException
from adal.core.permissions import SYSTEM, NotAllowed, Refused
from adal.core.services import staff_create, unit_create, unit_delete, unit_move
from adal.hotline.services import report_submit
from tests.conftest import PASSWORD, make_staff

EN = {"accept-language": "en"}


@pytest.fixture
def root(units):
    return staff_create(
        username="root", password=PASSWORD, role=Role.ADMINISTRATOR, unit=None, is_superuser=True, by=SYSTEM
    )


@pytest.fixture
def signed_in(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def case_in(draft):
    """A case already handed to ``unit`` (None: waiting at reception)."""

    def make(unit):
        case = report_submit(draft=draft(), received_at=timezone.now()).report.case
        Case.objects.filter(pk=case.pk).update(unit=unit)
        return Case.objects.select_related("unit").get(pk=case.pk)

    return make


def form_of(obj, **changes) -> dict:
    """The admin form's POST for ``obj`` as it stands, with ``changes``."""
    values = {**model_to_dict(obj), **changes}
    post = {}
    for name, value in values.items():
        if value is True:
            post[name] = "on"
        elif value not in (None, False):
            post[name] = value.pk if hasattr(value, "pk") else value
    return post


def unit_form(parent, name, **changes) -> dict:
    return {
        "name_ru": name,
        "name_kk": name,
        "name_en": name,
        "level": Unit.Level.DISTRICT,
        "parent": parent.pk if parent else "",
        "territory": "",
        "valid_from": "",
        "valid_to": "",
        **changes,
    }


def add_unit(client, parent, name) -> Unit:
    response = client.post(reverse("admin:core_unit_add"), unit_form(parent, name))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Unit.objects.get(name_en=name)


def head_of(unit) -> User:
    user = make_staff(f"head-{unit.pk}", Role.UNIT_HEAD, unit)[0]
    return User.objects.select_related("unit").get(pk=user.pk)


def visible(user) -> set:
    return set(Case.objects.filter(scope_filter(user)))


def test_a_unit_and_a_head_added_in_the_admin_see_exactly_their_subtree(signed_in, units, case_in):
    alga = add_unit(signed_in, units["aktobe"], "Alga")
    village = add_unit(signed_in, alga, "Village")
    assert (alga.path, village.path) == (f"{units['aktobe'].path}{alga.pk}/", f"{alga.path}{village.pk}/")
    response = signed_in.post(
        reverse("admin:core_user_add"),
        {
            "username": "alga-head",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": Role.UNIT_HEAD,
            "unit": alga.pk,
            "first_name": "Айгерим",
            "last_name": "Сапарова",
            "email": "alga-head@adal.example",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    head = User.objects.select_related("unit").get(username="alga-head")
    assert (head.role, head.unit, head.is_staff, head.check_password(PASSWORD)) == (
        Role.UNIT_HEAD,
        alga,
        True,
        True,
    )

    cases = {
        name: case_in(unit)
        for name, unit in {**units, "alga": alga, "village": village, "reception": None}.items()
    }
    assert visible(head) == {cases["alga"], cases["village"]}
    assert {name for name, case in cases.items() if in_scope(head, case)} == {"alga", "village"}
    assert (
        AuditEvent.objects.filter(action="unit.created", target_id=str(alga.pk)).get().actor_label == "root"
    )
    assert (
        AuditEvent.objects.filter(action="staff.created", target_id=str(head.pk)).get().actor_label == "root"
    )


def test_a_unit_moved_in_the_admin_takes_everything_below_it_along(signed_in, units, case_in):
    alga = unit_create(
        name_ru="Алга", name_kk="Алға", name_en="Alga", level="district", parent=units["aktobe"], by=SYSTEM
    )
    village = unit_create(
        name_ru="Село", name_kk="Ауыл", name_en="Village", level="district", parent=alga, by=SYSTEM
    )
    alga_case, village_case = case_in(alga), case_in(village)
    aktobe_head, almaty_head = head_of(units["aktobe"]), head_of(units["almaty"])
    assert visible(aktobe_head) == {alga_case, village_case}

    response = signed_in.post(
        reverse("admin:core_unit_change", args=[alga.pk]), form_of(alga, parent=units["almaty"])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alga.refresh_from_db()
    village.refresh_from_db()
    almaty = units["almaty"].path
    assert (alga.parent, alga.path, village.path) == (
        units["almaty"],
        f"{almaty}{alga.pk}/",
        f"{almaty}{alga.pk}/{village.pk}/",
    )
    assert visible(almaty_head) == {alga_case, village_case}
    assert visible(aktobe_head) == set()
    assert in_scope(almaty_head, Case.objects.select_related("unit").get(pk=village_case.pk))
    event = AuditEvent.objects.get(action="unit.moved")
    assert (event.actor_label, event.data["from"], event.data["to"]) == (
        "root",
        units["aktobe"].pk,
        units["almaty"].pk,
    )


def test_a_unit_cannot_be_moved_under_itself_or_below_it(signed_in, units):
    alga = unit_create(
        name_ru="Алга", name_kk="Алға", name_en="Alga", level="district", parent=units["aktobe"], by=SYSTEM
    )
    paths = dict(Unit.objects.values_list("pk", "path"))
    for parent in (units["aktobe"], alga):
        response = signed_in.post(
            reverse("admin:core_unit_change", args=[units["aktobe"].pk]),
            form_of(units["aktobe"], parent=parent),
            headers=EN,
        )
        assert response.status_code == 200
        assert "cannot be moved under itself or a unit below it" in response.content.decode()
    with pytest.raises(ValidationError):
        unit_move(unit=units["centre"], parent=alga, by=User.objects.get(username="root"))
    assert dict(Unit.objects.values_list("pk", "path")) == paths
    assert not AuditEvent.objects.filter(action="unit.moved").exists()


def test_the_admin_cannot_make_a_second_root(signed_in, units):
    response = signed_in.post(reverse("admin:core_unit_add"), unit_form(None, "Elsewhere"), headers=EN)
    assert response.status_code == 200
    assert "already has its top unit" in response.content.decode()
    # Nor by taking a unit out of the tree.
    response = signed_in.post(
        reverse("admin:core_unit_change", args=[units["almaty"].pk]),
        form_of(units["almaty"], parent=None),
        headers=EN,
    )
    assert response.status_code == 200
    assert "already has its top unit" in response.content.decode()
    assert list(Unit.objects.filter(parent=None)) == [units["centre"]]
    # Only the service, asked explicitly, starts a second tree.
    with pytest.raises(ValidationError):
        unit_create(name_ru="Другой", name_kk="Басқа", name_en="Other", level="centre", by=SYSTEM)
    other = unit_create(
        name_ru="Другой", name_kk="Басқа", name_en="Other", level="centre", new_root=True, by=SYSTEM
    )
    assert other.path == f"/{other.pk}/"
    # ... which the admin then changes like any other.
    response = signed_in.post(
        reverse("admin:core_unit_change", args=[other.pk]), form_of(other, valid_from="2020-01-01")
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_admin_shows_a_units_names_and_sends_a_rename_to_the_staff_page(signed_in, units):
    aktobe = units["aktobe"]
    change = reverse("admin:core_unit_change", args=[aktobe.pk])
    rename = reverse("core:staff_unit_rename", args=[aktobe.pk])
    # A name edited in place would lose the former one: the admin does not take it.
    response = signed_in.post(change, form_of(aktobe, name_en="Aktobe branch"))
    assert response.status_code == 302, response.content.decode()[:3000]
    aktobe.refresh_from_db()
    assert aktobe.name_en == "Aktobe"
    assert not AuditEvent.objects.filter(action__in=["unit.updated", "unit.renamed"]).exists()
    page = signed_in.get(change, headers=EN).content.decode()
    assert f'href="{rename}"' in page and 'name="name_en"' not in page
    # The staff page renames it and keeps the former name, which the admin then lists.
    response = signed_in.post(
        rename, {"name_ru": "Филиал", "name_kk": "Филиал", "name_en": "Aktobe branch", "on": "2020-01-01"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = signed_in.get(change, headers=EN).content.decode()
    assert "Aktobe branch" in page and '<div class="readonly">Aktobe (until 31.12.2019)</div>' in page


def test_edits_of_units_and_staff_in_the_admin_are_audited(signed_in, units):
    response = signed_in.post(
        reverse("admin:core_unit_change", args=[units["almaty"].pk]),
        form_of(units["almaty"], valid_from="2020-01-01", territory=Territory.objects.get(kato="710000000")),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.data == {"valid_from": "2020-01-01", "territory": Territory.objects.get(kato="710000000").pk}

    officer = make_staff("officer", Role.CASE_OFFICER, units["aktobe"])[0]
    change = {
        "first_name": "Ерлан",
        "last_name": "Жумабаев",
        "email": "officer@adal.example",
        "role": Role.UNIT_HEAD,
        "unit": units["almaty"].pk,
        "is_active": "on",
    }
    response = signed_in.post(reverse("admin:core_user_change", args=[officer.pk]), change)
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert (officer.role, officer.unit, officer.username) == (Role.UNIT_HEAD, units["almaty"], "officer")
    assert (
        AuditEvent.objects.get(action="staff.updated", target_id=str(officer.pk)).data["unit"]
        == units["almaty"].pk
    )

    new_password = "another horse battery staple"
    response = signed_in.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert officer.check_password(new_password)
    assert AuditEvent.objects.get(action="staff.password_set").data == {"usable": True}

    response = signed_in.post(
        reverse("admin:core_user_changelist"), {"action": "deactivate", "_selected_action": [officer.pk]}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert AuditEvent.objects.filter(action="staff.deactivated", target_id=str(officer.pk)).exists()
    # Accounts are never deleted: the audit log and the cases name them.
    assert signed_in.get(reverse("admin:core_user_delete", args=[officer.pk])).status_code == 403
    actions = ["staff.updated", "staff.password_set", "staff.deactivated"]
    assert set(AuditEvent.objects.filter(action__in=actions).values_list("actor_label", flat=True)) == {
        "root"
    }


def test_routing_rules_policies_and_calendar_exceptions_edited_in_the_admin_are_audited(signed_in, units):
    policy_presets_install()
    aktobe = Territory.objects.get(kato="150000000")
    response = signed_in.post(
        reverse("admin:cases_routingrule_add"),
        {"region": aktobe.pk, "category": "", "unit": units["aktobe"].pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = RoutingRule.objects.get()
    event = AuditEvent.objects.get(action="routing.rule_created")
    assert event.data == {"region": "150000000", "category": "", "unit": units["aktobe"].pk}

    kz = ResponsePolicy.objects.get(code="kz")
    response = signed_in.post(
        reverse("admin:cases_responsepolicy_change", args=[kz.pk]), form_of(kz, answer_days=20)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEvent.objects.get(action="policy.response_changed").data["answer_days"] == 20

    web = ChannelPolicy.objects.get(channel="web")
    eu = ResponsePolicy.objects.get(code="eu-2019-1937")
    response = signed_in.post(
        reverse("admin:cases_channelpolicy_change", args=[web.pk]), form_of(web, policy=eu)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEvent.objects.get(action="policy.channel_changed").data == {
        "channel": "web",
        "policy": eu.code,
    }

    for day in (dt.date(2026, 12, 31), dt.date(2027, 1, 9)):
        response = signed_in.post(
            reverse("admin:core_workdayexception_add"),
            {"date": day.isoformat(), "kind": "day_off", "note": "decree"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert AuditEvent.objects.filter(action="calendar.exception_created").count() == 2

    # "Delete selected" goes through the services too, one audited delete per row.
    response = signed_in.post(
        reverse("admin:core_workdayexception_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": list(WorkdayException.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert not WorkdayException.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.exception_deleted").count() == 2

    response = signed_in.post(reverse("admin:cases_routingrule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="routing.rule_deleted").data["region"] == "150000000"


def test_every_admin_writes_through_services_and_others_only_list(rf, root):
    request = rf.get("/admin/")
    request.user = root
    for model_admin in admin.site._registry.values():
        if type(model_admin).__module__.startswith("adal."):
            assert isinstance(model_admin, ServiceModelAdmin), type(model_admin)
        else:  # a library's admin (e.g. the task results) must not write at all
            writes = [
                model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request),
            ]
            assert writes == [False, False, False], type(model_admin)


def test_the_services_refuse_staff_without_the_capability_and_require_an_actor(units, case_in):
    operator = make_staff("operator", Role.OPERATOR, units["centre"])[0]
    alga = unit_create(
        name_ru="Алга", name_kk="Алға", name_en="Alga", level="district", parent=units["aktobe"], by=SYSTEM
    )
    with pytest.raises(NotAllowed):
        unit_create(name_ru="Х", name_kk="Х", name_en="X", level="district", parent=alga, by=operator)
    with pytest.raises(NotAllowed):
        unit_move(unit=alga, parent=units["almaty"], by=operator)
    with pytest.raises(TypeError):
        unit_move(unit=alga, parent=units["almaty"])
    with pytest.raises(NotAllowed):
        staff_create(username="x", password=PASSWORD, role=Role.OPERATOR, unit=alga, by=operator)


def test_a_unit_that_history_refers_to_is_not_deleted(units, root, case_in):
    case_in(units["almaty"])
    with translation.override("en"), pytest.raises(Refused, match="cannot be deleted"):
        unit_delete(unit=units["almaty"], by=root)
    assert Unit.objects.filter(pk=units["almaty"].pk).exists()
    assert not AuditEvent.objects.filter(action="unit.deleted").exists()
    leaf = unit_create(
        name_ru="Лист", name_kk="Жапырақ", name_en="Leaf", level="district", parent=units["aktobe"], by=SYSTEM
    )
    leaf_pk = leaf.pk
    unit_delete(unit=leaf, by=root)
    assert not Unit.objects.filter(pk=leaf_pk).exists()
    assert AuditEvent.objects.filter(action="unit.deleted", target_id=str(leaf_pk)).exists()


def test_the_capability_table_decides_who_uses_the_admins_that_write(client, units):
    administrator = make_staff("administrator", Role.ADMINISTRATOR, units["centre"])[0]
    operator = make_staff("operator", Role.OPERATOR, units["centre"])[0]
    pages = ["admin:core_unit_changelist", "admin:core_user_changelist", "admin:cases_routingrule_changelist"]
    client.force_login(operator)
    assert [client.get(reverse(page)).status_code for page in pages] == [403, 403, 403]
    client.force_login(administrator)
    assert [client.get(reverse(page)).status_code for page in pages] == [200, 200, 200]
    alga = add_unit(client, units["aktobe"], "Alga")
    assert (
        AuditEvent.objects.get(action="unit.created", target_id=str(alga.pk)).actor_label == "administrator"
    )
