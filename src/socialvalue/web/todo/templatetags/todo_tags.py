"""`{% todo_list %}`: the signed-in person's open items, on the home page of either kind."""

from django import template

from socialvalue.web.todo import services

register = template.Library()

#: Items shown on a home page; the rest are on the to-do page.
SHOWN = 8


@register.inclusion_tag("todo/_list.html", takes_context=True)
def todo_list(context, limit: int = SHOWN):
    request = context["request"]
    items = services.items_for_request(request)
    return {"items": items[:limit], "more": max(len(items) - limit, 0), "total": len(items)}
