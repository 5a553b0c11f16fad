from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "adal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        post_migrate.connect(_sync_reference_data, sender=self)
        # post_migrate comes once per app, after all migrations have run: once is enough
        post_migrate.connect(_build_planner_statistics, sender=self)
        _register_housekeeping()


def _register_housekeeping():
    from adal.core import housekeeping
    from adal.core.audit import audit_checkpoint
    from adal.core.files import file_removals_finish
    from adal.core.planner import planner_statistics_refresh
    from adal.core.tasks import task_results_purge

    housekeeping.register("core.task_results_purge", task_results_purge)
    # Files whose rows a committed transaction deleted, when the process died before removing them.
    housekeeping.register("core.file_removals", file_removals_finish)
    housekeeping.register("core.planner_statistics", lambda *, by: planner_statistics_refresh())
    # The chain's anchor outside the database, every five minutes with the sweep.
    housekeeping.register("core.audit_checkpoint", audit_checkpoint)


def _sync_reference_data(sender, using="default", **kwargs):
    # The territories are reference data that ships with the code: every database gets them.
    from adal.core.services import territories_sync

    territories_sync(using=using)


def _build_planner_statistics(sender, using="default", **kwargs):
    from adal.core.planner import planner_statistics_build

    planner_statistics_build(using=using)
