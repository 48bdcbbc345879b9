"""Form helpers shared by every app: GOV.UK Frontend classes on widgets, error classes after validation,
and the text policy (`socialvalue.core.text`) on every text field."""

from __future__ import annotations

import json

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import ngettext

from socialvalue.core.bounds import EARLIEST_DATE, LATEST_DATE, date_problem
from socialvalue.core.text import LONG_TEXT_MAX, TextError, clean_text

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


def _sane_date(value) -> None:
    problem = date_problem(value)
    if problem:
        # The field's message (apply_message_policy) names it; the value fills %(value)s.
        raise ValidationError(problem, code="date_out_of_range", params={"value": value})


def apply_date_policy(field: forms.Field) -> None:
    """Make a date field refuse dates outside the range any calculation can take
    (`socialvalue.core.bounds`), before a view does arithmetic with them."""
    if isinstance(field, forms.DateField) and _sane_date not in field.validators:
        field.validators.append(_sane_date)


#: Django's own validator instances, whose messages are Django's wording.
_DJANGO_VALIDATORS = tuple(
    v for v in vars(django_validators).values() if isinstance(v, django_validators.RegexValidator)
)


def _django_messages(field: forms.Field) -> dict:
    messages: dict = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django."):  # a field class of ours words its own messages
            messages.update(cls.__dict__.get("default_error_messages", {}))
    return messages


def _in_a_sentence(label: str) -> str:
    """`Email address` -> `email address`, but `SROI ratio`, `URL` and `Sustainable Development
    Goals` (a name: its second word has a capital too) keep their capitals."""
    words = label.split()
    if label[1:2].isupper() or (len(words) > 1 and words[1][:1].isupper()):
        return label
    return label[:1].lower() + label[1:]


def apply_message_policy(field: forms.Field, name: str) -> None:
    """Give a field error messages that name it and say what to do (GOV.UK's error message
    patterns) wherever it would show Django's own ("This field is required.", "Ensure this value
    is less than or equal to 5."). Messages a form sets itself are kept."""
    label = str(field.label or name.replace("_", " ").capitalize()).strip().rstrip(":?")
    label = label.removesuffix("(optional)").strip() or label  # a message is about what was typed
    lower = _in_a_sentence(label)
    # Messages raised with parameters are %-formatted: a % in a label must be doubled there.
    formatted = label.replace("%", "%%")
    ours: dict[str, str] = {}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        ours["required"] = f"Select {lower}"
        ours["invalid_choice"] = f"Select {_in_a_sentence(formatted)} from the list"
    elif isinstance(field, forms.FileField):
        ours["required"] = f"Select {lower}"
    elif isinstance(field, forms.BooleanField):
        ours["required"] = f"Tick “{label}” to go on"
    else:
        ours["required"] = f"Enter {lower}"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        ours["invalid"] = f"{label} must be a number"
    elif isinstance(field, forms.IntegerField):
        ours["invalid"] = f"{label} must be a whole number"
    elif isinstance(field, forms.DateField):
        ours["invalid"] = f"{label} must be a real date"
        ours["date_out_of_range"] = (
            f"{formatted} must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}: "
            "%(value)s is out of range"
        )
    elif isinstance(field, forms.EmailField):
        ours["invalid"] = (
            f"Enter {_in_a_sentence(formatted)} in the correct format, like name@example.com"
        )
    if isinstance(field, forms.IntegerField):  # decimal and float fields are integer fields
        ours["max_value"] = f"{formatted} must be %(limit_value)s or less"
        ours["min_value"] = f"{formatted} must be %(limit_value)s or more"
    if isinstance(field, forms.DecimalField):
        ours["max_digits"] = f"{formatted} must have no more than %(max)s digits"
        ours["max_decimal_places"] = f"{formatted} must have no more than %(max)s decimal places"
        ours["max_whole_digits"] = (
            f"{formatted} must have no more than %(max)s digits before the decimal point"
        )
    if isinstance(field, forms.CharField):
        ours["max_length"] = f"{formatted} must be at most %(limit_value)d characters long"
        ours["min_length"] = f"{formatted} must be %(limit_value)d characters or more"
    if isinstance(field, forms.URLField):
        ours["invalid"] = (
            f"Enter {_in_a_sentence(formatted)} as a full web address, like https://example.org"
        )
    elif isinstance(field, forms.SlugField):
        ours["invalid"] = f"{formatted} must use only letters, numbers, underscores and hyphens"
    if isinstance(field, forms.ModelMultipleChoiceField):
        ours["invalid_pk_value"] = f"Select {_in_a_sentence(formatted)} from the list"
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        ours["invalid_list"] = f"Select {lower} from the list"  # raised without parameters
    if isinstance(field, forms.FileField):
        ours["empty"] = f"The selected {lower} is empty: choose another"
        ours["invalid"] = f"Select {lower} again: no file arrived"
        ours["missing"] = f"Select {lower} again: no file arrived"
        ours["contradiction"] = f"Either select {lower} or tick to clear it"
        ours["max_length"] = (
            f"The name of the file for {_in_a_sentence(formatted)} must be at most "
            "%(max)d characters long"
        )
    django = _django_messages(field)
    # A validator with a message of its own (a form's "Enter a percentage from 0 to 100") keeps
    # it; Django's own validators (validate_slug) are worded like Django's fields.
    own = {
        getattr(v, "code", None)
        for v in field.validators
        if str(getattr(v, "message", "")) != str(getattr(type(v), "message", ""))
        and not any(v is built_in for built_in in _DJANGO_VALIDATORS)
    }
    for code, message in ours.items():
        if code in own:
            continue
        current = field.error_messages.get(code)
        if current is None or str(current) == str(django.get(code)):
            field.error_messages[code] = message


def offer_as_autocomplete(
    field: forms.Field, *, suggest_from: str = "", suggestions: dict | None = None
) -> None:
    """Show a long choice as an autocomplete where JavaScript runs (static_src/autocomplete.js);
    the select is still what is submitted. Lists longer than 20 are offered so anyway.

    `suggest_from` names another field of the form and `suggestions` maps its values to this
    field's values to list first: the measures of the activity chosen above, for example.
    """
    field.widget.attrs["data-autocomplete"] = ""
    css = field.widget.attrs.get("class", "")
    if "govuk-select" not in css.split():  # a field added after the form styled its own
        field.widget.attrs["class"] = f"govuk-select {css}".strip()
    if suggest_from:
        field.widget.attrs["data-suggest-from"] = f"id_{suggest_from}"
        field.widget.attrs["data-suggestions"] = json.dumps(
            {str(key): [str(v) for v in values] for key, values in (suggestions or {}).items()},
            separators=(",", ":"),
        )


DJANGO_EMPTY_CHOICE = "---------"


def apply_empty_choice_policy(field: forms.Field) -> None:
    """A dropdown's empty choice says what it means instead of Django's dashes: "Choose one" where
    a choice is needed, "None" where it may be left empty."""
    label = "Choose one" if field.required else "None"
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_CHOICE:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField) and any(
        value == "" and text == DJANGO_EMPTY_CHOICE for value, text in field.choices
    ):
        field.choices = [
            (value, label if value == "" and text == DJANGO_EMPTY_CHOICE else text)
            for value, text in field.choices
        ]


def apply_text_policy(field: forms.Field) -> None:
    """Make a text field keep text the way the policy says: no control characters, no lone
    surrogates, and a length limit (LONG_TEXT_MAX for a field that has none of its own)."""
    if not isinstance(field, forms.CharField) or isinstance(
        field, (forms.JSONField, forms.UUIDField)
    ):
        return  # a JSON or UUID field makes its own value, not text
    if isinstance(field.widget, forms.PasswordInput):
        return  # a password is taken exactly as typed
    if getattr(field, "_text_policy", False):
        return
    if field.max_length is None:
        field.max_length = LONG_TEXT_MAX
        field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
    to_python = field.to_python

    def policed(value):
        value = to_python(value)
        if isinstance(value, str):
            try:
                value = clean_text(value, max_length=None)
            except TextError as exc:
                raise ValidationError(f"This text {exc.message}", code="invalid_text") from None
        return value

    field.to_python = policed
    field._text_policy = True


class UploadKeeper:
    """Keeps a chosen file across a refused post (so it is never silently lost) for every form.

    Keeping needs the file storage, which sits above this module: the files app registers its
    `restore` and `keep` here when it is ready (`socialvalue.web.files.forms`); until then, and
    in a process without it, a form keeps nothing."""

    def __init__(self) -> None:
        self._restore = self._keep = None

    def register(self, *, restore, keep) -> None:
        self._restore, self._keep = restore, keep

    def restore(self, form: forms.BaseForm) -> None:
        if self._restore is not None:
            self._restore(form)

    def keep(self, form: forms.BaseForm) -> None:
        if self._keep is not None:
            self._keep(form)


upload_keeper = UploadKeeper()


def apply_govuk_class(field: forms.Field) -> None:
    """Give a field's widget its GOV.UK class, once, before any class of the form's own."""
    css = _govuk_class(field.widget)
    existing = field.widget.attrs.get("class", "")
    if css not in existing.split():
        field.widget.attrs["class"] = f"{css} {existing}".strip()


class GovukFormMixin:
    """Gives every widget its GOV.UK class, and the error variant once validation has failed;
    every text field follows the text policy and every date field the date range; errors name
    their field and dropdowns say what their empty choice means.

    The policies are applied again before validation (and the dropdown one when a field is
    shown), so fields a form adds in its own __init__ (after this one) follow them too; each
    policy is idempotent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._apply_policies()

    def _apply_policies(self) -> None:
        for name, field in self.fields.items():
            apply_govuk_class(field)
            apply_text_policy(field)
            apply_date_policy(field)
            apply_message_policy(field, name)
            apply_empty_choice_policy(field)

    def __getitem__(self, name):
        # Only what is shown needs doing here; messages are set before validation (full_clean).
        field = self.fields.get(name)
        if field is not None:
            apply_empty_choice_policy(field)
        return super().__getitem__(name)

    def full_clean(self):
        self._apply_policies()
        upload_keeper.restore(self)
        super().full_clean()
        upload_keeper.keep(self)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = _govuk_class(widget)
                css = widget.attrs.get("class", "")
                if base in _ERROR_CLASSES and _ERROR_CLASSES[base] not in css.split():
                    widget.attrs["class"] = f"{css} {_ERROR_CLASSES[base]}".strip()


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def add_domain_errors(
    form: forms.BaseForm, error: Exception, field_for=lambda key: key, *, keep_uploads: bool = True
) -> None:
    """Show a domain function's refusal next to the fields it names, the rest above the form.

    `error` is a Django ValidationError (a dict of field -> messages, or messages for the whole
    form) or a `socialvalue.web.errors.Conflict`; `field_for` maps the domain's key to a field name.
    The form's chosen files are kept for the next post, unless `keep_uploads` is False: the
    refusal came after they were saved.
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
            existing = form.fields[field].widget.attrs.get("class", "")
            if css and css not in existing.split():
                form.fields[field].widget.attrs["class"] = f"{existing} {css}".strip()
    # A file chosen on a form the domain refused is kept like one refused by the form itself.
    if keep_uploads:
        upload_keeper.keep(form)


def upload_problems(filename: str, problems: int, rows: int = 0) -> str:
    """The start of every refused upload's message: `bad.csv has 5 problems in 4 rows`.

    `rows` is how many rows the problems are in, where the file has rows; 0 leaves it out. The
    page adds what happened (nothing imported) and what to do next.
    """
    text = ngettext(
        "%(file)s has %(count)d problem", "%(file)s has %(count)d problems", problems
    ) % {"file": filename, "count": problems}
    if rows:
        text += ngettext(" in %(rows)d row", " in %(rows)d rows", rows) % {"rows": rows}
    return text
