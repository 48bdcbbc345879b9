"""Forms for searching measures and importing a value set."""

from __future__ import annotations

from django import forms
from django.conf import settings

from socialvalue.web.forms import GovukForm

from . import services
from .models import ValueType


class Dropdown(forms.Select):
    """Django's dropdown in one template, where Django's includes a template for each option and
    another for each option's attributes: the same markup, with one template rendered per
    dropdown instead of two per choice (the search form shows some sixty on every search)."""

    template_name = "measures/widgets/select.html"


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search measures",
        required=False,
        max_length=200,
        help_text="Words in the code, title, unit, description, theme or outcome.",
    )
    set = forms.TypedChoiceField(
        label="Value set", required=False, coerce=int, empty_value=None, widget=Dropdown
    )
    theme = forms.ChoiceField(label="Theme", required=False, widget=Dropdown)
    sdg = forms.ChoiceField(label="Sustainable Development Goal", required=False, widget=Dropdown)
    value_type = forms.ChoiceField(
        label="Value type",
        required=False,
        choices=[("", "Any value type"), *ValueType.choices],
        widget=Dropdown,
    )

    def __init__(self, *args, value_sets=(), themes=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set"].choices = [("", "Any value set")] + [(s.id, str(s)) for s in value_sets]
        self.fields["theme"].choices = [("", "Any theme")] + [(t, t) for t in themes]
        self.fields["sdg"].choices = [("", "Any goal")] + [(str(g.number), str(g)) for g in goals]


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Value set file",
        help_text="A .csv or .xlsx file with a header row: code, theme, outcome, "
        "measure, unit, proxy_value, value_type, price_year, source, sdg_targets.",
    )
    name = forms.CharField(
        label="Name of the set", max_length=200, help_text="For example: National TOMs."
    )
    version = forms.CharField(
        label="Version", max_length=200, help_text="As the publisher states it, for example 2024."
    )
    publisher = forms.CharField(label="Publisher", max_length=200, required=False)
    licence = forms.CharField(
        label="Licence",
        max_length=300,
        help_text="The licence under which your organisation holds this set. It is shown beside every value.",
    )
    source = forms.CharField(
        label="Source",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the file came from: a web address or document title.",
    )
    price_year = forms.IntegerField(
        label="Price year",
        required=False,
        min_value=1900,
        max_value=2100,
        help_text="Used for rows that give a proxy value but no price year.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    replace = forms.BooleanField(
        label="Replace the set already imported with this name and version", required=False
    )
    site_wide = forms.BooleanField(
        label="Import for everyone on this site (site administrators only)",
        required=False,
        help_text="Only when the licence covers every organisation using this site.",
    )

    def __init__(self, *args, allow_site_wide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_site_wide:
            del self.fields["site_wide"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            limit = settings.MAX_UPLOAD_BYTES / (1024 * 1024)
            raise forms.ValidationError(f"The file must be smaller than {limit:g} MB.")
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        problem = services.upload_problem(upload.name, head)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class ConfirmImportForm(GovukForm):
    token = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={
            "required": "That import has expired: upload the file again",
            "max_length": "That import has expired: upload the file again",
        },
    )
