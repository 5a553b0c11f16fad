from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "adal.survey"
    label = "survey"
    verbose_name = _("Corruption perception survey")

    def ready(self):
        from adal.core import housekeeping

        housekeeping.register("survey.imports_abandoned", _imports_abandoned)


def _imports_abandoned(*, by):
    from django.utils import timezone

    from adal.survey.services import microdata_imports_fail_abandoned

    return microdata_imports_fail_abandoned(now=timezone.now())
