"""Email to staff and reporters, sent by the worker after the change has committed.

Staff emails name the case and link to it; they never carry the report's content."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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

# For several cases at once, to one person.
DIGEST_SUBJECTS = {
    "reminder": lambda n: ngettext("%(n)d case is due soon", "%(n)d cases are due soon", n) % {"n": n},
    "overdue": lambda n: ngettext("%(n)d case is overdue", "%(n)d cases are overdue", n) % {"n": n},
    "very_overdue": lambda n: (
        ngettext(
            "%(n)d case is very overdue and escalated to you",
            "%(n)d cases are very overdue and escalated to you",
            n,
        )
        % {"n": n}
    ),
}


def heads_of(unit, cache: dict | None = None) -> list[User]:
    if unit is None:
        return []
    if cache is not None and unit.pk in cache:
        return cache[unit.pk]
    heads = list(User.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True))
    if cache is not None:
        cache[unit.pk] = heads
    return heads


def recipients(case, kind: str, *, heads: dict | None = None) -> list[User]:
    """Who hears of this case's news; ``heads`` caches each unit's heads across a batch of cases."""
    if kind == "assigned":
        return [case.assignee] if case.assignee else []
    if kind in ("reminder", "reporter_message") and case.assignee:
        return [case.assignee]
    if kind == "very_overdue":
        return heads_of(case.unit.parent if case.unit else None, heads) or heads_of(case.unit, heads)
    return heads_of(case.unit, heads)


def notify_case_staff(case, *, kind: str, only: list[str] | None = None) -> None:
    emails = only or [u.email for u in recipients(case, kind) if u.email]
    if not emails:
        return
    number = case.report.registration_number
    with translation.override(settings.LANGUAGE_CODE):
        subject = SUBJECTS[kind](number)
        body = _("Open the case in the workspace: %(url)s") % {
            "url": f"{settings.SITE_URL}/staff/cases/{case.pk}/"
        }
    _send_on_commit(subject, body, emails)


def notify_case_staff_many(cases, *, kind: str) -> None:
    """The sweep's news: one email per person, naming every case of theirs that fell due at once, rather
    than hundreds of emails when a working day ends."""
    heads: dict = {}
    by_person: dict[str, list] = {}
    for case in cases:
        for user in recipients(case, kind, heads=heads):
            if user.email:
                by_person.setdefault(user.email, []).append(case)
    for email, theirs in by_person.items():
        if len(theirs) == 1:
            notify_case_staff(theirs[0], kind=kind, only=[email])
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = DIGEST_SUBJECTS[kind](len(theirs))
            body = "\n".join(
                f"{c.report.registration_number}: {settings.SITE_URL}/staff/cases/{c.pk}/" for c in theirs
            )
        _send_on_commit(subject, body, [email])


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
