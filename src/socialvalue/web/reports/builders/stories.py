"""Case studies in reports: the ones providers have shared, with consent, that fit what was delivered.

A council sees a provider's case study in its reports only when the provider has shared it in its
good-practice library (which needs the consent of the people in it recorded) and the provider
holds one of the council's contracts. The best come first: those tagged with more of the themes
the contracts delivered, then the most recently shared.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from socialvalue.reports import Column, Markdown, Paragraph, Section, Table
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.measures.models import Theme

#: Case studies told in full in a report; the table lists up to TABLE_LIMIT.
IN_FULL = 5
TABLE_LIMIT = 20


def shared_case_studies(*, providers: Any, themes: Any, limit: int = TABLE_LIMIT) -> list[Any]:
    return list(
        CaseStudy.objects.filter(
            organisation__in=providers, shared_at__isnull=False, consent_given_on__isnull=False
        )
        .annotate(matching=Count("themes", filter=Q(themes__in=themes), distinct=True))
        .select_related("organisation")
        .prefetch_related("themes")
        .order_by("-matching", "-shared_at", "-pk")[:limit]
    )


def for_contracts(contracts: Any, lines: Any) -> list[Any]:
    """The best shared case studies of these contracts' providers, for the themes of these lines."""
    providers = contracts.exclude(provider=None).values("provider")
    themes = Theme.objects.filter(
        pk__in=lines.exclude(commitment__measure__theme=None).values("commitment__measure__theme")
    )
    return shared_case_studies(providers=providers, themes=themes)


def section(stories: list[Any], *, empty: str, chapter: bool = False) -> Section:
    """A "Case studies" section: a table of them all, then the best told in full; a `chapter`
    of its own (starting a page) in a report long enough to have chapters."""
    if not stories:
        return Section("Case studies", [Paragraph(empty)], chapter=chapter)
    table = Table(
        "Case studies shared by providers",
        [
            Column("Title"),
            Column("Provider"),
            Column("Team or area"),
            Column("Themes"),
            Column("Consent"),
        ],
        [
            [
                s.title,
                s.organisation.name,
                " · ".join(part for part in (s.team, s.area) if part),
                ", ".join(t.name for t in s.themes.all()),
                "Recorded" + (", anonymised" if s.anonymised else ""),
            ]
            for s in stories
        ],
    )
    told = []
    for s in stories[:IN_FULL]:
        blocks: list[Any] = [Paragraph(f"{s.organisation.name}. {s.summary}")]
        if s.story.strip():
            blocks.append(Markdown(s.story))
        if s.replication_notes.strip():
            blocks.append(Paragraph(f"To repeat this elsewhere: {s.replication_notes}"))
        told.append(Section(s.title, blocks))
    return Section(
        "Case studies",
        [
            Paragraph(
                "Figures show how much; case studies show what it meant to the people concerned. "
                "These are the case studies the providers have shared, with the consent of the "
                "people in them, best matched to the themes delivered first."
            ),
            table,
        ],
        sections=told,
        chapter=chapter,
    )
