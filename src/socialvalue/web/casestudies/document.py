"""A case study as a document (Word and PDF through the report pipeline), to send to a commissioner or a funder."""

from __future__ import annotations

from socialvalue.reports import BulletList, Document, Markdown, Paragraph, Section

from .models import CaseStudy


def case_study_document(case_study: CaseStudy) -> Document:
    where = ", ".join(p for p in (case_study.team, case_study.area) if p)
    tags = [
        *(f"Theme: {t.name}" for t in case_study.themes.all()),
        *(f"Outcome: {o.name}" for o in case_study.outcomes.all()),
        *(f"SDG {g.number}: {g.short_name}" for g in case_study.sdgs.all()),
    ]
    consent = (
        f"Consent given on {case_study.consent_given_on.day} {case_study.consent_given_on:%B %Y}: "
        f"{case_study.consent_note}"
        if case_study.has_consent
        else "Consent not recorded: not for sharing."
    )
    if case_study.anonymised:
        consent += " Names and details that could identify people have been changed or left out."
    sections = [Section("Summary", [Paragraph(case_study.summary)])]
    if case_study.story.strip():
        sections.append(Section("The story", [Markdown(case_study.story)]))
    if case_study.replication_notes.strip():
        sections.append(Section("To repeat this", [Paragraph(case_study.replication_notes)]))
    if tags:
        sections.append(Section("Themes, outcomes and goals", [BulletList(tags)]))
    sections.append(Section("Consent", [Paragraph(consent)]))
    return Document(
        title=case_study.title,
        subtitle=f"Case study{': ' + where if where else ''}",
        organisation=case_study.organisation.name,
        date=case_study.updated_at.date(),
        sections=sections,
        slug=f"case-study-{case_study.pk}",
    )
