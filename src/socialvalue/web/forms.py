"""Form helpers shared by every app: GOV.UK Frontend classes on widgets, error classes after validation."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}
_ERROR_CLASSES = {
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-input": "govuk-input--error",
}


def _govuk_class(widget: forms.Widget) -> str:
    for kind, css in _WIDGET_CLASSES.items():
        if isinstance(widget, kind):
            return css
    return "govuk-input"


class GovukFormMixin:
    """Gives every widget its GOV.UK class, and the error variant once validation has failed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _govuk_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {existing}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = _govuk_class(widget)
                if base in _ERROR_CLASSES:
                    widget.attrs["class"] += " " + _ERROR_CLASSES[base]


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def add_domain_errors(form: forms.BaseForm, error: Exception, field_for=lambda key: key) -> None:
    """Show a domain function's refusal next to the fields it names, the rest above the form.

    `error` is a Django ValidationError (a dict of field -> messages, or messages for the whole
    form) or a `socialvalue.web.errors.Conflict`; `field_for` maps the domain's key to a field name.
    """
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        placed = [(field_for(key), messages) for key, messages in error.message_dict.items()]
    elif isinstance(error, ValidationError):
        placed = [(None, error.messages)]
    else:
        placed = [(field_for(error.field) if getattr(error, "field", None) else None, [str(error)])]
    for name, messages in placed:
        field = name if name in form.fields else None
        form.add_error(field, messages)
        if field is not None:
            base = _govuk_class(form.fields[field].widget)
            css = _ERROR_CLASSES.get(base)
            if css and css not in form.fields[field].widget.attrs.get("class", ""):
                form.fields[field].widget.attrs["class"] += " " + css
