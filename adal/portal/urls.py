from django.urls import path

from adal.portal import report_views, views

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
]
