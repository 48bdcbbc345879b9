"""Rules for statements: the sections, what a draft says, publishing versions, what changed, and the document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from socialvalue.reports import (
    BulletList,
    Column,
    Document,
    KeyFigure,
    Markdown,
    Paragraph,
    Section,
    Table,
)
from socialvalue.web.accounts.models import Membership
from socialvalue.web.tenancy import Actor, visible

from .models import Commitment, Statement, StatementVersion


@dataclass(frozen=True)
class StatementSection:
    """One part of the statement as the builder's task list shows it, with the draft fields it edits."""

    key: str
    title: str
    fields: tuple[str, ...]
    hint: str


SECTIONS = (
    StatementSection(
        "mission",
        "Mission and principles",
        ("mission", "principles"),
        "Why your organisation exists and the principles that guide how it creates social value.",
    ),
    StatementSection(
        "commitments",
        "Commitments",
        (),
        "What you commit to, each linked to the measures that count it, its themes and the SDGs.",
    ),
    StatementSection(
        "csr",
        "Corporate social responsibility policy",
        ("csr_policy_url", "csr_policy_summary"),
        "Where your CSR policy is published and how this statement relates to it.",
    ),
    StatementSection(
        "alignment",
        "Alignment with business-plan objectives",
        ("alignment", "objectives"),
        "Which business-plan objectives your social value work serves, and how.",
    ),
    StatementSection(
        "governance",
        "Governance and champions",
        ("governance",),
        "Who owns social value, how the board oversees it, and your champions.",
    ),
    StatementSection(
        "measurement",
        "How value is measured and reported",
        ("measurement",),
        "The measures and methods you use, how evidence is verified, and who you report to.",
    ),
    StatementSection(
        "sharing",
        "How good practice is shared",
        ("sharing",),
        "How teams and areas learn from each other: case studies, champions' meetings, visits.",
    ),
    StatementSection(
        "review",
        "Title and review date",
        ("title", "review_date"),
        "What the statement is called and when you will next review it.",
    ),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

#: Text fields of a snapshot and how a reader names them.
TEXT_FIELDS = {
    "title": "Title",
    "mission": "Mission",
    "principles": "Principles",
    "csr_policy_url": "Link to the CSR policy",
    "csr_policy_summary": "CSR policy",
    "alignment": "Alignment with business-plan objectives",
    "governance": "Governance",
    "measurement": "How value is measured and reported",
    "sharing": "How good practice is shared",
}


# ---------------------------------------------------------------- finding


def statements_for(actor: Actor) -> QuerySet[Statement]:
    return visible(Statement, actor).prefetch_related("versions").order_by("-created_at", "-id")


def latest_version(statement: Statement) -> StatementVersion | None:
    return statement.versions.order_by("-number").first()


def current_statement(organisation: Any) -> Statement | None:
    """The organisation's statement in force: the one published most recently, else the newest draft."""
    published = (
        Statement.objects.filter(organisation=organisation, versions__isnull=False)
        .annotate(last=Max("versions__published_at"))
        .order_by("-last")
        .first()
    )
    return published or Statement.objects.filter(organisation=organisation).order_by("-id").first()


def champions(organisation: Any) -> list[dict[str, str]]:
    members = (
        Membership.objects.filter(organisation=organisation, champion=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        {"name": m.user.full_name or m.user.email, "role": m.get_role_display()} for m in members
    ]


# ---------------------------------------------------------------- what a draft says


def _commitment_content(commitment: Commitment) -> dict[str, Any]:
    return {
        "title": commitment.title,
        "description": commitment.description,
        "target": commitment.target,
        "measures": [
            {
                "code": m.code,
                "title": m.title,
                "unit": m.unit,
                "value_set": str(m.value_set),
            }
            for m in commitment.measures.select_related("value_set").order_by("code")
        ],
        "themes": sorted({t.name for t in commitment.themes.all()}, key=str.casefold),
        "sdgs": [
            {"number": g.number, "name": g.short_name}
            for g in commitment.sdg_goals.order_by("number")
        ],
    }


def snapshot(statement: Statement) -> dict[str, Any]:
    """Everything the draft says, in plain values: what a published version freezes."""
    content: dict[str, Any] = {name: getattr(statement, name) for name in TEXT_FIELDS}
    content.update(
        {
            "organisation": statement.organisation.name,
            "review_date": statement.review_date.isoformat() if statement.review_date else None,
            "objectives": [
                {"code": o.code, "title": o.title}
                for o in statement.objectives.order_by("position", "code", "title")
            ],
            "champions": champions(statement.organisation),
            "commitments": [
                _commitment_content(c)
                for c in statement.commitments.prefetch_related("themes").order_by("position", "id")
            ],
        }
    )
    return content


def has_unpublished_changes(statement: Statement) -> bool:
    latest = latest_version(statement)
    return latest is None or latest.content != snapshot(statement)


def section_done(statement: Statement, section: StatementSection) -> bool:
    if section.key == "commitments":
        return statement.commitments.exists()
    if section.key == "alignment":
        return bool(statement.alignment.strip()) and statement.objectives.exists()
    if section.key == "review":
        return statement.review_date is not None
    return all(str(getattr(statement, name) or "").strip() for name in section.fields)


def missing_sections(statement: Statement) -> list[StatementSection]:
    return [s for s in SECTIONS if not section_done(statement, s)]


# ---------------------------------------------------------------- changing and publishing


def touch(statement: Statement) -> None:
    statement.updated_at = timezone.now()
    statement.save(update_fields=["updated_at"])


#: What a draft writes in its sections (the title and review date say nothing by themselves).
CONTENT_FIELDS = tuple(name for name in TEXT_FIELDS if name != "title")

UNCHANGED = "Nothing has changed since the latest version was published."


def is_empty(statement: Statement) -> bool:
    """A statement says nothing when it has no commitment, no business-plan objective and no
    section written: only its title and review date."""
    return (
        not statement.commitments.exists()
        and not statement.objectives.exists()
        and not any(str(getattr(statement, name) or "").strip() for name in CONTENT_FIELDS)
    )


def publish_refusals(statement: Statement, content: dict[str, Any] | None = None) -> list[str]:
    """Every reason the draft cannot be published now, all at once (none: it can)."""
    latest = latest_version(statement)
    content = snapshot(statement) if content is None else content
    if latest is not None and latest.content == content:
        return [UNCHANGED]
    if not is_empty(statement):
        return []
    return [
        "It has no commitments: add at least one under “Commitments”.",
        "It serves no business-plan objectives: choose them under “Alignment with "
        "business-plan objectives”.",
        "Every section is empty: write at least one, such as “Mission and principles”.",
    ]


@transaction.atomic
def publish(statement: Statement, *, user: Any = None, note: str = "") -> StatementVersion:
    """Freeze the draft as the next numbered version; refused (every reason at once) when it says
    nothing, or nothing new since the latest version."""
    # Lock the statement so two people publishing at once get versions n and n+1, not two n's.
    Statement.objects.select_for_update().filter(pk=statement.pk).first()
    content = snapshot(statement)
    if reasons := publish_refusals(statement, content):
        raise ValidationError(reasons, code="not_publishable")
    number = (statement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return StatementVersion.objects.create(
        statement=statement,
        number=number,
        content=content,
        title=statement.title,
        review_date=statement.review_date,
        note=note.strip(),
        published_by=user if getattr(user, "pk", None) else None,
        published_by_name=(getattr(user, "full_name", "") or getattr(user, "email", "") or ""),
    )


def set_sharing(statement: Statement, *, shared: bool) -> None:
    if shared and not statement.is_shared:
        statement.share()
    elif not shared:
        statement.stop_sharing()
    statement.save(update_fields=["public_token"])


# ---------------------------------------------------------------- what changed between versions


@dataclass(frozen=True)
class Change:
    part: str
    summary: str
    before: str = ""
    after: str = ""


def _names(items: list[dict[str, Any]], key: str) -> list[str]:
    return [item[key] for item in items]


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """What `after` says differently from `before` (None: the first version), part by part."""
    if before is None:
        return [Change("Statement", "First published version.")]
    found: list[Change] = []
    for name, label in TEXT_FIELDS.items():
        old, new = before.get(name) or "", after.get(name) or ""
        if old != new:
            summary = "Added." if not old else "Removed." if not new else "Changed."
            found.append(Change(label, summary, old, new))
    if before.get("review_date") != after.get("review_date"):
        found.append(
            Change(
                "Review date",
                "Changed.",
                _date_text(before.get("review_date")),
                _date_text(after.get("review_date")),
            )
        )
    old_commitments = {c["title"]: c for c in before.get("commitments", [])}
    new_commitments = {c["title"]: c for c in after.get("commitments", [])}
    for title in new_commitments.keys() - old_commitments.keys():
        found.append(Change("Commitment", f"Added: {title}."))
    for title in old_commitments.keys() - new_commitments.keys():
        found.append(Change("Commitment", f"Removed: {title}."))
    for title in sorted(new_commitments.keys() & old_commitments.keys()):
        old, new = old_commitments[title], new_commitments[title]
        if old != new:
            parts = [
                label
                for key, label in (
                    ("description", "what it means"),
                    ("target", "target"),
                    ("measures", "measures"),
                    ("themes", "themes"),
                    ("sdgs", "SDGs"),
                )
                if old.get(key) != new.get(key)
            ]
            found.append(Change("Commitment", f"Changed: {title} ({', '.join(parts)})."))
    for part, key, field in (
        ("Objectives", "objectives", "title"),
        ("Champions", "champions", "name"),
    ):
        old_names = set(_names(before.get(key, []), field))
        new_names = set(_names(after.get(key, []), field))
        for name in sorted(new_names - old_names):
            found.append(Change(part, f"Added: {name}."))
        for name in sorted(old_names - new_names):
            found.append(Change(part, f"Removed: {name}."))
    return found


def history(statement: Statement) -> list[tuple[StatementVersion, list[Change]]]:
    """Every version, newest first, with what it changed from the one before."""
    versions = list(statement.versions.order_by("number"))
    rows = []
    previous = None
    for version in versions:
        rows.append((version, changes(previous.content if previous else None, version.content)))
        previous = version
    return list(reversed(rows))


# ---------------------------------------------------------------- the document


def _date_text(value: str | None) -> str:
    if not value:
        return "None"
    return dt.date.fromisoformat(value).strftime("%-d %B %Y")


def draft_version(statement: Statement) -> StatementVersion:
    """The draft as an unsaved version, so the preview and draft exports use the published path."""
    return StatementVersion(
        statement=statement,
        number=0,
        content=snapshot(statement),
        title=statement.title,
        review_date=statement.review_date,
        published_at=timezone.now(),
    )


def _commitment_section(commitment: dict[str, Any]) -> Section:
    blocks: list[Any] = []
    if commitment["description"]:
        blocks.append(Markdown(commitment["description"]))
    if commitment["target"]:
        blocks.append(Paragraph(f"Target: {commitment['target']}"))
    if commitment["measures"]:
        blocks.append(Paragraph("Measured by:"))
        blocks.append(
            BulletList([f"{m['code']} {m['title']} ({m['unit']})" for m in commitment["measures"]])
        )
    if commitment["themes"]:
        blocks.append(Paragraph(f"Themes: {', '.join(commitment['themes'])}."))
    if commitment["sdgs"]:
        goals = "; ".join(f"Goal {g['number']}: {g['name']}" for g in commitment["sdgs"])
        blocks.append(Paragraph(f"Sustainable Development Goals: {goals}."))
    return Section(commitment["title"], blocks)


def statement_document(version: StatementVersion) -> Document:
    """The statement as a report document: the same content on screen, in Word and in PDF."""
    content = version.content
    draft = version.pk is None
    subtitle = (
        "Draft: not yet published"
        if draft
        else f"Version {version.number}, published {version.published_at:%-d %B %Y}"
    )
    commitments = content.get("commitments", [])
    sdgs = {g["number"] for c in commitments for g in c["sdgs"]}
    sections: list[Section] = []

    def text_section(title: str, *names: str) -> None:
        blocks = [Markdown(content[n]) for n in names if (content.get(n) or "").strip()]
        if blocks:
            sections.append(Section(title, blocks))

    text_section("Our mission", "mission")
    text_section("Our principles", "principles")
    if commitments:
        summary = Table(
            "Our commitments at a glance",
            [Column("Commitment"), Column("Target"), Column("Themes"), Column("SDGs")],
            [
                [
                    c["title"],
                    c["target"],
                    ", ".join(c["themes"]),
                    ", ".join(str(g["number"]) for g in c["sdgs"]),
                ]
                for c in commitments
            ],
        )
        sections.append(
            Section(
                "Our commitments",
                [summary],
                sections=[_commitment_section(c) for c in commitments],
            )
        )
    csr_blocks: list[Any] = []
    if (content.get("csr_policy_summary") or "").strip():
        csr_blocks.append(Markdown(content["csr_policy_summary"]))
    if content.get("csr_policy_url"):
        csr_blocks.append(Paragraph(f"Our CSR policy is published at {content['csr_policy_url']}"))
    if csr_blocks:
        sections.append(Section("Our corporate social responsibility policy", csr_blocks))
    alignment: list[Any] = []
    if (content.get("alignment") or "").strip():
        alignment.append(Markdown(content["alignment"]))
    if content.get("objectives"):
        alignment.append(
            Table(
                "Business-plan objectives this statement serves",
                [Column("Reference"), Column("Objective")],
                [[o["code"], o["title"]] for o in content["objectives"]],
            )
        )
    if alignment:
        sections.append(Section("Alignment with our business plan", alignment))
    governance: list[Any] = []
    if (content.get("governance") or "").strip():
        governance.append(Markdown(content["governance"]))
    if content.get("champions"):
        governance.append(Paragraph("Our social value champions:"))
        governance.append(BulletList([c["name"] for c in content["champions"]]))
    if governance:
        sections.append(Section("Governance and champions", governance))
    measures = {(m["code"], m["value_set"]): m for c in commitments for m in c["measures"]}.values()
    measurement: list[Any] = []
    if (content.get("measurement") or "").strip():
        measurement.append(Markdown(content["measurement"]))
    if measures:
        measurement.append(
            Table(
                "The measures our commitments are counted by",
                [Column("Code"), Column("Measure"), Column("Unit"), Column("From")],
                [[m["code"], m["title"], m["unit"], m["value_set"]] for m in measures],
            )
        )
    if measurement:
        sections.append(Section("How we measure and report value", measurement))
    text_section("How we share good practice", "sharing")
    if content.get("review_date"):
        sections.append(
            Section(
                "Review",
                [
                    Paragraph(
                        f"We will review this statement by {_date_text(content['review_date'])}."
                    )
                ],
            )
        )
    return Document(
        title=content.get("title") or "Social value statement",
        organisation=content.get("organisation", ""),
        subtitle=subtitle,
        date=(timezone.localdate() if draft else timezone.localtime(version.published_at).date()),
        key_figures=[
            KeyFigure("Commitments", len(commitments), "integer"),
            KeyFigure("Sustainable Development Goals", len(sdgs), "integer"),
            KeyFigure("Business-plan objectives", len(content.get("objectives", [])), "integer"),
        ],
        sections=sections,
        slug=slugify(
            f"{content.get('organisation', '')} {content.get('title', '')} "
            + ("draft" if draft else f"version {version.number}")
        ),
    )
