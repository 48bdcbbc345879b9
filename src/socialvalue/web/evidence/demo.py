"""Demo evidence: a year of monthly records for Brightwater's activities at mixed verification
levels, with a couple of small files; a quarter's worth for Oakways and Meridian.

Runs after the planning demo (it finds the activities by the names in `planning.demo`); a second
run finds the records and adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from matplotlib.figure import Figure

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.planning.demo import DEMO_ACTIVITIES, DEMO_LEADS
from socialvalue.web.planning.models import Activity

from . import services
from .models import Evidence, Verification

#: Monthly quantity range per measure code; fractions where the unit is one (QALYs, tonnes).
MONTHLY = {
    "SV-EMP-01": (1, 3),
    "SV-EMP-04": (1, 2),
    "SV-EMP-09": (2, 6),
    "SV-LOC-05": (38, 44),
    "SV-SKL-01": (0, 2),
    "SV-SKL-02": (0, 1),
    "SV-SKL-03": (1, 4),
    "SV-SKL-05": (1, 3),
    "SV-HSC-01": (3, 9),
    "SV-HSC-02": (1, 4),
    "SV-HSC-03": (20, 45),
    "SV-HSC-04": (26, 34),
    "SV-HSC-05": (2, 6),
    "SV-HSC-06": (4, 9),
    "SV-WB-03": (Decimal("0.1"), Decimal("0.4")),
    "SV-LON-01": (5, 11),
    "SV-LON-03": (150, 230),
    "SV-VOL-01": (290, 430),
    "SV-ENV-01": (Decimal("0.8"), Decimal("1.6")),
    "SV-ENV-02": (1500, 2600),
    "SV-HOU-02": (2, 5),
    "SV-HOU-03": (1, 3),
    "SV-HOU-04": (1800, 4200),
}
#: Measures counted as a share of staff: recorded once a quarter, not monthly.
QUARTERLY = {"SV-EMP-08": (96, 100)}

#: Months of evidence per organisation: Brightwater the 2025/26 year, the others its first quarter.
MONTHS = {
    "brightwater": [(2025, m) for m in range(4, 13)] + [(2026, m) for m in range(1, 4)],
    "oakways": [(2025, 4), (2025, 5), (2025, 6)],
    "meridian": [(2025, 4), (2025, 5), (2025, 6)],
}
REJECTED = {
    "SV-HSC-02": "The admissions avoided were estimated from last year's rate, not counted: "
    "send the discharge team's log for the month."
}


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _quantity(rng: random.Random, low, high) -> Decimal:
    if isinstance(low, Decimal):
        steps = int((high - low) * 10)
        return low + Decimal(rng.randint(0, steps)) / 10
    return Decimal(rng.randint(low, high))


def _level(index: int, total: int) -> str:
    """The older half verified, the rest self-reported until files are attached (see below)."""
    return Verification.VERIFIED if index < total * 0.5 else Verification.SELF_REPORTED


def demo_register_csv(activity_name: str, month: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "volunteer", "hours", "activity"])
    for day, name, hours in ((3, "Volunteer A", 6), (10, "Volunteer B", 4), (17, "Volunteer C", 7)):
        writer.writerow([f"{month}-{day:02d}", name, hours, activity_name])
    return out.getvalue().encode()


def demo_summary_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF drawn with matplotlib, so pdftotext reads its words back."""
    figure = Figure(figsize=(8.27, 11.69))
    figure.text(0.08, 0.92, title, fontsize=16, weight="bold")
    for number, line in enumerate(lines):
        figure.text(0.08, 0.86 - number * 0.03, line, fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def _attach_demo_files(records, lead) -> None:
    """Registers and summaries for the autumn months, which makes those records evidenced."""
    autumn = [
        r
        for r in records
        if r.verification == "self_reported" and r.period_start.month in (10, 11, 12)
    ]
    for record in autumn:
        month = f"{record.period_start:%Y-%m}"
        if record.measure.code == "SV-VOL-01":
            upload = SimpleUploadedFile(
                f"volunteer-register-{month}.csv", demo_register_csv(record.activity.name, month)
            )
        elif record.measure.code == "SV-HSC-04":
            upload = SimpleUploadedFile(
                f"discharge-summary-{month}.pdf",
                demo_summary_pdf(
                    "Hospital discharge support: monthly summary",
                    [
                        f"Period: {record.period_label}",
                        f"People supported to keep living at home: {record.quantity_text}",
                        "Source: discharge team log, checked by the registered manager.",
                    ],
                ),
            )
        else:
            continue
        services.attach_files(record, [upload], uploaded_by=lead)


def load_demo_evidence() -> None:

    for slug, months in MONTHS.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or Evidence.objects.filter(organisation=organisation).exists():
            continue
        lead = User.objects.filter(email=DEMO_LEADS.get(slug, "")).first()
        contract = services.provider_contracts(organisation).order_by("start_date").first()
        rng = random.Random(f"socialvalue-demo-{slug}")
        records = []
        now = timezone.now()
        activities = Activity.objects.filter(
            organisation=organisation, name__in=DEMO_ACTIVITIES.get(slug, {})
        ).prefetch_related("measures")
        for activity in activities.order_by("name"):
            for measure in activity.measures.order_by("code"):
                ranges = MONTHLY.get(measure.code) or QUARTERLY.get(measure.code)
                if ranges is None:
                    continue
                rates: dict[tuple, services.Rate | None] = {}
                for index, (year, month) in enumerate(months):
                    start, end = _month(year, month)
                    if activity.start_date and end < activity.start_date:
                        continue
                    if measure.code in QUARTERLY:
                        if month % 3 != 0:
                            continue
                        start, _ = _month(year, month - 2)
                    quantity = _quantity(rng, *ranges)
                    # A fixed proxy's rate once; a carbon measure's for each emission year.
                    key = (start.year, end.year) if measure.proxy_series else ()
                    if key not in rates:
                        rates[key] = services.rate_for(measure, start, end)
                    rate = rates[key]
                    level = _level(index, len(months))
                    reason = ""
                    if measure.code in REJECTED and index == 2:
                        level, reason = Verification.REJECTED, REJECTED[measure.code]
                    settled = level in (Verification.VERIFIED, Verification.REJECTED)
                    records.append(
                        Evidence(
                            organisation=organisation,
                            measure=measure,
                            activity=activity,
                            contract=contract
                            if contract and activity.team == "Home care"
                            else None,
                            quantity=quantity,
                            period_start=start,
                            period_end=end,
                            note=f"From the {activity.team.lower()} team's monthly return.",
                            verification=level,
                            verified_by=lead if settled else None,
                            verified_at=now if settled else None,
                            rejection_reason=reason,
                            # The teams' monthly returns arrive without a person named; the
                            # lead verifies them. Nobody verifies what they recorded themselves.
                            recorded_by=None,
                            created_at=now,
                            updated_at=now,
                            **(rate.fields(quantity) if rate else services.NOT_VALUED),
                        )
                    )
        with transaction.atomic():
            Evidence.objects.bulk_create(records, batch_size=1000)
            if slug == "brightwater":
                saved = (
                    Evidence.objects.filter(organisation=organisation)
                    .select_related("measure", "activity")
                    .order_by("period_start", "id")
                )
                _attach_demo_files(list(saved), lead)
