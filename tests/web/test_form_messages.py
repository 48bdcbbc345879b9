"""Every form's errors name their field and say what to do, never Django's own wording."""

from __future__ import annotations

import copy
import importlib
import pkgutil

import pytest
from django import forms

import socialvalue.web
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.forms import (
    DJANGO_EMPTY_CHOICE,
    GovukFormMixin,
    apply_empty_choice_policy,
    apply_message_policy,
)

#: Django's wording for the codes the policy covers ("This field is required.", "Ensure this value
#: is less than or equal to %(limit_value)s.", ...), gathered from Django's own field classes (our
#: field classes word their messages themselves, and which of them are loaded varies by test order).
DJANGO_WORDING = (
    {
        str(message)
        for cls in [forms.Field, *forms.Field.__subclasses__()]
        for klass in [cls, *cls.__subclasses__()]
        if klass.__module__.startswith("django.")
        for code, message in klass.__dict__.get("default_error_messages", {}).items()
        if code in {"required", "invalid_choice", "max_value", "min_value", "max_length"}
    }
    | {
        "This field is required.",
        "Enter a whole number.",
        "Enter a number.",
        "Enter a valid date.",
        "Enter a valid email address.",
        "Ensure this value is less than or equal to %(limit_value)s.",
        "Ensure this value is greater than or equal to %(limit_value)s.",
    }
) - {""}  # a file name's length message is plural-lazy and reads as "" without its number


def _every_form_class() -> list[type]:
    for module in pkgutil.walk_packages(socialvalue.web.__path__, "socialvalue.web."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            importlib.import_module(module.name)
    found, todo = set(), [GovukFormMixin]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(
        (f for f in found if issubclass(f, forms.BaseForm) and f.base_fields),
        key=lambda f: f"{f.__module__}.{f.__qualname__}",
    )


FORMS = _every_form_class()


def test_the_walk_finds_the_sites_forms():
    names = {f.__qualname__ for f in FORMS}
    assert {"SignInForm", "RegistrationForm", "OrganisationForm"} <= names
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_no_field_keeps_djangos_wording(form_class):
    for name, declared in form_class.base_fields.items():
        field = copy.deepcopy(declared)
        apply_message_policy(field, name)
        apply_empty_choice_policy(field)
        assert getattr(field, "empty_label", None) != DJANGO_EMPTY_CHOICE, name
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            assert DJANGO_EMPTY_CHOICE not in [str(text) for _, text in field.choices], name
        for code in ("required", "invalid_choice", "max_value", "min_value", "max_length"):
            message = field.error_messages.get(code)
            if message is not None:
                assert str(message) not in DJANGO_WORDING, (
                    f"{form_class.__qualname__}.{name}: {code} says {message!r}"
                )


@pytest.mark.django_db
def test_an_empty_sign_in_names_both_fields_in_the_summary_and_beside_them(client):
    page = client.post("/sign-in/", {"email": "", "password": ""}).content.decode()
    assert "This field is required" not in page
    assert page.count("Enter email address") == 2  # the error summary, and beside the field
    assert page.count("Enter password") == 2
    assert 'href="#id_email"' in page and 'href="#id_password"' in page


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        (forms.DecimalField(label="Score", max_value=5), "7", "Score must be 5 or less"),
        (forms.IntegerField(label="People", min_value=0), "-1", "People must be 0 or more"),
        (forms.IntegerField(label="People"), "1.5", "People must be a whole number"),
        (forms.DecimalField(label="Weight (%)"), "lots", "Weight (%) must be a number"),
        (
            forms.DecimalField(label="Weight (%)", max_value=100),
            "120",
            "Weight (%) must be 100 or less",
        ),
        (forms.ChoiceField(label="Kind", choices=[("a", "A")]), "b", "Select kind from the list"),
        (
            forms.CharField(label="Code", max_length=3),
            "ABCD",
            "Code must be at most 3 characters long",
        ),
        (forms.DateField(label="Review date"), "2020-13-45", "Review date must be a real date"),
        (
            forms.EmailField(label="Email address"),
            "nobody",
            "Enter email address in the correct format, like name@example.com",
        ),
        (forms.BooleanField(label="I confirm"), "", "Tick “I confirm” to go on"),
        (forms.CharField(label="SROI title"), "", "Enter SROI title"),
        (
            forms.IntegerField(label="Kept", error_messages={"required": "Say how many"}),
            "",
            "Say how many",
        ),
    ],
)
def test_each_message_names_its_field(field, value, says):
    class Form(GovukFormMixin, forms.Form):
        pass

    Form.base_fields = {"the_field": field}
    form = Form({"the_field": value} if value else {})
    assert form.errors["the_field"] == [says]


@pytest.mark.django_db
def test_dropdowns_say_what_their_empty_choice_means():
    class Form(GovukFormMixin, forms.Form):
        needed = forms.ModelChoiceField(queryset=Organisation.objects.all(), label="Organisation")
        optional = forms.ModelChoiceField(
            queryset=Organisation.objects.all(), label="Partner", required=False
        )
        kind = forms.ChoiceField(
            label="Kind", choices=[("", DJANGO_EMPTY_CHOICE), ("a", "A")], required=False
        )

    html = str(Form())
    assert DJANGO_EMPTY_CHOICE not in html
    assert '<option value="" selected>Choose one</option>' in html
    assert html.count('<option value="" selected>None</option>') == 2
