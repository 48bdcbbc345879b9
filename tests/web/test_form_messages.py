"""Every form's errors name their field and say what to do, never Django's own wording."""

from __future__ import annotations

import copy
import importlib
import pkgutil
import re
from decimal import Decimal
from types import SimpleNamespace

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


# ---------------------------------------------------------------- every form, bound with bad input
#
# Each form class of the site is built the way its page builds it (with the objects its __init__
# needs, so fields added there are walked too), then bound with nothing at all and with input out
# of range in several ways. Every message it gives must be ours: never Django's wording, and it
# names its field or says what to do.


def _django_templates() -> list[re.Pattern]:
    """Django's wording as patterns (%(limit_value)s matches any value), from its form and model
    field classes and its validators."""
    import django.core.validators as validators
    import django.db.models as model_fields
    import django.forms.fields as form_fields
    import django.forms.models as form_models

    texts: set[str] = set()
    for module in (form_fields, form_models, model_fields):
        for klass in vars(module).values():
            if isinstance(klass, type):
                for base in klass.__mro__:
                    if base.__module__.startswith("django."):
                        texts |= {
                            str(m) for m in base.__dict__.get("default_error_messages", {}).values()
                        }
    for klass in vars(validators).values():
        message = getattr(klass, "message", None)
        if isinstance(klass, type) and message is not None:
            texts.add(str(message))
        if isinstance(klass, type) and isinstance(getattr(klass, "messages", None), dict):
            texts |= {str(message) for message in klass.messages.values()}
    for validator in (validators.validate_slug, validators.validate_unicode_slug):
        texts.add(str(validator.message))
    texts |= {
        "Please correct the duplicate data for %(field)s.",
    }
    patterns = []
    for text in texts - {""}:
        pattern = re.escape(text)
        pattern = re.sub(r"%\\\(\w+\\\)[sdr]", ".+?", pattern)
        patterns.append(re.compile(pattern))
    return patterns


DJANGO_TEMPLATES = _django_templates()
#: Django's plural messages read as "" without their number; each starts with one of these.
DJANGO_PREFIXES = ("Ensure this value has", "Ensure that there are", "Ensure this filename")
#: A message that does not name its field must begin by saying what to do.
INSTRUCTIONS = (
    "Enter", "Select", "Choose", "Tick", "Give", "Add", "Upload", "Write", "Use", "Say", "Pick",
    "Type", "Remove", "Change", "Check", "Leave", "Set", "Keep", "Put", "Shorten", "Make",
    "Either", "Ask", "Answer",
)  # fmt: skip


def _instructs(message: str) -> bool:
    """It says what to do: it, or a clause of it ("That import has expired: upload the file
    again"), begins with an instruction."""
    verbs = "|".join(INSTRUCTIONS)
    return re.search(rf"(^|[:;.] )({verbs})\b", message, re.IGNORECASE) is not None


def _is_djangos(message: str) -> bool:
    return message.startswith(DJANGO_PREFIXES) or any(
        p.fullmatch(message) for p in DJANGO_TEMPLATES
    )


def _names(message: str, label: str, name: str) -> bool:
    """The message holds the field's label (or its name, where it has no label) as words."""
    text = message.casefold()
    label = str(label or "").strip().rstrip(":?").casefold()
    plain = re.sub(r"\s*\([^)]*\)\s*$", "", label)  # "Note (optional)" -> "note"
    candidates = (label, plain) if label else (name.replace("_", " ").casefold(),)
    return any(
        candidate and re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", text)
        for candidate in candidates
    )


def _message_problem(form, field_name: str | None, message: str) -> str | None:
    if not message.strip():
        return "is empty"
    if _is_djangos(message):
        return "is Django's own wording"
    if _instructs(message):
        return None
    if field_name is None or field_name not in form.fields:
        labels = [(str(f.label or ""), n) for n, f in form.fields.items()]
        if any(_names(message, label, n) for label, n in labels) or not labels:
            return None
        return "names no field and does not say what to do"
    if _names(message, form.fields[field_name].label, field_name):
        return None
    return "names no field and does not say what to do"


def _bad(field: forms.Field, kind: str):
    """A value of `kind` ("high", "low", "garbage", "fraction") for `field`; None: leave it out."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socialvalue.core.text import LONG_TEXT_MAX

    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("empty.csv", b"") if kind == "garbage" else None
    if isinstance(field, forms.BooleanField):
        return None
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return {"high": ["999999999"], "low": ["-1"], "garbage": ["not-a-choice"]}.get(kind)
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return {"high": "999999999", "low": "-1", "garbage": "not-a-choice"}.get(kind)
    if isinstance(field, forms.IntegerField):  # decimal and float fields too
        top, bottom = field.max_value, field.min_value
        return {
            "high": str(top + 1) if top is not None else "1" + "0" * 15,
            "low": str(bottom - 1) if bottom is not None else "-1" + "0" * 15,
            "garbage": "lots",
            "fraction": "1.123456789",
        }.get(kind)
    if isinstance(field, forms.DateField):
        return {"high": "9999-12-31", "low": "0001-01-01", "garbage": "2020-13-45"}.get(kind)
    if isinstance(field, forms.EmailField):
        return {"high": "a" * 300 + "@example.org", "garbage": "nobody"}.get(kind)
    if isinstance(field, forms.URLField):
        return {"high": "https://example.org/" + "a" * 2000, "garbage": "not a web address"}.get(
            kind
        )
    if isinstance(field, forms.SlugField):
        return {"high": "a" * ((field.max_length or 50) + 1), "garbage": "Not a slug!"}.get(kind)
    if isinstance(field, forms.CharField):
        if kind == "high":
            return "x" * ((field.max_length or LONG_TEXT_MAX) + 1)
        if kind == "low" and field.min_length:
            return "x" * (field.min_length - 1)
        return None
    return {"garbage": "not-a-value"}.get(kind)


ROUNDS = ("empty", "high", "low", "garbage", "fraction")


def _bound(make, kind: str):
    """The form made with the bad values of one round for every field it has once built."""
    from django.utils.datastructures import MultiValueDict

    shape = make(None, None)
    data, files = MultiValueDict(), MultiValueDict()
    if kind != "empty":
        for name, field in shape.fields.items():
            value = _bad(field, kind)
            key = shape.add_prefix(name)
            if value is None:
                continue
            if isinstance(field, forms.FileField):
                files.setlist(key, [value])
            elif isinstance(value, list):
                data.setlist(key, value)
            else:
                data[key] = value
    return make(data, files)


def _walk_problems(label: str, make) -> list[str]:
    problems = []
    for kind in ROUNDS:
        form = _bound(make, kind)
        form.is_valid()
        for field_name, messages in form.errors.items():
            field = None if field_name == forms.forms.NON_FIELD_ERRORS else field_name
            for message in messages:
                if problem := _message_problem(form, field, str(message)):
                    problems.append(f"{label} [{kind}] {field_name}: {message!r} {problem}")
    return problems


def _site_form_classes() -> set[str]:
    """Every form class defined under socialvalue.web, found by importing all its modules."""
    skip = ("migrations", "settings", "wsgi", "static")
    for module in pkgutil.walk_packages(socialvalue.web.__path__, "socialvalue.web."):
        if not any(part.startswith(skip) for part in module.name.split(".")):
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {
        f"{f.__module__}.{f.__qualname__}"
        for f in found
        if f.__module__.startswith("socialvalue.web.")
        and f.__module__ != "django.forms.models"  # the classes modelform_factory makes
    }


def _class(path: str) -> type:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.fixture
def setting(demo_world):
    """A provider (Alice Care), a council with a charter, a draft procurement with a bid, a
    statement and the people acting for each: what the forms' __init__ need."""
    from socialvalue.web.tenancy import Actor
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from tests.web.commissioning import factories as commissioning
    from tests.web.statements.factories import drafted_statement

    council = OrganisationFactory(name="Riverside Council", slug="riverside-council")
    commissioning.charter(council)
    buyer = UserFactory(email="buyer@example.org")
    MembershipFactory(user=buyer, organisation=council, role="admin")
    procurement = commissioning.procurement(council)
    return SimpleNamespace(
        world=demo_world,
        provider=demo_world.alice_org,
        council=council,
        actor=Actor.for_user(demo_world.admin),
        buyer=Actor.for_user(buyer),
        procurement=procurement,
        bid=commissioning.bid(procurement, "Carewell", 900_000),
        statement=drafted_statement(demo_world.alice_org),
    )


def _line(verification: str):
    return SimpleNamespace(
        pk=7,
        commitment=SimpleNamespace(title="Local jobs", unit="jobs"),
        reported_quantity=None,
        provider_note="",
        verification=verification,
        response="",
        reason="Which jobs?",
    )


def _question():
    from socialvalue.web.surveys.models import Question

    return Question(key="life", text="How satisfied are you with your life?", minimum=0, maximum=10)


def _report_forms(s):
    from socialvalue.web.reports import registry

    for report in registry.all_reports():
        for organisation, actor in ((s.provider, s.actor), (s.council, s.buyer)):
            if report.is_available_to(organisation):
                yield (
                    f"{report.name}, {organisation.kind}",
                    {
                        "report": report,
                        "actor": actor,
                        "organisation": organisation,
                    },
                )


def _statement_section_forms(s):
    from socialvalue.web.statements import forms as statement_forms
    from socialvalue.web.statements.services import SECTIONS

    for section in SECTIONS:
        if section.fields:
            yield (
                section.key,
                lambda data, files, section=section: statement_forms.section_form(
                    section, s.statement, data
                ),
            )
    yield "all", lambda data, files: statement_forms.draft_form(s.statement, data)


def _kwargs(s) -> dict[str, object]:
    """For each form class, what its page passes its __init__ (a list: several ways it is built)."""
    from socialvalue.web.audit.models import AuditEvent
    from socialvalue.web.commissioning.models import AwardDecision, Bid, Priority
    from socialvalue.web.contracts.models import LineReview, ReportingFrequency
    from socialvalue.web.measures.models import Measure, SdgGoal, ValueSet
    from socialvalue.web.planning.models import Activity
    from socialvalue.web.tenancy import visible

    survey = SimpleNamespace(
        activities=SimpleNamespace(all=Activity.objects.none), organisation=s.provider
    )
    web = "socialvalue.web."
    return {
        web + "accounts.forms.AcceptInvitationForm": {},
        web + "accounts.forms.InviteForm": {},
        web + "accounts.forms.MemberForm": {},
        web + "accounts.forms.NewPasswordForm": {"user": s.world.viewer},
        web + "accounts.forms.OrganisationForm": {},
        web + "accounts.forms.PublicLinkPasswordResetForm": {},
        web + "accounts.forms.RegistrationForm": [
            {"kinds": ["provider", "commissioner"]},
            {"kinds": ["provider"], "signed_in": True},
        ],
        web + "accounts.forms.SignInForm": {},
        web + "accounts.forms.TokenForm": {},
        web + "analyses.forms.InputRow": {},
        web + "analyses.forms.MarkedErrorsForm": {},
        web + "analyses.forms.OutcomeForm": {
            "stakeholders": ["Residents"],
            "measures": visible(Measure, s.actor),
        },
        web + "analyses.forms.OutcomeRow": {},
        web + "analyses.forms.RowForm": {},
        web + "analyses.forms.SettingsForm": [{"creating": True}, {}],
        web + "analyses.forms.StakeholderRow": {},
        web + "analyses.forms.UploadForm": {},
        web + "audit.forms.TrailFilterForm": {
            "events": AuditEvent.objects.all(),
            "people": {s.world.admin.pk: "Alice"},
        },
        web + "casestudies.forms.AttachForm": {},
        web + "casestudies.forms.CaseStudyForm": [
            {"actor": s.actor, "with_files": True},
            {"actor": s.actor},
        ],
        web + "casestudies.forms.LibraryForm": {"actor": s.actor},
        web + "commissioning.forms.AnswerForm": {},
        web + "commissioning.forms.AwardForm": {
            "bids": Bid.objects.filter(procurement=s.procurement),
            "standstills": AwardDecision.Standstill.choices,
        },
        web + "commissioning.forms.BidForm": [
            {"providers": visible(Bid, s.buyer).none() and None},
            {"providers": type(s.provider).objects.filter(kind="provider")},
        ],
        web + "commissioning.forms.CharterForm": {},
        web + "commissioning.forms.CommitmentForm": {
            "actor": s.buyer,
            "procurement": s.procurement,
        },
        web + "commissioning.forms.CriterionForm": [
            {"procurement": s.procurement},
            {"procurement": s.procurement, "instance": s.procurement.criteria.first()},
        ],
        web + "commissioning.forms.EnterContractForm": {"frequencies": ReportingFrequency.choices},
        web + "commissioning.forms.OutcomeForm": {"actor": s.buyer, "procurement": s.procurement},
        web + "commissioning.forms.OutcomeValuationForm": {},
        web + "commissioning.forms.PriorityForm": [
            {"actor": s.buyer},
            {"actor": s.buyer, "instance": Priority.objects.filter(organisation=s.council).first()},
        ],
        web + "commissioning.forms.ProcurementForm": [{}, {"instance": s.procurement}],
        web + "commissioning.forms.QuestionForm": {},
        web + "commissioning.forms.ScoresForm": [
            {"criteria": [("q1", "Person-centred care")], "max_score": Decimal(5)},
            {
                "criteria": [("q1", "Person-centred care")],
                "max_score": Decimal(5),
                "with_comments": "",
            },
        ],
        web + "commissioning.forms.TenderImportForm": {},
        web + "commissioning.forms.WithdrawAwardForm": {},
        web + "contracts.forms.CommitmentForm": {
            "measures": visible(Measure, s.buyer),
            "priorities": Priority.objects.filter(organisation=s.council),
        },
        web + "contracts.forms.ContractForm": {"commissioner": s.council},
        web + "contracts.forms.LineMessageForm": {},
        web + "contracts.forms.PortfolioForm": {"years": [2025, 2026]},
        web + "contracts.forms.ResubmitLineForm": {},
        web + "contracts.forms.ReturnForm": [
            {"lines": [_line(LineReview.PENDING)]},
            {"lines": [_line(LineReview.QUERIED)]},
        ],
        web + "contracts.forms.VerificationForm": {"lines": [_line(LineReview.PENDING)]},
        web + "dashboard.forms.ScopeForm": {"organisation": s.provider},
        web + "evidence.forms.AttachForm": {},
        web + "evidence.forms.ConfirmImportForm": {},
        web + "evidence.forms.DecisionForm": {},
        web + "evidence.forms.EvidenceForm": [
            {"organisation": s.provider, "actor": s.actor, "with_files": True},
            {"organisation": s.provider, "actor": s.actor},
        ],
        web + "evidence.forms.EvidenceMessageForm": {},
        web + "evidence.forms.FilterForm": {"actor": s.actor},
        web + "evidence.forms.ImportForm": {},
        web + "evidence.forms.RejectForm": {},
        web + "measures.forms.ConfirmImportForm": {},
        web + "measures.forms.ImportForm": [{}, {"allow_site_wide": True}],
        web + "measures.forms.SearchForm": {
            "value_sets": ValueSet.objects.all(),
            "themes": ["Jobs"],
            "goals": SdgGoal.objects.all(),
        },
        web + "notifications.forms.PreferencesForm": {},
        web + "search.forms.SearchForm": {},
        web + "planning.forms.ActivityFilterForm": {"organisation": s.provider},
        web + "planning.forms.ActivityForm": {
            "organisation": s.provider,
            "instance": Activity(organisation=s.provider),
        },
        web + "planning.forms.ObjectiveForm": {},
        web + "reports.forms.RunReportForm": dict(_report_forms(s)),
        web + "statements.forms.CommitmentForm": {"organisation": s.provider},
        web + "statements.forms.NewStatementForm": {},
        web + "statements.forms.PublishForm": {},
        web + "statements.forms.SharingForm": {},
        web + "statements.forms.StatementFormBase": dict(_statement_section_forms(s)),
        web + "surveys.forms.AnswerForm": [
            {"questions": [_question()]},
            {"questions": [_question()], "easy_read": True},
            {"questions": [_question()], "staff": True, "organisation": s.provider},
        ],
        web + "surveys.forms.EvidenceForm": {"survey": survey},
        web + "surveys.forms.ImportForm": {},
        web + "surveys.forms.SurveyForm": {"organisation": s.provider},
        **_engagement_kwargs(s),
    }


def _engagement_kwargs(s) -> dict[str, object]:
    import datetime as dt

    from socialvalue.web.accounts.models import Organisation
    from socialvalue.web.commissioning.models import Priority
    from socialvalue.web.engagements.models import Engagement
    from socialvalue.web.engagements.models import Question as EngagementQuestion

    web = "socialvalue.web.engagements.forms."
    later = dt.date(2099, 1, 1)
    consultation = Engagement.objects.create(
        organisation=s.council,
        kind=Engagement.Kind.PRIORITIES,
        title="Our priorities",
        purpose="Rank them.",
        closes_on=later,
    )
    consultation.priorities.set(Priority.objects.filter(organisation=s.council))
    market = Engagement.objects.create(
        organisation=s.council,
        kind=Engagement.Kind.MARKET,
        title="Homecare",
        purpose="Tell us.",
        closes_on=later,
    )
    EngagementQuestion.objects.create(
        engagement=market, text="What could you offer?", required=True
    )
    EngagementQuestion.objects.create(
        engagement=market,
        text="Would you bid?",
        kind=EngagementQuestion.Kind.CHOICE,
        choices=["Yes", "No"],
        required=True,
    )
    return {
        web + "PipelineForm": {"organisation": s.council},
        web + "EngagementForm": [
            {"organisation": s.council},
            {"organisation": s.council, "engagement": market},
        ],
        web + "QuestionForm": {},
        web + "EventForm": {},
        web + "ResponseForm": [{"engagement": consultation}, {"engagement": market}],
        web + "PublicAnswerForm": [
            {"engagement": consultation},
            {"engagement": consultation, "easy_read": True},
        ],
        web + "RegisterForm": {},
        web + "SummaryForm": {},
        web + "LinkOutcomeForm": {"organisation": s.council},
        web + "ProposalForm": {
            "councils": Organisation.objects.filter(pk=s.council.pk),
            "actor": s.actor,
        },
        web + "DecisionForm": {"council": s.council},
    }


#: Form classes the walk leaves out, and why.
NOT_WALKED = {
    "socialvalue.web.forms.GovukForm": "the base of the site's forms, with no fields",
    "socialvalue.web.forms.GovukModelForm": "the base of the site's model forms, with no fields",
    "socialvalue.web.accounts.admin.OrganisationForm": "Django's admin, for the site's staff",
    "socialvalue.web.accounts.admin.UserCreationForm": "Django's admin, for the site's staff",
}

#: The forms the walk covers: each form class, and each way its page builds it.
WALKED = [
    "socialvalue.web.accounts.forms.AcceptInvitationForm",
    "socialvalue.web.accounts.forms.InviteForm",
    "socialvalue.web.accounts.forms.MemberForm",
    "socialvalue.web.accounts.forms.NewPasswordForm",
    "socialvalue.web.accounts.forms.OrganisationForm",
    "socialvalue.web.accounts.forms.PublicLinkPasswordResetForm",
    "socialvalue.web.accounts.forms.RegistrationForm",
    "socialvalue.web.accounts.forms.SignInForm",
    "socialvalue.web.accounts.forms.TokenForm",
    "socialvalue.web.analyses.forms.InputRow",
    "socialvalue.web.analyses.forms.MarkedErrorsForm",
    "socialvalue.web.analyses.forms.OutcomeForm",
    "socialvalue.web.analyses.forms.OutcomeRow",
    "socialvalue.web.analyses.forms.RowForm",
    "socialvalue.web.analyses.forms.SettingsForm",
    "socialvalue.web.analyses.forms.StakeholderRow",
    "socialvalue.web.analyses.forms.UploadForm",
    "socialvalue.web.audit.forms.TrailFilterForm",
    "socialvalue.web.casestudies.forms.AttachForm",
    "socialvalue.web.casestudies.forms.CaseStudyForm",
    "socialvalue.web.casestudies.forms.LibraryForm",
    "socialvalue.web.commissioning.forms.AnswerForm",
    "socialvalue.web.commissioning.forms.AwardForm",
    "socialvalue.web.commissioning.forms.BidForm",
    "socialvalue.web.commissioning.forms.CharterForm",
    "socialvalue.web.commissioning.forms.CommitmentForm",
    "socialvalue.web.commissioning.forms.CriterionForm",
    "socialvalue.web.commissioning.forms.EnterContractForm",
    "socialvalue.web.commissioning.forms.OutcomeForm",
    "socialvalue.web.commissioning.forms.OutcomeValuationForm",
    "socialvalue.web.commissioning.forms.PriorityForm",
    "socialvalue.web.commissioning.forms.ProcurementForm",
    "socialvalue.web.commissioning.forms.QuestionForm",
    "socialvalue.web.commissioning.forms.ScoresForm",
    "socialvalue.web.commissioning.forms.TenderImportForm",
    "socialvalue.web.commissioning.forms.WithdrawAwardForm",
    "socialvalue.web.contracts.forms.CommitmentForm",
    "socialvalue.web.contracts.forms.ContractForm",
    "socialvalue.web.contracts.forms.LineMessageForm",
    "socialvalue.web.contracts.forms.PortfolioForm",
    "socialvalue.web.contracts.forms.ResubmitLineForm",
    "socialvalue.web.contracts.forms.ReturnForm",
    "socialvalue.web.contracts.forms.VerificationForm",
    "socialvalue.web.dashboard.forms.ScopeForm",
    "socialvalue.web.evidence.forms.AttachForm",
    "socialvalue.web.evidence.forms.ConfirmImportForm",
    "socialvalue.web.evidence.forms.DecisionForm",
    "socialvalue.web.evidence.forms.EvidenceForm",
    "socialvalue.web.evidence.forms.EvidenceMessageForm",
    "socialvalue.web.evidence.forms.FilterForm",
    "socialvalue.web.evidence.forms.ImportForm",
    "socialvalue.web.evidence.forms.RejectForm",
    "socialvalue.web.measures.forms.ConfirmImportForm",
    "socialvalue.web.measures.forms.ImportForm",
    "socialvalue.web.measures.forms.SearchForm",
    "socialvalue.web.notifications.forms.PreferencesForm",
    "socialvalue.web.planning.forms.ActivityFilterForm",
    "socialvalue.web.planning.forms.ActivityForm",
    "socialvalue.web.planning.forms.ObjectiveForm",
    "socialvalue.web.reports.forms.RunReportForm",
    "socialvalue.web.search.forms.SearchForm",
    "socialvalue.web.statements.forms.CommitmentForm",
    "socialvalue.web.statements.forms.NewStatementForm",
    "socialvalue.web.statements.forms.PublishForm",
    "socialvalue.web.statements.forms.SharingForm",
    "socialvalue.web.statements.forms.StatementFormBase",
    "socialvalue.web.engagements.forms.DecisionForm",
    "socialvalue.web.engagements.forms.EngagementForm",
    "socialvalue.web.engagements.forms.EventForm",
    "socialvalue.web.engagements.forms.LinkOutcomeForm",
    "socialvalue.web.engagements.forms.PipelineForm",
    "socialvalue.web.engagements.forms.ProposalForm",
    "socialvalue.web.engagements.forms.PublicAnswerForm",
    "socialvalue.web.engagements.forms.QuestionForm",
    "socialvalue.web.engagements.forms.RegisterForm",
    "socialvalue.web.engagements.forms.ResponseForm",
    "socialvalue.web.engagements.forms.SummaryForm",
    "socialvalue.web.surveys.forms.AnswerForm",
    "socialvalue.web.surveys.forms.EvidenceForm",
    "socialvalue.web.surveys.forms.ImportForm",
    "socialvalue.web.surveys.forms.SurveyForm",
]


def test_every_form_class_of_the_site_is_walked():
    found = _site_form_classes()
    missing = sorted(found - set(WALKED) - set(NOT_WALKED))
    assert not missing, f"Add these forms to WALKED (and _kwargs) or NOT_WALKED: {missing}"
    gone = sorted((set(WALKED) | set(NOT_WALKED)) - found)
    assert not gone, f"These forms no longer exist: {gone}"


def _makers(path: str, setting) -> list[tuple[str, object]]:
    """(label, make(data, files) -> form) for each way the page builds the form."""
    spec = _kwargs(setting)[path]
    cls = _class(path)
    if isinstance(spec, dict) and spec and all(callable(v) for v in spec.values()):
        return list(spec.items())  # forms made by a function (the statement's sections)
    if isinstance(spec, dict) and spec and all(isinstance(v, dict) for v in spec.values()):
        variants = list(spec.items())
    elif isinstance(spec, list):
        variants = [(str(n), kwargs) for n, kwargs in enumerate(spec)]
    else:
        variants = [("", spec)]
    return [
        (label, lambda data, files, kwargs=kwargs: cls(data=data, files=files, **kwargs))
        for label, kwargs in variants
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", WALKED, ids=lambda p: p.removeprefix("socialvalue.web."))
def test_every_form_names_the_field_for_empty_and_out_of_range_input(setting, path):
    problems = []
    makers = _makers(path, setting)
    assert makers, path
    for label, make in makers:
        problems += _walk_problems(f"{path.rsplit('.', 1)[-1]}{label and f' ({label})'}", make)
    assert not problems, "\n".join(problems)


def test_the_walk_catches_djangos_wording_and_messages_that_name_nothing():
    class Plain(forms.Form):  # no policy: Django's wording throughout
        amount = forms.IntegerField(label="Amount", max_value=5)
        note = forms.CharField(label="Note", error_messages={"required": "Wrong."})

    problems = _walk_problems("Plain", lambda data, files: Plain(data=data, files=files))
    assert "Plain [empty] amount: 'This field is required.' is Django's own wording" in problems
    assert (
        "Plain [high] amount: 'Ensure this value is less than or equal to 5.' is Django's own wording"
        in problems
    )
    assert "Plain [empty] note: 'Wrong.' names no field and does not say what to do" in problems


def test_a_message_names_its_field_as_words():
    assert _names("Select team from the list", "Team", "team")
    assert _names("Enter note", "Note (optional)", "note")
    assert not _names("Enter a reset code", "Set", "set")  # "set" inside "reset" is not the field
