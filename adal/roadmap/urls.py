from django.urls import path

from adal.roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("roadmap/", views.home, name="home"),
    path("roadmap/evidence/<int:pk>/", views.evidence, name="evidence"),
    path("roadmap/<slug:code>/", views.programme, name="programme"),
    path("roadmap/<slug:code>/measures/<int:pk>/", views.measure, name="measure"),
    path("staff/roadmap/", views.staff_home, name="staff"),
    path("staff/roadmap/measures/<int:pk>/report/", views.report, name="report"),
    path("staff/roadmap/reports/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("staff/roadmap/import/", views.import_upload, name="import"),
    path("staff/roadmap/import/<int:pk>/", views.import_preview, name="import_preview"),
    path(
        "staff/roadmap/import/<int:pk>/apply/",
        views.import_decide,
        {"decision": "apply"},
        name="import_apply",
    ),
    path(
        "staff/roadmap/import/<int:pk>/discard/",
        views.import_decide,
        {"decision": "discard"},
        name="import_discard",
    ),
    path("staff/roadmap/<slug:code>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("staff/roadmap/<slug:code>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
]
