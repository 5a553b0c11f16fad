"""Email to staff and reporters, sent by the worker after the change has committed.

Staff emails name the case and link to it; they never carry the report's content."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from adal.core.models import Role, User

SUBJECTS = {
    "routed": lambda n: _("Case %(n)s has arrived in your unit") % {"n": n},
    "assigned": lambda n: _("Case %(n)s is assigned to you") % {"n": n},
    "reminder": lambda n: _("Case %(n)s is due soon") % {"n": n},
    "overdue": lambda n: _("Case %(n)s is overdue") % {"n": n},
    "very_overdue": lambda n: _("Case %(n)s is very overdue and escalated to you") % {"n": n},
    "reporter_message": lambda n: _("The reporter of case %(n)s has written") % {"n": n},
    "appealed": lambda n: _("Case %(n)s is reopened on appeal") % {"n": n},
}


def heads_of(unit) -> list[User]:
    if unit is None:
        return []
    return list(User.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True))


def recipients(case, kind: str) -> list[User]:
    if kind == "assigned":
        return [case.assignee] if case.assignee else []
    if kind in ("reminder", "reporter_message") and case.assignee:
        return [case.assignee]
    if kind == "very_overdue":
        return heads_of(case.unit.parent if case.unit else None) or heads_of(case.unit)
    return heads_of(case.unit)


def notify_case_staff(case, *, kind: str) -> None:
    emails = [u.email for u in recipients(case, kind) if u.email]
    if not emails:
        return
    number = case.report.registration_number
    with translation.override(settings.LANGUAGE_CODE):
        subject = SUBJECTS[kind](number)
        body = _("Open the case in the workspace: %(url)s") % {
            "url": f"{settings.SITE_URL}/staff/cases/{case.pk}/"
        }
    _send_on_commit(subject, body, emails)


def notify_reporter_by_email(case, text: str) -> None:
    """A reporter who gave an email address gets our message there too (it was given for that);
    the inbox keeps the same message. The receipt is never sent."""
    identity = case.report.identity or {}
    if not identity.get("email"):
        return
    with translation.override(case.report.language):
        subject = _("News about your report %(n)s") % {"n": case.report.registration_number}
        footer = _("The same message is in your inbox at %(url)s, which opens with your receipt.") % {
            "url": f"{settings.SITE_URL}/inbox/"
        }
    _send_on_commit(subject, f"{text}\n\n-- \n{footer}", [identity["email"]])


def _send_on_commit(subject: str, body: str, emails: list[str]) -> None:
    from adal.cases.tasks import send_email

    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, recipients=emails))
