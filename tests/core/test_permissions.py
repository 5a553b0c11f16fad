"""The permissions table is the one answer to "who may do what": every capability × role, and every
staff page × role, behaves as the table says."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from adal.core import permissions
from adal.core.models import Role, User
from adal.core.permissions import CAPABILITIES, SYSTEM, NotAllowed, Refused, may, require
from tests.conftest import make_staff

ROLES = [r.value for r in Role]
ADAL = Path(__file__).resolve().parents[2] / "adal"


def person(role: str, *, active: bool = True) -> User:
    return User(username=f"someone-{role}", role=role, is_active=active)


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_exactly_the_capabilities_of_the_table(capability, role):
    granted = role in CAPABILITIES[capability]
    assert may(person(role), capability) is granted
    if granted:
        require(person(role), capability)
    else:
        with pytest.raises(NotAllowed):
            require(person(role), capability)


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_nobody_signed_out_or_deactivated_holds_a_capability(capability):
    assert not may(AnonymousUser(), capability)
    assert not any(may(person(role, active=False), capability) for role in ROLES)
    assert not may(permissions.REPORTER, capability)


def test_a_superuser_is_an_administrator():
    boss = User(username="boss", is_superuser=True, is_active=True)
    assert all(may(boss, c) is (Role.ADMINISTRATOR in roles) for c, roles in CAPABILITIES.items())


def test_the_system_actor_may_act_and_the_audit_log_names_it():
    assert all(may(SYSTEM, c) for c in CAPABILITIES)
    assert permissions.command_actor("sweep").get_username() == "system:command:sweep"


def test_a_service_without_its_actor_is_refused():
    with pytest.raises(TypeError):
        require(None, "case.assign")


def test_a_refusal_for_want_of_a_capability_is_a_403_and_a_refusal():
    from django.core.exceptions import PermissionDenied

    assert issubclass(NotAllowed, Refused) and issubclass(NotAllowed, PermissionDenied)


def test_an_object_without_a_rule_is_refused_loudly_not_let_through():
    with pytest.raises(LookupError):
        may(person(Role.ADMINISTRATOR), "staff.manage", object())


def test_every_capability_is_labelled_and_used():
    sources = "\n".join(p.read_text() for p in ADAL.rglob("*.py") if p.name != "permissions.py")
    sources += "\n".join(p.read_text() for p in ADAL.rglob("*.html"))
    for capability in CAPABILITIES:
        assert capability in permissions.CAPABILITY_LABELS
        assert f'"{capability}"' in sources, f"{capability} is in the table but nothing asks for it"


def test_no_code_outside_the_table_decides_by_role():
    """Role strings in templates and role comparisons in code are what the table replaced."""
    role_check = re.compile(r"\.role\s*(==|!=|in\b|not in\b)|role\s*==\s*\"|is_superuser or")
    offenders = []
    for path in [*ADAL.rglob("*.py"), *ADAL.rglob("*.html")]:
        if "migrations" in path.parts or path.name == "permissions.py" or "demo" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if role_check.search(line) and "Item.Role" not in line and "i.role" not in line:
                offenders.append(f"{path.relative_to(ADAL)}:{n}: {line.strip()}")
    assert offenders == []


# ---------------------------------------------------------------- every staff page × every role


def staff_pages(resolver=None, prefix=""):
    """(route, capability) of every page that requires a capability, from the URL configuration."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from staff_pages(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "capability"):
            yield prefix + str(entry.pattern), entry.callback.capability


def concrete(route: str) -> str:
    """A URL for the route, with objects that do not exist: the capability is checked before any
    object is looked up, so a role without it gets 403 and a role with it 404 (or the page)."""
    route = re.sub(r"<int:\w+>", "999999", route)
    route = re.sub(r"<(?:slug:|str:)?\w+>", "nothing-here", route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\", "")


def test_the_walk_finds_the_staff_pages():
    found = dict(staff_pages())
    assert len(found) >= 25
    assert set(found.values()) >= {"case.read_content", "council.manage", "survey.manage", "ratings.manage"}


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_answers_each_role_as_the_table_says(client, units, role):
    user, _ = make_staff(f"walker-{role}", role, units["centre"])
    client.force_login(user)
    wrong = []
    for route, capability in staff_pages():
        url = concrete(route)
        status = client.get(url).status_code
        allowed = role in CAPABILITIES[capability]
        if (status == 403) == allowed:
            wrong.append(f"{url} ({capability}) answered {status}")
    assert wrong == []


def test_a_signed_out_visitor_is_sent_to_sign_in_from_every_staff_page(client, db):
    for route, _ in staff_pages():
        response = client.get(concrete(route))
        assert response.status_code == 302 and "/login/" in response["Location"], route


def test_the_readme_shows_the_table_as_it_is():
    readme = (ADAL.parent / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([\w.]+)` \| [^|]+ \| ([^|]+) \|$", readme, flags=re.M))
    assert set(rows) == set(CAPABILITIES)
    for capability, roles in CAPABILITIES.items():
        with translation.override("en"):
            with_names = {str(Role(r).label).lower() for r in roles}
        assert set(rows[capability].strip().split(", ")) == with_names, capability
