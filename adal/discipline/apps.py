from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "adal.discipline"
    label = "discipline"
    verbose_name = _("Party discipline")

    def ready(self):
        # The register's object rule is registered where it is written; the case page learns of the
        # proceedings opened on a case's grounds through cases' registry, which it may import.
        from adal.cases.links import register_linked
        from adal.discipline.models import Proceeding
        from adal.discipline.selectors import case_proceedings

        register_linked("discipline", case_proceedings, Proceeding._meta.get_field("case"))
