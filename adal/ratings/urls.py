from django.urls import path

from adal.ratings import views

app_name = "ratings"
urlpatterns = [
    path("ratings/", views.home, name="home"),
    path("ratings/countries/<str:iso3>/", views.country, name="country"),
    path("ratings/<slug:code>/<int:year>/", views.ranking, name="ranking"),
    path("ratings/<slug:code>/<int:year>/<str:iso3>/what-if/", views.what_if, name="what_if"),
    path("staff/ratings/import/", views.import_upload, name="import"),
    path("staff/ratings/import/<int:pk>/", views.import_preview, name="import_preview"),
    path(
        "staff/ratings/import/<int:pk>/commit/",
        views.import_decide,
        {"decision": "commit"},
        name="import_commit",
    ),
    path(
        "staff/ratings/import/<int:pk>/discard/",
        views.import_decide,
        {"decision": "discard"},
        name="import_discard",
    ),
]
