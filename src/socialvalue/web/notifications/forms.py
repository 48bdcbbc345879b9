"""The preferences form: for each kind of notification, straight away, a daily summary or off."""

from django import forms

from socialvalue.web.forms import GovukFormMixin

from .models import Delivery, Kind


def _choice(kind: Kind) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=kind.label,
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose how you hear when: {kind.label.lower()}.",
            "invalid_choice": f"Choose how you hear when: {kind.label.lower()}.",
        },
    )


#: One field per kind, named by the kind.
PreferencesForm = type(
    "PreferencesForm",
    (GovukFormMixin, forms.Form),
    {
        "__module__": __name__,
        "__doc__": "How a person hears of each kind of notification by email.",
        **{kind.value: _choice(kind) for kind in Kind},
    },
)
