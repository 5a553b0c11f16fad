from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "adal.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from adal.cases import workload
        from adal.cases.notifications import register_emails

        post_migrate.connect(_install_presets, sender=self)
        register_emails()
        workload.register()
        _register_object_rules()
        _handle_the_hotlines_reports()
        _register_housekeeping()


def _register_object_rules():
    """Whatever a capability lets one do to a case, one does only to the cases of one's own scope."""
    from adal.cases import disclosure
    from adal.cases.services import CASE_CAPABILITIES, in_scope
    from adal.core.permissions import object_rule

    for capability in CASE_CAPABILITIES:
        object_rule(capability)(in_scope)
    disclosure.register_object_rules()


def _handle_the_hotlines_reports():
    # The hotline sits below the cases (a case points at its report), so it cannot call them by name:
    # every report it takes in opens a case, and its inbox shows and acts on that case, through these.
    from adal.cases import disclosure, selectors, services
    from adal.hotline.handler import ReportHandler, connect

    connect(
        ReportHandler(
            open_case=services.case_open,
            open_protection_case=services.case_open_protection,
            message_received=services.reporter_message_received,
            inbox=selectors.reporter_inbox,
            appeal=services.case_appeal,
            rate=services.case_rate,
            identity_changed=disclosure.reporter_identity_changed,
            transcript_checked=services.reporter_transcript_checked,
            answer_due=services.answer_due_for,
        )
    )


def _register_housekeeping():
    from adal.cases.tasks import schedule_retention
    from adal.core import housekeeping

    # The retention purge runs once a day as its own task (one transaction per case, never one long one
    # like a housekeeping job's); each sweep makes sure that the next day's run is waiting.
    housekeeping.register("cases.retention_schedule", schedule_retention)


def _install_presets(sender, using="default", **kwargs):
    from adal.cases.services import policy_presets_install

    policy_presets_install(using=using)
