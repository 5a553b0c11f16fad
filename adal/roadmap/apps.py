from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "adal.roadmap"
    label = "roadmap"
    verbose_name = _("Road map")

    def ready(self):
        # The object rules of the road map's capabilities and its live sources are registered where
        # they are written.
        from adal.roadmap import services, sources, workload  # noqa: F401

        workload.register()
