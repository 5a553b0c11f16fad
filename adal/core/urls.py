from django.urls import path

from adal.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("staff/login/", views.staff_login, name="login"),
    path("staff/logout/", views.staff_logout, name="logout"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/units/", views.staff_units, name="staff_units"),
    path("staff/units/<int:pk>/rename/", views.staff_unit_rename, name="staff_unit_rename"),
]
