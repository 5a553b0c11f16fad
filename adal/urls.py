from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from adal.api.api import api

urlpatterns = [
    # Staff sign in through one door, with the second factor and the lockout.
    path("admin/login/", RedirectView.as_view(pattern_name="core:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("adal.hotline.urls")),
    path("", include("adal.cases.urls")),
    path("", include("adal.councils.urls")),
    path("", include("adal.councils.primaries.urls")),
    path("", include("adal.discipline.urls")),
    path("", include("adal.ratings.urls")),
    path("", include("adal.survey.urls")),
    path("", include("adal.roadmap.urls")),
    path("", include("adal.portal.urls")),
    path("", include("adal.core.urls")),
]
