"""Every report the demo's organisations can run renders in every format, with the screen's figures in each."""

from __future__ import annotations

import html
import re

import pytest

from socialvalue.reports.formatting import format_value
from socialvalue.web import demo
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.reports import registry, services
from socialvalue.web.reports.models import ReportRun
from socialvalue.web.tenancy import Actor
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIGURE = re.compile(
    r'<dt class="sv-key-figure__label">(.*?)</dt><dd class="sv-key-figure__value">(.*?)</dd>'
)
KINDS = ("money", "money_pence", "percent", "ratio", "integer", "number")


def _runs_for_demo() -> list[tuple[Organisation, registry.ReportType, dict]]:
    """Each report each demo organisation can run, with the first parameter values its page offers."""
    demo.load_demo()
    wanted = []
    for organisation in Organisation.objects.filter(
        slug__in=[o["slug"] for o in demo.ORGANISATIONS]
    ):
        member = organisation.memberships.select_related("user").first()
        actor = Actor.for_user(member.user, [member])
        for report in registry.available_to(organisation):
            raw = {}
            for parameter in report.parameters:
                choices = list(parameter.choices(actor, organisation))
                initial = parameter.initial(actor, organisation) if parameter.initial else ""
                if initial or choices:
                    raw[parameter.name] = initial or choices[0][0]
            if all(p.name in raw or not p.required for p in report.parameters):
                wanted.append((organisation, report, raw, actor))
    return wanted


def _key_figures(rows: list) -> dict:
    """The key figures block of a workbook's Summary sheet or a CSV file: label -> value."""
    start = next(i for i, row in enumerate(rows) if list(row[:2]) == ["Key figure", "Value"]) + 1
    end = next(i for i in range(start, len(rows) + 1) if i == len(rows) or not any(rows[i]))
    return {row[0]: row[1] for row in rows[start:end]}


def test_every_demo_report_renders_in_every_format_with_the_screens_figures(client):
    runs = _runs_for_demo()
    names = {report.name for _, report, _, _ in runs}
    assert {
        "annual-evaluation",
        "contract",
        "sroi",
        "statement",
        "tender-evaluation",
        "tender-response",
    } <= names
    for organisation, report, raw, actor in runs:
        run = services.start_run(
            actor=actor, organisation=organisation, report=report, raw=raw, wait=True
        )
        run.refresh_from_db()
        where = f"{report.name} for {organisation.slug} {raw}"
        assert run.status == ReportRun.Status.DONE, f"{where}: {run.error}"
        screen = services.screen_html(run)
        figures = [
            (html.unescape(label), html.unescape(value)) for label, value in FIGURE.findall(screen)
        ]
        assert figures, where
        files = {fmt: services.read_file(run, fmt) for fmt in ("pdf", "docx", "xlsx", "csv")}
        text, word = pdf_text(files["pdf"]), docx_text(files["docx"])
        summary = _key_figures(xlsx_values(files["xlsx"])["Summary"])
        from_csv = _key_figures(csv_rows(files["csv"]))
        for label, shown in figures:
            assert shown in text, f"{where}: {label} {shown} not in the PDF"
            assert shown in word, f"{where}: {label} {shown} not in Word"
            stored = summary[label]
            assert any(format_value(stored, kind) == shown for kind in KINDS), (
                where,
                label,
                stored,
                shown,
            )
            assert any(format_value(float(from_csv[label]), kind) == shown for kind in KINDS), (
                where,
                label,
            )
