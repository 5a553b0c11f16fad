from django.urls import path

from adal.cases import views

app_name = "cases"
urlpatterns = [
    path("staff/cases/", views.queue, name="queue"),
    path("staff/cases/<int:pk>/", views.case_detail, name="case"),
    path("staff/cases/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("staff/cases/<int:pk>/hold/<slug:step>/", views.case_hold, name="hold"),
    path("staff/cases/<int:pk>/identity/", views.identity_show, name="identity"),
    path("staff/cases/<int:pk>/identity/request/", views.disclosure_new, name="disclosure_new"),
    path("staff/disclosures/", views.disclosures, name="disclosures"),
    path("staff/disclosures/<int:pk>/<slug:decision>/", views.disclosure_decide, name="disclosure_decide"),
    path("staff/cases/<int:pk>/<slug:action>/form/", views.case_action_form, name="action_form"),
    path("staff/cases/<int:pk>/<slug:action>/", views.case_action, name="action"),
]
