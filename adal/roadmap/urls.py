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
    path("staff/roadmap/programmes/new/", views.programme_edit, name="programme_new"),
    path("staff/roadmap/programmes/<int:pk>/", views.editor, name="editor"),
    path("staff/roadmap/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("staff/roadmap/programmes/<int:programme_pk>/stages/new/", views.stage_edit, name="stage_new"),
    path("staff/roadmap/stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path("staff/roadmap/programmes/<int:programme_pk>/measures/new/", views.measure_edit, name="measure_new"),
    path("staff/roadmap/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("staff/roadmap/measures/<int:pk>/cancel/", views.measure_cancel_view, name="measure_cancel"),
    path(
        "staff/roadmap/programmes/<int:programme_pk>/indicators/new/",
        views.indicator_edit,
        name="indicator_new",
    ),
    path("staff/roadmap/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
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
