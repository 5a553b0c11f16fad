from django.urls import path

from adal.hotline import views

app_name = "hotline"
urlpatterns = [
    path("report/", views.report_new, name="report_new"),
    path("report/slip/", views.report_slip, name="slip"),
    path("report/slip/download/", views.report_slip_download, name="slip_download"),
    path("inbox/", views.inbox_login, name="inbox_login"),
    path("inbox/report/", views.inbox, name="inbox"),
    path("inbox/logout/", views.inbox_logout, name="inbox_logout"),
    path("inbox/report/appeal/", views.inbox_appeal, name="inbox_appeal"),
    path("inbox/report/rate/", views.inbox_rate, name="inbox_rate"),
    path("inbox/report/identity/<slug:change>/", views.inbox_identity, name="inbox_identity"),
    path("inbox/report/retaliation/", views.inbox_retaliation, name="inbox_retaliation"),
    path(
        "inbox/report/protection/<str:number>/message/",
        views.inbox_protection_message,
        name="inbox_protection_message",
    ),
    path("inbox/report/transcript/correct/", views.inbox_transcript_correct, name="inbox_transcript_correct"),
    path("inbox/report/transcript/confirm/", views.inbox_transcript_confirm, name="inbox_transcript_confirm"),
    path("staff/reports/new/", views.staff_report_new, name="staff_report_new"),
]
