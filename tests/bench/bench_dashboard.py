"""Benchmark of a provider's dashboard (its home page) with 200 000 evidence records in one organisation.

Run: .venv/bin/python tests/bench/bench_dashboard.py
It runs on SQLite, and also on PostgreSQL when DATABASE_URL names a PostgreSQL server (a database
`bench_dashboard` is made there afresh). Bar: GET / for a member of the provider answers in under
300 ms at the server, 95th percentile of 30 requests after one warm-up (which draws the charts;
later requests reuse them while the figures are unchanged). Exits 1 if a bar is missed.

`generate_evidence` is importable for other benchmarks that need a provider with a lot of evidence.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

RECORDS = 200_000
ACTIVITIES = 24
BAR_S = 0.3
REPEATS = 30
BATCH = 5_000


def _months_back(today: dt.date, months: int) -> list[dt.date]:
    first = dt.date(today.year, today.month, 1)
    found = []
    for i in range(months):
        index = first.year * 12 + first.month - 1 - i
        found.append(dt.date(index // 12, index % 12 + 1, 1))
    return found


def generate_evidence(
    *, organisation, activities, measures, records: int = RECORDS, today: dt.date, progress=None
) -> int:
    """Make `records` monthly evidence records for `organisation` over the 24 months to `today`.

    Records cycle through the activities and measures; valued measures get a stored value as the
    evidence service would give it (quantity × proxy, one price year). Verification is mixed:
    40% verified, 25% evidenced, 30% self-reported, 5% rejected. Written with bulk_create.
    """
    from socialvalue.web.evidence.models import Evidence

    months = _months_back(today, 24)
    levels = ["verified"] * 8 + ["evidenced"] * 5 + ["self_reported"] * 6 + ["rejected"]
    cent = Decimal("0.01")
    batch: list[Evidence] = []
    made = 0
    for n in range(records):
        measure = measures[n % len(measures)]
        start = months[(n // 7) % len(months)]
        end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1) - dt.timedelta(1)
        quantity = Decimal(1 + (n * 37) % 40)
        proxy = measure.proxy_value
        batch.append(
            Evidence(
                organisation=organisation,
                measure=measure,
                activity=activities[(n * 13) % len(activities)],
                quantity=quantity,
                period_start=start,
                period_end=end,
                verification=levels[(n * 11) % len(levels)],
                value=(quantity * proxy).quantize(cent) if proxy is not None else None,
                value_price_year=2024 if proxy is not None else None,
                proxy_value=proxy,
                proxy_price_year=measure.price_year,
                note=f"Generated record {n}",
            )
        )
        if len(batch) >= BATCH:
            Evidence.objects.bulk_create(batch)
            made += len(batch)
            batch.clear()
            if progress:
                progress(made)
    if batch:
        Evidence.objects.bulk_create(batch)
        made += len(batch)
    return made


def _setup_world():
    from socialvalue.web.accounts.models import Membership, Organisation, User
    from socialvalue.web.casestudies.models import CaseStudy
    from socialvalue.web.measures.models import Measure
    from socialvalue.web.planning.models import Activity
    from socialvalue.web.statements.models import Statement
    from socialvalue.web.statements.services import publish

    provider = Organisation.objects.create(
        name="Bench Care", slug="bench-care", kind="provider", organisation_type="charity"
    )
    user = User.objects.create_user("bench@care.example", "bench-password-123")
    Membership.objects.create(user=user, organisation=provider, role="viewer", champion=True)
    activities = Activity.objects.bulk_create(
        Activity(
            organisation=provider,
            name=f"Activity {i:02d}",
            team=f"Team {i % 6}",
            area=f"Area {i % 4}",
        )
        for i in range(ACTIVITIES)
    )
    measures = list(
        Measure.objects.filter(value_set__shipped_key="socialvalue-starter").order_by("code")
    )
    statement = Statement.objects.create(
        organisation=provider,
        title="Bench statement",
        mission="Benchmarking.",
        review_date=dt.date.today() + dt.timedelta(days=30),
    )
    publish(statement)
    for i in range(20):
        CaseStudy.objects.create(organisation=provider, title=f"Case study {i}", summary="Bench")
    return provider, user, activities, measures


def run_one(label: str) -> int:
    """Generate the evidence in the database configured by the environment, then time the dashboard."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    provider, user, activities, measures = _setup_world()
    start = time.perf_counter()
    made = generate_evidence(
        organisation=provider,
        activities=activities,
        measures=measures,
        today=dt.date.today(),
    )
    generate_s = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    client = Client()
    client.force_login(user)
    times = []
    for _ in range(REPEATS + 1):
        began = time.perf_counter()
        response = client.get("/")
        times.append(time.perf_counter() - began)
        if response.status_code != 200 or b"Value by theme" not in response.content:
            raise SystemExit(f"/ answered {response.status_code}: {response.content[:300]!r}")
    first, times = times[0], sorted(times[1:])
    p95 = times[int(0.95 * (len(times) - 1))]
    ok = p95 < BAR_S
    print(f"{label}: generated {made:,} evidence records in one organisation in {generate_s:.0f} s")
    print(
        f"{label}: GET / (provider dashboard)  p95 {p95 * 1000:.0f} ms, median "
        f"{statistics.median(times) * 1000:.0f} ms, first (draws the charts) {first * 1000:.0f} ms "
        f"(bar p95 < {BAR_S * 1000:.0f} ms)  {'ok' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


def _postgres_url(url: str) -> str | None:
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS bench_dashboard")
        connection.execute("CREATE DATABASE bench_dashboard")
    return f"{base}/bench_dashboard"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return run_one(sys.argv[2])
    runs = [("SQLite", None)]
    postgres = os.environ.get("DATABASE_URL", "")
    if postgres.startswith(("postgres://", "postgresql://")):
        runs.append(("PostgreSQL", postgres))
    else:
        print("PostgreSQL: skipped (set DATABASE_URL=postgres://... to run it too)")
    failed = 0
    for label, url in runs:
        home = Path(tempfile.mkdtemp(prefix="socialvalue-bench-dashboard-"))
        env = {
            **os.environ,
            "SOCIALVALUE_HOME": str(home),
            "DJANGO_SETTINGS_MODULE": "socialvalue.web.settings",
        }
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = _postgres_url(url)
        failed |= subprocess.call([sys.executable, __file__, "--child", label], env=env)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
