"""Reports for tests: a small report registered for the duration of a test, and finished runs."""

from __future__ import annotations

import datetime as dt

from socialvalue.reports import Column, Document, KeyFigure, Markdown, Section, Table, charts
from socialvalue.web.reports import registry, services
from socialvalue.web.reports.models import ReportRun
from socialvalue.web.tenancy import Actor

INJECTION = '=HYPERLINK("http://x","y")'


def build_figures(*, actor, organisation, progress, year):
    """A small report whose figures depend on its parameter, so tests can tell runs apart."""
    progress(0.5, "Counting")
    delivered = 1000.0 * (year - 2000) + 0.4
    return Document(
        title=f"Test figures {registry.financial_year_label(year)}",
        organisation=organisation.name,
        date=dt.date(2026, 5, 1),
        key_figures=[
            KeyFigure("Value delivered", delivered, "money"),
            KeyFigure("Share verified", 0.625, "percent"),
        ],
        notes=[f"Price basis: every value is in {year} prices."],
        sections=[
            Section(
                "Summary", [Markdown("**Delivered** in the year.\n\n<script>alert(1)</script>")]
            ),
            Section(
                "Case studies",
                [
                    charts.bar(
                        "Value by theme", ["Jobs", "Health"], [delivered * 0.75, delivered * 0.25]
                    ),
                    Table(
                        "Case studies",
                        [Column("Title"), Column("Value", "money")],
                        [[INJECTION, 10.0], ["Garden club", 20.0]],
                    ),
                ],
            ),
        ],
    )


FIGURES = registry.ReportType(
    name="test-figures",
    title="Test figures",
    description="Figures for tests.",
    build=build_figures,
    parameters=(registry.year_parameter(),),
    audience=("provider",),
)


def finished_run(organisation, user, *, year: int = 2025) -> ReportRun:
    """A run of the test report, done, with its files (registering the report if needed)."""
    registry.register(FIGURES)
    existing = ReportRun.objects.filter(organisation=organisation, report=FIGURES.name).first()
    if existing is not None:
        return existing
    actor = Actor.for_user(user)
    return services.start_run(
        actor=actor, organisation=organisation, report=FIGURES, raw={"year": year}, wait=True
    )
