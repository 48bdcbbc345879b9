"""The to-do page: every open item of the signed-in person, across their organisations."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services


@login_required
def todo_list(request: HttpRequest) -> HttpResponse:
    return render(request, "todo/list.html", {"items": services.items_for_request(request)})
