"""The form that asks for a report's parameters: one select per parameter, errors beside each."""

from __future__ import annotations

from typing import Any

from django import forms

from socialvalue.web.forms import GovukForm

from .registry import ReportType, in_sentence


class RunReportForm(GovukForm):
    def __init__(
        self, *args: Any, report: ReportType, actor: Any, organisation: Any, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.report = report
        for parameter in report.parameters:
            choices = list(parameter.choices(actor, organisation))
            if not parameter.required or len(choices) != 1:
                choices = [("", "Choose…" if parameter.required else "All")] + choices
            field = forms.ChoiceField(
                label=parameter.label,
                choices=choices,
                required=parameter.required,
                help_text=parameter.hint,
                error_messages={
                    "required": f"Choose the {in_sentence(parameter.label)}",
                    "invalid_choice": f"Choose one of the {in_sentence(parameter.label)} options",
                },
            )
            if parameter.initial is not None and parameter.name not in self.initial:
                field.initial = parameter.initial(actor, organisation)
            field.widget.attrs["class"] = "govuk-select"
            self.fields[parameter.name] = field
        # GovukFormMixin ran before the fields existed; the selects got their class above.
