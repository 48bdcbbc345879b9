"""The search results page: matches grouped by kind, or one kind a page at a time."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services
from .forms import SearchForm


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    context: dict = {"form": form, "results": None}
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["kind"] or None
        page = _page_number(request.GET.get("page"))
        try:
            results = services.search(
                request.actor,
                form.cleaned_data["q"],
                kind=kind,
                offset=(page - 1) * services.PAGE_SIZE if kind else 0,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
        else:
            count = results.counts.get(kind, 0) if kind else results.total
            pages = max(1, -(-count // services.PAGE_SIZE))
            counted = services.KIND_BY_KEY[kind].label.lower() if kind else "records"
            context.update(
                results=results,
                count=count,
                counted=counted if count != 1 or kind else "record",
                kind=services.KIND_BY_KEY.get(kind) if kind else None,
                page=page,
                pages=pages,
                kinds=[
                    (k, results.counts[k.key]) for k in services.KINDS if k.key in results.counts
                ],
            )
    return render(request, "search/results.html", context)


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1
