"""The road map's share of the workspace page: progress reports waiting for this person's second
signature, and the measures they report on."""

from django.urls import reverse
from django.utils.translation import gettext as _

from adal.core import workload
from adal.core.permissions import may
from adal.roadmap.selectors import awaiting_confirmation


def roadmap_needs(user) -> list[workload.Need]:
    if not may(user, "roadmap.confirm"):
        return []
    waiting = len(awaiting_confirmation(user))
    if not waiting:
        return []  # most staff never report on the road map: no tile of zero for them
    return [workload.Need(_("Road map reports to confirm"), waiting, reverse("roadmap:staff"))]


def register() -> None:
    workload.register("roadmap", roadmap_needs)
