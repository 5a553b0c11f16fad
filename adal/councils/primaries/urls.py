from django.urls import path

from adal.councils.primaries import views

app_name = "primaries"
urlpatterns = [
    path("primaries/", views.primary_list, name="list"),
    path("primaries/<int:pk>/", views.primary_detail, name="primary"),
    path("primaries/<int:pk>/vote/", views.vote, name="vote"),
    path("primaries/<int:pk>/consent/", views.consent, name="consent"),
    path("staff/primaries/", views.staff_list, name="staff_list"),
    path("staff/primaries/new/", views.staff_create, name="staff_create"),
    path("staff/primaries/<int:pk>/", views.staff_primary, name="staff_primary"),
    path(
        "staff/primaries/<int:pk>/nominations/<int:nomination_id>/withdraw/",
        views.staff_withdraw,
        name="staff_withdraw",
    ),
]
