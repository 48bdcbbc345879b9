"""The search form: the words, and optionally the one kind of record to list."""

from django import forms

from socialvalue.web.forms import GovukForm

from .services import KINDS, MAX_QUERY


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search your organisation's records",
        max_length=MAX_QUERY,
        error_messages={"required": "Enter a word or number to search for"},
        help_text="Words from a title, a description or a note. Every word must match; "
        "the start of a word is enough.",
    )
    kind = forms.ChoiceField(
        label="Kind of record",
        required=False,
        choices=[("", "Every kind"), *((kind.key, kind.label) for kind in KINDS)],
    )
