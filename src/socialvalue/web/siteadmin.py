"""Django's admin as the site administrators' console: staff only, and invisible to everyone else.

A person who is signed in but not staff gets 404 (nothing says the console exists); a person who
is not signed in is sent to the product's own sign-in page, which throttles password guessing.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


class SiteAdmin(admin.AdminSite):
    site_header = "socialvalue site administration"
    site_title = "socialvalue site administration"
    index_title = "Organisations, people, registrations and value sets"
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def staff_only(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404("No such page.")
            return inner(request, *args, **kwargs)

        return staff_only

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404("No such page.")
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


class SiteAdminConfig(AdminConfig):
    default_site = "socialvalue.web.siteadmin.SiteAdmin"
