"""Email to staff and reporters about cases, sent by the worker after the change has committed.

What is queued is ids only (see ``adal.core.mail``): who is told, and of what, is decided here when the
change is made; the e-mail itself is built from the database when the worker sends it. Staff emails
name the case and link to it; they never carry the report's content."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from adal.cases.models import Case
from adal.core.mail import Email, register, send_on_commit
from adal.core.models import Role, Unit, User
from adal.core.selectors import central_unit
from adal.hotline.identity import reporter_address_for_mail
from adal.hotline.models import Message

SUBJECTS = {
    "routed": lambda n: _("Case %(n)s has arrived in your unit") % {"n": n},
    "assigned": lambda n: _("Case %(n)s is assigned to you") % {"n": n},
    "reminder": lambda n: _("Case %(n)s is due soon") % {"n": n},
    "overdue": lambda n: _("Case %(n)s is overdue") % {"n": n},
    "very_overdue": lambda n: _("Case %(n)s is very overdue and escalated to you") % {"n": n},
    "reporter_message": lambda n: _("The reporter of case %(n)s has written") % {"n": n},
    "appealed": lambda n: _("Case %(n)s is reopened on appeal") % {"n": n},
    "high_risk": lambda n: _("Case %(n)s: high risk of retaliation against the reporter") % {"n": n},
    "protection_opened": lambda n: (
        _("Retaliation against a reporter: protection case %(n)s has arrived in your unit") % {"n": n}
    ),
    "transcript_corrected": lambda n: _("The reporter of case %(n)s has corrected the transcript") % {"n": n},
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
    if kind in ("reminder", "reporter_message", "transcript_corrected") and case.assignee:
        return [case.assignee]
    if kind == "high_risk":  # a case left at reception (redirected, merged, left) is the centre's
        return heads_of(case.unit or central_unit(), heads)
    if kind == "very_overdue":
        return heads_of(case.unit.parent if case.unit else None, heads) or heads_of(case.unit, heads)
    return heads_of(case.unit, heads)


def notify_case_staff(case, *, kind: str, only: list[int] | None = None) -> None:
    """The staff who hear of this news (``only``: these users' ids) get one e-mail naming the case."""
    users = only or [u.pk for u in recipients(case, kind) if u.email]
    if users:
        send_on_commit("case.staff", case=case.pk, news=kind, users=users)


def notify_case_staff_many(cases, *, kind: str) -> None:
    """The sweep's news: one email per person, naming every case of theirs that fell due at once, rather
    than hundreds of emails when a working day ends."""
    heads: dict = {}
    by_person: dict[int, list] = {}
    for case in cases:
        for user in recipients(case, kind, heads=heads):
            if user.email:
                by_person.setdefault(user.pk, []).append(case)
    for user, theirs in by_person.items():
        if len(theirs) == 1:
            notify_case_staff(theirs[0], kind=kind, only=[user])
        else:
            send_on_commit("case.staff_digest", user=user, news=kind, cases=[c.pk for c in theirs])


def notify_reporter_by_email(message: Message) -> None:
    """A reporter who gave an email address gets our message there too (it was given for that);
    the inbox keeps the same message. The receipt is never sent."""
    if reporter_address_for_mail(message.report):
        send_on_commit("case.reporter", message=message.pk)


def custodians_of(case) -> list[User]:
    """The identity custodians whose scope holds the case: of its unit and the units above it (of the
    roots while it waits at reception)."""
    if case.unit is None:
        units = list(Unit.objects.filter(parent=None).values_list("pk", flat=True))
    else:
        units = [int(pk) for pk in case.unit.path.strip("/").split("/") if pk]
    return list(User.objects.filter(role=Role.IDENTITY_CUSTODIAN, is_active=True, unit_id__in=units))


def notify_custodians(case) -> None:
    """A disclosure request waits: the custodians of the case's scope hear of it (the case's number and
    their desk's address; never the reason or the report)."""
    users = [u.pk for u in custodians_of(case) if u.email]
    if users:
        send_on_commit("case.disclosure_waiting", case=case.pk, users=users)


# ---------------------------------------------------------------- the e-mails, built when the worker sends


def disclosure_waiting_email(*, case: int, users: list[int]) -> Email | None:
    found = Case.objects.select_related("report").filter(pk=case).first()
    to = _addresses(users)
    if found is None or not to:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A disclosure request on case %(n)s waits for your decision") % {
            "n": found.report.registration_number
        }
        body = _("Decide it on your desk: %(url)s") % {"url": f"{settings.SITE_URL}/staff/disclosures/"}
    return Email(to, subject, body)


def staff_email(*, case: int, news: str, users: list[int]) -> Email | None:
    found = Case.objects.select_related("report").filter(pk=case).first()
    to = _addresses(users)
    if found is None or not to:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = SUBJECTS[news](found.report.registration_number)
        body = _("Open the case in the workspace: %(url)s") % {"url": _case_url(found)}
    return Email(to, subject, body)


def staff_digest_email(*, user: int, news: str, cases: list[int]) -> Email | None:
    found = list(Case.objects.select_related("report").filter(pk__in=cases).order_by("pk"))
    to = _addresses([user])
    if not found or not to:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = DIGEST_SUBJECTS[news](len(found))
    body = "\n".join(f"{c.report.registration_number}: {_case_url(c)}" for c in found)
    return Email(to, subject, body)


def reporter_email(*, message: int) -> Email | None:
    """Our message to the reporter, from the inbox where it is kept, to the address the reporter gave."""
    found = (
        Message.objects.select_related("report")
        .filter(pk=message, direction=Message.Direction.TO_REPORTER)
        .first()
    )
    address = reporter_address_for_mail(found.report) if found else ""
    if not address:
        return None  # e.g. the report's content was purged after its retention period
    report = found.report
    with translation.override(report.language):
        subject = _("News about your report %(n)s") % {"n": report.registration_number}
        footer = _("The same message is in your inbox at %(url)s, which opens with your receipt.") % {
            "url": f"{settings.SITE_URL}/inbox/"
        }
    return Email([address], subject, f"{found.body}\n\n-- \n{footer}")


def _addresses(users: list[int]) -> list[str]:
    return list(
        User.objects.filter(pk__in=users, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def _case_url(case) -> str:
    return f"{settings.SITE_URL}/staff/cases/{case.pk}/"


def register_emails() -> None:
    """Called by the app's ``ready``: the worker builds these e-mails from ids."""
    register("case.staff", staff_email)
    register("case.staff_digest", staff_digest_email)
    register("case.reporter", reporter_email)
    register("case.disclosure_waiting", disclosure_waiting_email)
