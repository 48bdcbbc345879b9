"""The audit trail's filters: by person, by type of record and by date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst

from socialvalue.web.forms import GovukForm

from .describe import type_label

DATE_WIDGET = {"type": "date", "class": "govuk-input--width-10"}
#: The person choice for changes nobody made in person (commands, imports, the report worker).
SYSTEM = "system"


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )


class TrailFilterForm(GovukForm):
    person = forms.ChoiceField(label="Person", required=False)
    object_type = forms.ChoiceField(label="Type of record", required=False)
    date_from = _date_field("Changes on or after")
    date_to = _date_field("Changes on or before")

    def __init__(self, *args: Any, events: QuerySet, people: dict[int, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        actors = events.order_by().values_list("actor_id", "actor_email").distinct()
        named = {}
        has_system = False
        for actor_id, email in actors:
            if actor_id is None:
                has_system = True
            else:
                named[str(actor_id)] = people.get(actor_id) or email or f"Person no. {actor_id}"
        choices = sorted(named.items(), key=lambda item: item[1].lower())
        if has_system:
            choices.append((SYSTEM, "The system (imports, commands, sign-in attempts)"))
        self.fields["person"].choices = [("", "Anyone"), *choices]
        types = events.order_by().values_list("object_type", flat=True).distinct()
        labelled = sorted(((t, capfirst(type_label(t))) for t in types), key=lambda item: item[1])
        self.fields["object_type"].choices = [("", "Any type"), *labelled]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data

    def apply(self, events: QuerySet) -> QuerySet:
        """`events` narrowed to the filters chosen (call after `is_valid`)."""
        data = self.cleaned_data
        person = data.get("person")
        if person == SYSTEM:
            events = events.filter(actor_id__isnull=True)
        elif person:
            events = events.filter(actor_id=int(person))
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        return events

    @property
    def any(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)
