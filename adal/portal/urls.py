from django.urls import path, register_converter

from adal.portal import report_views, views
from adal.portal.feeds import PeriodReportsFeed, RoadmapProgressFeed
from adal.portal.periods import PeriodConverter

register_converter(PeriodConverter, "period")

app_name = "portal"
urlpatterns = [
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/statistics/", views.statistics, name="statistics"),
    path("portal/councils/", views.councils, name="councils"),
    path("portal/methodology/", views.methodology, name="methodology"),
    path("reports/", report_views.frozen_list, name="reports"),
    path("reports/period/", report_views.period_report, name="period_report"),
    path("reports/freeze/", report_views.freeze, name="freeze_report"),
    path("reports/<int:pk>/", report_views.frozen_report, name="frozen_report"),
    path("open-data/", views.opendata, name="opendata"),
    path("open-data/codebook/", views.codebook, name="codebook"),
    path("open-data/feeds/roadmap.atom", RoadmapProgressFeed(), name="feed_roadmap"),
    path("open-data/feeds/reports.atom", PeriodReportsFeed(), name="feed_reports"),
    path("open-data/<period:period>/<str:name>", views.opendata_file, name="opendata_file"),
    path("open-data/<str:name>", views.opendata_file, name="opendata_default_file"),
]
