from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "adal.councils"
    label = "councils"
    verbose_name = _("Councils")

    def ready(self):
        post_migrate.connect(_install_topics, sender=self)
        # The councils' object rules (which council, which case) are registered where they are written.
        import adal.councils.services  # noqa: F401
        from adal.councils import workload

        workload.register()


def _install_topics(sender, using="default", **kwargs):
    from adal.councils.services import topics_install

    topics_install(using=using)
