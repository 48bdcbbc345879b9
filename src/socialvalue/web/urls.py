"""The site's URLs: the web pages of each app and the JSON API."""

from django.contrib import admin
from django.urls import include, path

from socialvalue.web.api.router import api

urlpatterns = [
    path("", include("socialvalue.web.pages.urls")),
    path("", include("socialvalue.web.accounts.urls")),
    path("", include("socialvalue.web.audit.urls")),
    path("", include("socialvalue.web.measures.urls")),
    path("", include("socialvalue.web.files.urls")),
    path("", include("socialvalue.web.planning.urls")),
    path("", include("socialvalue.web.statements.urls")),
    path("", include("socialvalue.web.evidence.urls")),
    path("", include("socialvalue.web.casestudies.urls")),
    path("", include("socialvalue.web.surveys.urls")),
    path("", include("socialvalue.web.analyses.urls")),
    path("", include("socialvalue.web.commissioning.urls")),
    path("", include("socialvalue.web.contracts.urls")),
    path("", include("socialvalue.web.reports.urls")),
    path("", include("socialvalue.web.dashboard.urls")),
    path("", include("socialvalue.web.todo.urls")),
    path("", include("socialvalue.web.notifications.urls")),
    path("", include("socialvalue.web.engagements.urls")),
    path("", include("socialvalue.web.search.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "socialvalue.web.errors.bad_request"
handler404 = "socialvalue.web.errors.not_found"
handler403 = "socialvalue.web.errors.forbidden"
handler500 = "socialvalue.web.errors.server_error"
