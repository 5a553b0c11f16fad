from django.db.models import QuerySet

from adal.core.models import Territory, Unit


def units_in_scope(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it."""
    return Unit.objects.filter(path__startswith=unit.path)


def regions_current() -> QuerySet[Territory]:
    return Territory.objects.filter(kind__in=["region", "city"], valid_to__isnull=True).order_by("kato")


def districts_current() -> QuerySet[Territory]:
    return Territory.objects.filter(kind="district", valid_to__isnull=True).select_related("parent")


def central_unit() -> Unit | None:
    """The unit at the top of the organisation, whose reception holds the reports not yet routed."""
    roots = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("path")
    return roots.filter(level=Unit.Level.CENTRE).first() or roots.first()
