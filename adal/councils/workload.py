"""The councils' share of the workspace page: meetings whose day has passed and that are not yet recorded
as held (or recorded as not held), for the secretaries of the councils they manage."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core import workload
from adal.core.permissions import may
from adal.councils.models import Meeting
from adal.councils.selectors import councils_managed_by


def council_needs(user) -> list[workload.Need]:
    if not may(user, "council.manage"):
        return []
    councils = list(councils_managed_by(user))
    if not councils:
        return []
    overdue = Meeting.objects.filter(
        council__in=councils, state=Meeting.State.PLANNED, planned_at__lt=timezone.now()
    ).count()
    return [workload.Need(_("Meetings to record"), overdue, reverse("councils:staff_home"), urgent=True)]


def register() -> None:
    workload.register("councils", council_needs)
