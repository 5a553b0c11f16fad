from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "adal.ratings"
    label = "ratings"
    verbose_name = _("International ratings")

    def ready(self):
        post_migrate.connect(_sync_countries, sender=self)


def _sync_countries(sender, using="default", **kwargs):
    # The country list ships with the code: every database gets the countries it lacks.
    from adal.ratings.services import countries_sync

    countries_sync(using=using)
