from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "adal.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from adal.cases.notifications import register_emails

        post_migrate.connect(_install_presets, sender=self)
        register_emails()


def _install_presets(sender, using="default", **kwargs):
    from adal.cases.services import policy_presets_install

    policy_presets_install(using=using)
