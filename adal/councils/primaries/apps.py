from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrimariesConfig(AppConfig):
    """A sub-app of councils with its own label, so that its migrations stand apart from theirs."""

    name = "adal.councils.primaries"
    label = "primaries"
    verbose_name = _("Primaries")
