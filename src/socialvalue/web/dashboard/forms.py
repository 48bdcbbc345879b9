"""The dashboard's choice of team and area."""

from __future__ import annotations

from typing import Any

from django import forms

from socialvalue.web.forms import GovukForm
from socialvalue.web.planning import services as planning

from .services import Scope


class ScopeForm(GovukForm):
    team = forms.ChoiceField(label="Team", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Every team")] + [
            (t, t) for t in planning.team_names(organisation)
        ]
        self.fields["area"].choices = [("", "Every area")] + [
            (a, a) for a in planning.area_names(organisation)
        ]

    @property
    def scope(self) -> Scope:
        data = self.cleaned_data if self.is_valid() else {}
        return Scope(team=data.get("team") or "", area=data.get("area") or "")
