"""Who may do what, in one table.

A capability (``case.assign``, ``council.manage``, ``survey.import`` …) is granted to roles in
``CAPABILITIES``; services, views, templates and the API all ask ``may`` / ``require`` and never look
at a role themselves. Where the answer depends on the object too (a case in the user's scope, the
council of the secretary's own unit), the app that owns the object registers an *object rule* for the
capability; the role check always comes first, so a rule can only narrow what the table grants.

Every service takes its actor. A person is a ``User``; the worker, management commands and the demo
loader act as a ``SystemActor``, which the audit log names (``system:sweep``) and which may do what
the code asks of it: it is the code itself acting, not somebody signed in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adal.core.models import Role

R = Role

CAPABILITIES: dict[str, frozenset[str]] = {
    # the hotline and the response algorithm
    "case.read_content": frozenset({R.OPERATOR, R.CASE_OFFICER, R.UNIT_HEAD, R.ADMINISTRATOR, R.AUDITOR}),
    "case.triage": frozenset({R.OPERATOR, R.UNIT_HEAD, R.ADMINISTRATOR}),
    "case.assign": frozenset({R.UNIT_HEAD, R.ADMINISTRATOR}),
    "case.extend": frozenset({R.UNIT_HEAD, R.ADMINISTRATOR}),
    "case.review": frozenset({R.CASE_OFFICER, R.UNIT_HEAD, R.ADMINISTRATOR}),
    "case.legal_hold": frozenset({R.UNIT_HEAD, R.ADMINISTRATOR}),
    "report.register": frozenset({R.OPERATOR, R.UNIT_HEAD, R.ADMINISTRATOR}),
    # a confidential reporter's identity: asked for by those who work a case, decided by a custodian
    "identity.request": frozenset({R.CASE_OFFICER, R.UNIT_HEAD, R.ADMINISTRATOR}),
    "identity.approve": frozenset({R.IDENTITY_CUSTODIAN}),
    # councils and primaries
    "council.create": frozenset({R.COUNCIL_SECRETARY, R.ADMINISTRATOR}),
    "council.manage": frozenset({R.COUNCIL_SECRETARY, R.ADMINISTRATOR}),
    "council.seat": frozenset({R.COUNCIL_SECRETARY, R.ADMINISTRATOR}),
    "council.put_case_on_agenda": frozenset({R.CASE_OFFICER, R.UNIT_HEAD, R.ADMINISTRATOR}),
    "primary.manage": frozenset({R.COUNCIL_SECRETARY, R.ADMINISTRATOR}),
    "voter.register": frozenset({R.ADMINISTRATOR}),
    # the disciplinary registry
    "discipline.record": frozenset({R.DISCIPLINE_SECRETARY, R.ADMINISTRATOR}),
    # ratings and the national index
    "ratings.manage": frozenset({R.ANALYST, R.ADMINISTRATOR}),
    "survey.manage": frozenset({R.ANALYST, R.ADMINISTRATOR}),
    "survey.import": frozenset({R.ANALYST, R.ADMINISTRATOR}),
    # the programme's road map: managers edit and import it; a responsible unit's staff report progress
    # on its own measures and a second of them (or its head) confirms
    "roadmap.manage": frozenset({R.ANALYST, R.ADMINISTRATOR}),
    "roadmap.report": frozenset(
        {R.CASE_OFFICER, R.UNIT_HEAD, R.COUNCIL_SECRETARY, R.ANALYST, R.ADMINISTRATOR}
    ),
    "roadmap.confirm": frozenset(
        {R.CASE_OFFICER, R.UNIT_HEAD, R.COUNCIL_SECRETARY, R.ANALYST, R.ADMINISTRATOR}
    ),
    # the portal: a period report issued for the record (the Political Council's, say) is frozen
    "report.freeze": frozenset({R.ANALYST, R.ADMINISTRATOR}),
    # the platform itself
    "unit.manage": frozenset({R.ADMINISTRATOR}),
    "staff.manage": frozenset({R.ADMINISTRATOR}),
    "routing.manage": frozenset({R.ADMINISTRATOR}),
    "policy.manage": frozenset({R.ADMINISTRATOR}),
    "calendar.manage": frozenset({R.ADMINISTRATOR}),
    "audit.read": frozenset({R.ADMINISTRATOR, R.AUDITOR}),
    "admin.access": frozenset({R.ADMINISTRATOR}),
}

# Roles whose work shows them the content of reports, or opens a reporter's identity to others: they
# may not sign in without a second factor.
ROLES_WITH_SECOND_FACTOR = CAPABILITIES["case.read_content"] | CAPABILITIES["identity.approve"]

CAPABILITY_LABELS = {
    "case.read_content": gettext_lazy("read the content of reports"),
    "case.triage": gettext_lazy("triage reports"),
    "case.assign": gettext_lazy("assign and re-route cases"),
    "case.extend": gettext_lazy("extend a case's deadline"),
    "case.review": gettext_lazy("review, decide and answer cases"),
    "case.legal_hold": gettext_lazy("place and lift legal holds that keep a case's content"),
    "report.register": gettext_lazy("register reports received by phone, letter or in person"),
    "identity.request": gettext_lazy("request the disclosure of a confidential reporter's identity"),
    "identity.approve": gettext_lazy("approve or refuse the disclosure of a reporter's identity"),
    "council.create": gettext_lazy("create councils"),
    "council.manage": gettext_lazy("manage a council"),
    "council.seat": gettext_lazy("seat and unseat a council's members"),
    "council.put_case_on_agenda": gettext_lazy("put a case on a council's agenda"),
    "primary.manage": gettext_lazy("run a council's primaries"),
    "voter.register": gettext_lazy("register voters of the primaries"),
    "discipline.record": gettext_lazy("record party discipline"),
    "ratings.manage": gettext_lazy("import ratings and set targets"),
    "survey.manage": gettext_lazy("manage survey waves and weighting"),
    "survey.import": gettext_lazy("import survey microdata"),
    "roadmap.manage": gettext_lazy("edit and import the road map"),
    "roadmap.report": gettext_lazy("report progress on a road-map measure"),
    "roadmap.confirm": gettext_lazy("confirm another person's progress report"),
    "report.freeze": gettext_lazy("freeze a period report for the record"),
    "unit.manage": gettext_lazy("manage organisation units"),
    "staff.manage": gettext_lazy("manage staff accounts"),
    "routing.manage": gettext_lazy("manage routing rules"),
    "policy.manage": gettext_lazy("manage response policies"),
    "calendar.manage": gettext_lazy("manage the working-day calendar"),
    "audit.read": gettext_lazy("read the audit log"),
    "admin.access": gettext_lazy("use the administration site"),
}


class Refused(Exception):
    """An action this actor may not take, or that the rules do not allow now; the message is for
    the user, in their language, and nothing has been changed. Every app's refusal is one of these."""


class NotAllowed(Refused, PermissionDenied):
    """Refused for want of a capability: a view that lets it through answers 403."""


class _Actor:
    """What permission checks and the audit log read of an actor who is not a signed-in person."""

    pk = None
    is_active = True
    is_superuser = False
    is_authenticated = False
    role = ""
    unit = None
    unit_id = None
    label = ""

    def get_username(self) -> str:
        return self.label


@dataclass(frozen=True)
class SystemActor(_Actor):
    """The code acting on its own: the worker, a management command, the demo loader."""

    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


class ReporterActor(_Actor):
    """The holder of a receipt, acting on their own report alone (the page opened it by the receipt).
    Has no capability of the table: the reporter's own actions (appeal, rating, messages) say so."""

    label = "reporter"


REPORTER = ReporterActor()
SYSTEM = SystemActor("system")
WORKER = SystemActor("worker")


def command_actor(name: str) -> SystemActor:
    return SystemActor(f"command:{name}")


ObjectRule = Callable[[object, object], bool]
_object_rules: dict[str, ObjectRule] = {}


def object_rule(capability: str) -> Callable[[ObjectRule], ObjectRule]:
    """Register ``rule(user, obj) -> bool`` as the object condition of ``capability`` (one per
    capability, registered by the app that owns the object)."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def register(rule: ObjectRule) -> ObjectRule:
        _object_rules[capability] = rule
        return rule

    return register


def role_of(user) -> str:
    """The role the table knows the user by: a superuser is an administrator."""
    return Role.ADMINISTRATOR if getattr(user, "is_superuser", False) else getattr(user, "role", "")


def has_capability(user, capability: str) -> bool:
    """The table alone: whether the user's role carries the capability at all."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    if isinstance(user, SystemActor):
        return True
    if user is None or not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    return role_of(user) in CAPABILITIES[capability]


def may(user, capability: str, obj=None) -> bool:
    """Whether ``user`` may use ``capability`` (on ``obj``, when it is given)."""
    if not has_capability(user, capability):
        return False
    if obj is None or isinstance(user, SystemActor):
        return True
    rule = _object_rules.get(capability)
    if rule is None:  # fail closed: an object with no rule to judge it is a mistake, not a yes
        raise LookupError(f"no object rule is registered for {capability!r}")
    return rule(user, obj)


def require(user, capability: str, obj=None, *, message: str | None = None) -> None:
    """Raise ``NotAllowed`` (a ``Refused`` and a 403 for views) unless ``may`` says yes."""
    if user is None:
        raise TypeError("every service takes its actor: pass the user, or a SystemActor for the code")
    if not may(user, capability, obj):
        raise NotAllowed(message or _("You may not %(what)s here.") % {"what": CAPABILITY_LABELS[capability]})


def actor_label(actor) -> str:
    """How the audit log names an actor."""
    return actor.get_username()


def requires(capability: str):
    """A staff page: signed in, and holding ``capability`` (a 403 otherwise). The page still asks about
    its object (``require(user, capability, obj)``) once it has loaded it. The capability is kept on
    the view, so a test can walk every page and role from the table."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request.user, capability)
            return view(request, *args, **kwargs)

        page = login_required(checked)
        page.capability = capability
        return page

    return decorate


def person_of(actor):
    """The signed-in person behind an actor, for the columns that record who did something (None when
    the code itself acted: the audit log names that actor)."""
    return None if isinstance(actor, SystemActor | ReporterActor) else actor
