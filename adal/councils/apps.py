from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "adal.councils"
    label = "councils"
    verbose_name = _("Councils")

    def ready(self):
        post_migrate.connect(_install_topics, sender=self)
        _rule_on_putting_cases_on_agendas()


def _rule_on_putting_cases_on_agendas():
    # The case page asks may(user, "council.put_case_on_agenda", case); who may is the councils' rule,
    # and the cases sit below the councils, so the rule is registered from here.
    from adal.core.permissions import object_rule
    from adal.councils.services import may_put_on_agenda

    object_rule("council.put_case_on_agenda")(may_put_on_agenda)


def _install_topics(sender, using="default", **kwargs):
    from adal.councils.services import topics_install

    topics_install(using=using)
