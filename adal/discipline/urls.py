from django.urls import path

from adal.discipline import views

app_name = "discipline"
urlpatterns = [
    path("discipline/", views.public_page, name="public"),
    path("staff/discipline/", views.staff_home, name="staff_home"),
    path("staff/discipline/members/new/", views.member_new, name="member_new"),
    path("staff/discipline/members/<int:pk>/", views.staff_member, name="staff_member"),
    path("staff/discipline/members/<int:pk>/proceedings/new/", views.proceeding_new, name="proceeding_new"),
    path("staff/discipline/proceedings/<int:pk>/<slug:step>/", views.proceeding_step, name="proceeding_step"),
]
