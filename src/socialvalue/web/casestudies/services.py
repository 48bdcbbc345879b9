"""Rules for case studies: writing and sharing them (consent first), the story as safe HTML, and the library's search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from socialvalue.web.measures.models import Outcome, SdgGoal, Theme, ValueSet
from socialvalue.web.planning.models import Activity
from socialvalue.web.planning.services import set_preference
from socialvalue.web.tenancy import Actor, visible

from .models import CaseStudy, CaseStudyFile

# ---------------------------------------------------------------- the story as HTML

STORY_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "hr",
}  # fmt: skip
#: GOV.UK classes added after cleaning, so the story looks like the rest of the page.
_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def story_html(text: str) -> SafeString:
    """Markdown rendered, then cleaned to a short list of tags: no scripts, styles, images or raw HTML survive."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    # The page has its own h1: the story's top headings become h2, the rest follow without gaps.
    levels = sorted({int(level) for _, level in _HEADING.findall(html)})
    new_level = {level: min(position + 2, 4) for position, level in enumerate(levels)}
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{new_level[int(m.group(2))]}", html)
    clean = nh3.clean(
        html,
        tags=STORY_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    for tag, css in _CLASSES.items():
        clean = re.sub(rf"<{tag}(?=[\s>/])", f'<{tag} class="{css}"', clean)
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above; only fixed classes were added


# ---------------------------------------------------------------- writing and sharing

CONSENT_NEEDED = (
    "Record the consent of the people in the story (when it was given, and how it is recorded) "
    "before sharing it."
)


def _check(case_study: CaseStudy) -> None:
    problems: dict[str, list[str]] = {}
    if not case_study.title.strip():
        problems["title"] = ["Enter a title."]
    if not case_study.summary.strip():
        problems["summary"] = ["Enter a summary: who, what changed and why it matters."]
    if case_study.consent_given_on and case_study.consent_given_on > timezone.localdate():
        problems["consent_given_on"] = ["Consent cannot have been given in the future."]
    if case_study.consent_given_on and not case_study.consent_note.strip():
        problems["consent_note"] = ["Say how consent was given and where the record of it is kept."]
    if case_study.is_shared and not case_study.has_consent:
        problems["consent_given_on"] = [CONSENT_NEEDED]
    if problems:
        raise ValidationError(problems)


def _tags_within(organisation: Any, *, outcomes=None, themes=None) -> None:
    """Outcomes and themes must come from value sets the organisation can see."""
    actor = Actor(user=None, memberships={organisation.id: None})
    set_ids = set(visible(ValueSet, actor).values_list("id", flat=True))
    problems = {}
    if outcomes is not None and any(o.value_set_id not in set_ids for o in outcomes):
        problems["outcomes"] = ["Choose outcomes from value sets your organisation can use."]
    if themes is not None and any(t.value_set_id not in set_ids for t in themes):
        problems["themes"] = ["Choose themes from value sets your organisation can use."]
    if problems:
        raise ValidationError(problems)


TEXT_FIELDS = (
    "title",
    "summary",
    "story",
    "team",
    "area",
    "replication_notes",
    "anonymised",
    "consent_given_on",
    "consent_note",
)


@transaction.atomic
def save_case_study(
    case_study: CaseStudy,
    *,
    by: Any,
    outcomes: Any = None,
    themes: Any = None,
    sdgs: Any = None,
    **fields: Any,
) -> CaseStudy:
    """Create or change a case study; tags given replace the old ones. Raises ValidationError naming each field."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError({name: ["This cannot be changed here."] for name in sorted(unknown)})
    had_consent = case_study.has_consent
    for name, value in fields.items():
        setattr(case_study, name, value.strip() if isinstance(value, str) else value)
    if case_study.has_consent and (not had_consent or "consent_note" in fields):
        case_study.consent_recorded_by = by
    if not case_study.has_consent:
        case_study.consent_recorded_by = None
    _check(case_study)
    _tags_within(case_study.organisation, outcomes=outcomes, themes=themes)
    if case_study.pk is None:
        case_study.created_by = by
    case_study.updated_at = timezone.now()
    case_study.save()
    if outcomes is not None:
        case_study.outcomes.set(outcomes)
    if themes is not None:
        case_study.themes.set(themes)
    if sdgs is not None:
        case_study.sdgs.set(sdgs)
    return case_study


@transaction.atomic
def share(case_study: CaseStudy, *, by: Any) -> CaseStudy:
    """Put the case study in the library; refused without recorded consent."""
    if not case_study.has_consent:
        raise ValidationError({"consent_given_on": [CONSENT_NEEDED]})
    if not case_study.is_shared:
        case_study.shared_at = timezone.now()
        case_study.shared_by = by
        case_study.save()
    return case_study


@transaction.atomic
def unshare(case_study: CaseStudy) -> CaseStudy:
    case_study.shared_at = None
    case_study.shared_by = None
    case_study.save()
    return case_study


@transaction.atomic
def attach_files(
    case_study: CaseStudy, uploads: list[Any], *, uploaded_by: Any, caption: str = ""
) -> list[CaseStudyFile]:
    return [
        CaseStudyFile.store(
            upload,
            organisation=case_study.organisation,
            uploaded_by=uploaded_by,
            case_study=case_study,
            caption=caption.strip()[:300],
        )
        for upload in uploads
    ]


# ---------------------------------------------------------------- the library


@dataclass(frozen=True)
class Filters:
    search: str = ""
    theme: str = ""
    sdg: int | None = None
    team: str = ""
    area: str = ""
    #: "shared" (the library), "draft", or "" for both.
    status: str = "shared"

    @property
    def any(self) -> bool:
        return bool(self.search or self.theme or self.sdg or self.team or self.area)


#: Endings taken off a search word so "volunteering" finds "volunteers" (SQLite has no stemmer).
_SUFFIXES = ("ing", "ers", "ed", "es", "er", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _text_search(case_studies: QuerySet[CaseStudy], text: str) -> QuerySet[CaseStudy]:
    words = [w for w in re.findall(r"\w+", text.lower()) if w]
    if not words:
        return case_studies.order_by("-updated_at", "-id")
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("story", "replication_notes", weight="C", config="english")
            + SearchVector("team", "area", weight="D", config="english")
        )
        query = SearchQuery(" ".join(words), search_type="plain", config="english")
        return (
            case_studies.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-updated_at", "-id")
        )
    for word in words:
        case_studies = case_studies.filter(search_text__contains=_stem(word))
    title_hit = Q()
    for word in words:
        title_hit &= Q(title__icontains=_stem(word))
    return case_studies.annotate(
        rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-rank", "-updated_at", "-id")


def search_case_studies(actor: Actor, filters: Filters | None = None) -> QuerySet[CaseStudy]:
    """Case studies of the actor's organisation matching every filter; the best matches first."""
    filters = filters or Filters()
    case_studies = visible(CaseStudy, actor)
    if filters.status == "shared":
        case_studies = case_studies.filter(shared_at__isnull=False)
    elif filters.status == "draft":
        case_studies = case_studies.filter(shared_at__isnull=True)
    if filters.theme:
        case_studies = case_studies.filter(themes__name__iexact=filters.theme.strip())
    if filters.sdg:
        case_studies = case_studies.filter(sdgs__number=filters.sdg)
    if filters.team:
        case_studies = case_studies.filter(team__iexact=filters.team.strip())
    if filters.area:
        case_studies = case_studies.filter(area__iexact=filters.area.strip())
    if filters.theme or filters.sdg:
        case_studies = case_studies.distinct()
    return _text_search(case_studies, filters.search)


@dataclass(frozen=True)
class Choices:
    themes: list[str]
    teams: list[str]
    areas: list[str]


def library_choices(actor: Actor) -> Choices:
    """Themes, teams and areas the organisation's case studies and activities use, for the filters."""
    case_studies = visible(CaseStudy, actor)
    activities = visible(Activity, actor)
    themes = Theme.objects.filter(case_studies__in=case_studies).values_list("name", flat=True)
    teams = {
        *case_studies.values_list("team", flat=True),
        *activities.values_list("team", flat=True),
    }
    areas = {
        *case_studies.values_list("area", flat=True),
        *activities.values_list("area", flat=True),
    }
    return Choices(
        themes=sorted(set(themes), key=str.casefold),
        teams=sorted((t for t in teams if t), key=str.casefold),
        areas=sorted((a for a in areas if a), key=str.casefold),
    )


def tag_choices(actor: Actor) -> tuple[QuerySet[Theme], QuerySet[Outcome], QuerySet[SdgGoal]]:
    """Themes and outcomes from the value sets the actor can use, and the 17 goals.

    Grouped by value set: the organisation's own first, then the starter set, then the rest,
    the newer edition of a framework before the older (a superseded edition's "COVID-19
    recovery" should not lead the list); in each set, the set's own order."""
    sets = visible(ValueSet, actor)
    themes = Theme.objects.filter(value_set__in=sets).select_related("value_set")
    outcomes = Outcome.objects.filter(value_set__in=sets).select_related("value_set")
    order = ("preference", "value_set__name", "-value_set_id", "position")
    return (
        themes.annotate(preference=set_preference("value_set__")).order_by(*order),
        outcomes.annotate(preference=set_preference("value_set__")).order_by(*order),
        SdgGoal.objects.order_by("number"),
    )
