from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "adal.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        post_migrate.connect(_install_presets, sender=self)
        _handle_the_hotlines_reports()


def _handle_the_hotlines_reports():
    # The hotline sits below the cases (a case points at its report), so it cannot call them by name:
    # every report it takes in opens a case, and its inbox shows and acts on that case, through these.
    from adal.cases import selectors, services
    from adal.hotline.handler import ReportHandler, connect

    connect(
        ReportHandler(
            open_case=services.case_open,
            message_received=services.reporter_message_received,
            inbox=selectors.reporter_inbox,
            appeal=services.case_appeal,
            rate=services.case_rate,
        )
    )


def _install_presets(sender, using="default", **kwargs):
    from adal.cases.services import policy_presets_install

    policy_presets_install(using=using)
