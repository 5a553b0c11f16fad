from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "adal.portal"
    label = "portal"
    verbose_name = _("Transparency portal")

    def ready(self):
        from adal.portal.feeds import register_period_reports
        from adal.portal.reports import frozen_report_entries

        # The feed of period reports lists the reports frozen for the Political Council and others.
        register_period_reports(frozen_report_entries)
