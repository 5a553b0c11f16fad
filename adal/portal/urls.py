from django.urls import path

from adal.portal import views

app_name = "portal"
urlpatterns = [
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/statistics/", views.statistics, name="statistics"),
    path("portal/councils/", views.councils, name="councils"),
    path("portal/methodology/", views.methodology, name="methodology"),
]
