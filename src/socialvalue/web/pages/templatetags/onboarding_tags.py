"""`{% first_steps %}`: the organisation's first-steps task list, on the home page of either kind."""

from django import template

from socialvalue.web import onboarding

register = template.Library()


@register.inclusion_tag("pages/first_steps.html", takes_context=True)
def first_steps(context):
    request = context["request"]
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    steps = onboarding.checklist(organisation)
    return {
        "steps": steps,
        "done": sum(1 for s in steps or [] if s["status"] == onboarding.DONE),
        "can_dismiss": membership is not None and membership.allows("editor"),
        "csrf_token": context.get("csrf_token"),
        "organisation": organisation,
    }
