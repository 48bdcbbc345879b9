"""Forms for writing a case study and searching the good-practice library."""

from __future__ import annotations

from typing import Any

from django import forms

from socialvalue.web.files.forms import UploadField
from socialvalue.web.forms import GovukForm
from socialvalue.web.tenancy import Actor

from . import services


class LibraryForm(GovukForm):
    q = forms.CharField(
        label="Search the library",
        required=False,
        max_length=200,
        help_text="Words in the title, summary, story or replication notes.",
    )
    theme = forms.ChoiceField(label="Theme", required=False)
    sdg = forms.TypedChoiceField(
        label="Sustainable Development Goal", required=False, coerce=int, empty_value=None
    )
    team = forms.ChoiceField(label="Team", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    status = forms.ChoiceField(
        label="Show",
        required=False,
        error_messages={"invalid_choice": "Choose which case studies to show from the list."},
        choices=[("shared", "Shared in the library"), ("draft", "Drafts"), ("all", "Both")],
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = services.library_choices(actor)
        _, _, goals = services.tag_choices(actor)
        self.fields["theme"].choices = [("", "Any theme"), *((t, t) for t in choices.themes)]
        self.fields["sdg"].choices = [("", "Any goal"), *((g.number, str(g)) for g in goals)]
        self.fields["team"].choices = [("", "Any team"), *((t, t) for t in choices.teams)]
        self.fields["area"].choices = [("", "Any area"), *((a, a) for a in choices.areas)]

    def filters(self) -> services.Filters:
        if not self.is_valid():
            return services.Filters()
        data = self.cleaned_data
        status = data.get("status") or "shared"
        return services.Filters(
            search=data.get("q") or "",
            theme=data.get("theme") or "",
            sdg=data.get("sdg"),
            team=data.get("team") or "",
            area=data.get("area") or "",
            status="" if status == "all" else status,
        )


class GroupedChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes in one group per value set (framework) the theme or outcome comes from, in the
    queryset's order: the page shows each group as a fieldset whose legend names the framework."""

    widget = forms.CheckboxSelectMultiple

    def groups(self, bound: forms.BoundField) -> list[tuple[str, list]]:
        sets = {obj.pk: obj.value_set for obj in self.queryset}
        grouped: dict[Any, list] = {}
        for option in bound:
            value_set = sets.get(int(str(option.data["value"])))
            grouped.setdefault(value_set, []).append(option)
        return [
            (f"{value_set.name}: {value_set.version}" if value_set else "Other", options)
            for value_set, options in grouped.items()
        ]


class CaseStudyForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Two or three sentences: who, what changed, and why it matters.",
    )
    story = forms.CharField(
        label="Story",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Write it as you would tell it. Markdown works: ## for a heading, * for a list, **bold**, [a link](https://…).",
    )
    team = forms.CharField(label="Team", max_length=200, required=False)
    area = forms.CharField(label="Area", max_length=200, required=False)
    themes = GroupedChoiceField(label="Themes", required=False, queryset=None)
    outcomes = GroupedChoiceField(label="Outcomes", required=False, queryset=None)
    sdgs = forms.ModelMultipleChoiceField(
        label="Sustainable Development Goals",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    replication_notes = forms.CharField(
        label="What another team would need to repeat this",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="People, time, money, partners, and what you would do differently.",
    )
    anonymised = forms.BooleanField(
        label="The story is anonymised",
        required=False,
        help_text="Names and details that could identify people have been changed or left out.",
    )
    consent_given_on = forms.DateField(
        label="Date consent was given",
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input--width-10"}, format="%Y-%m-%d"
        ),
        help_text="Leave empty until the people in the story have agreed to it being shared.",
    )
    consent_note = forms.CharField(
        label="How consent was given and where it is recorded",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: signed consent form, kept in the Day services file.",
    )

    def __init__(self, *args: Any, actor: Actor, with_files: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        themes, outcomes, goals = services.tag_choices(actor)
        self.fields["themes"].queryset = themes
        self.fields["outcomes"].queryset = outcomes
        self.fields["sdgs"].queryset = goals
        choices = services.library_choices(actor)
        self.suggestions = {"team": choices.teams, "area": choices.areas}
        for name in ("team", "area"):
            self.fields[name].widget.attrs["list"] = f"{name}-suggestions"
        if with_files:
            self.fields["files"] = UploadField(
                label="Images and files (optional)", required=False, multiple=True
            )
            self.fields["caption"] = forms.CharField(
                label="What the images show (optional)",
                required=False,
                max_length=300,
                help_text="Read aloud to people who cannot see them.",
            )
        # Widgets of fields added after the mixin styled the form get their class here.
        for name in ("files", "caption"):
            if name in self.fields:
                css = "govuk-file-upload" if name == "files" else "govuk-input"
                self.fields[name].widget.attrs.setdefault("class", css)

    def theme_groups(self) -> list[tuple[str, list]]:
        return self.fields["themes"].groups(self["themes"])

    def outcome_groups(self) -> list[tuple[str, list]]:
        return self.fields["outcomes"].groups(self["outcomes"])

    def case_study_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.TEXT_FIELDS} | {
            name: data.get(name) for name in ("themes", "outcomes", "sdgs")
        }


class AttachForm(GovukForm):
    files = UploadField(
        label="Add images or files",
        multiple=True,
        error_messages={
            "required": "Select the images or files to add.",
            "empty": "A file you chose is empty: choose the images or files again.",
        },
    )
    caption = forms.CharField(
        label="What the images show (optional)",
        required=False,
        max_length=300,
        help_text="Read aloud to people who cannot see them.",
    )
