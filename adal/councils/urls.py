from django.urls import path
from django.views.generic import RedirectView

from adal.councils import feeds, views

app_name = "councils"
urlpatterns = [
    path("councils/", views.council_index, name="index"),
    path("councils/feed/", feeds.AllCouncilsFeed(), name="feed"),
    # The statistics moved to the portal; old links keep working.
    path(
        "councils/statistics/",
        RedirectView.as_view(pattern_name="portal:councils", permanent=True, query_string=True),
        name="statistics",
    ),
    path("councils/<slug:slug>/", views.council_detail, name="council"),
    path("councils/<slug:slug>/feed/", feeds.CouncilFeed(), name="council_feed"),
    path("councils/<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("councils/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("councils/<slug:slug>/news/<int:pk>/", views.news_detail, name="news"),
    path("staff/councils/", views.staff_home, name="staff_home"),
    path("staff/councils/cases/<int:pk>/agenda/", views.case_agenda, name="case_agenda"),
    path("staff/councils/new/", views.council_new, name="council_new"),
    path("staff/councils/<slug:slug>/", views.staff_council, name="staff_council"),
    path("staff/councils/<slug:slug>/members/", views.staff_members, name="staff_members"),
    path("staff/councils/<slug:slug>/members/<int:pk>/cease/", views.member_cease, name="member_cease"),
    path("staff/councils/<slug:slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("staff/councils/<slug:slug>/meetings/<int:pk>/", views.staff_meeting, name="staff_meeting"),
    path(
        "staff/councils/<slug:slug>/meetings/<int:pk>/<slug:action>/",
        views.meeting_action,
        name="meeting_action",
    ),
    path("staff/councils/<slug:slug>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("staff/councils/<slug:slug>/proposals/<int:pk>/", views.staff_proposal, name="staff_proposal"),
    path(
        "staff/councils/<slug:slug>/proposals/<int:pk>/<slug:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
    path("staff/councils/<slug:slug>/news/new/", views.news_new, name="news_new"),
]
