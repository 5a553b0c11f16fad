from django.urls import path

from adal.survey import views

app_name = "survey"
urlpatterns = [
    path("survey/", views.index_page, name="index"),
    path("survey/<slug:code>/", views.wave_page, name="wave"),
    path("survey/<slug:code>/methodology/", views.methodology_page, name="methodology"),
    path("staff/survey/", views.staff_waves, name="staff_waves"),
    path("staff/survey/waves/new/", views.staff_wave_new, name="staff_wave_new"),
    path("staff/survey/waves/<int:pk>/", views.staff_wave, name="staff_wave"),
    path("staff/survey/waves/<int:pk>/import/", views.staff_upload, name="staff_upload"),
    path("staff/survey/waves/<int:pk>/<slug:action>/", views.staff_wave_action, name="staff_wave_action"),
    path("staff/survey/imports/<int:pk>/", views.staff_import, name="staff_import"),
    path("staff/survey/registers/", views.staff_registers, name="staff_registers"),
    path("staff/survey/instruments/new/", views.staff_instrument_new, name="staff_instrument_new"),
    path("staff/survey/margins/new/", views.staff_margins_new, name="staff_margins_new"),
    path("staff/survey/templates/<slug:kind>.<slug:fmt>", views.staff_template, name="staff_template"),
]
