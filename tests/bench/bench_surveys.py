"""Benchmark of a wellbeing survey's results against their bar; exits 1 if the bar is missed.

Run: .venv/bin/python tests/bench/bench_surveys.py   (SQLite in a fresh folder; set
SOCIALVALUE_BENCH_DATABASE_URL=postgres://... to run it on PostgreSQL)
Bar: with 100 000 responses (50 000 participants at baseline and follow-up, the four ONS4 answers
each, spread over 8 teams), the results API answers at p95 under 300 ms at the server, for the
whole survey and for one team.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESPONSES = 100_000
REQUESTS = 20
BAR_MS = 300.0
TEAMS = ["North", "South", "East", "West", "Central", "Riverside", "Millford", "Eastbank"]
KEYS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def generate_responses(survey, count: int = RESPONSES, *, seed: int = 1) -> int:
    """`count` responses to `survey` with every ONS4 answer: half baselines, half follow-ups (a
    few participants answer twice in a wave), written with one INSERT per batch."""
    from django.db import connection, transaction

    from socialvalue.web.surveys.models import Answer, Response

    rng = random.Random(seed)
    response_table = connection.ops.quote_name(Response._meta.db_table)
    answer_table = connection.ops.quote_name(Answer._meta.db_table)
    now = dt.datetime.now(dt.UTC)
    first = Response.objects.order_by("-id").values_list("id", flat=True).first() or 0
    responses, answers = [], []
    people = count // 2
    for i in range(count):
        rid = first + i + 1
        person = i % people
        wave = "baseline" if i < people else "follow_up"
        day = dt.date(2025, 1, 1) + dt.timedelta(
            days=rng.randrange(120) + (200 if i >= people else 0)
        )
        responses.append(
            (rid, survey.id, f"P{person:06d}", wave, day, TEAMS[person % len(TEAMS)], "", None, "import", now)
        )  # fmt: skip
        for key in KEYS:
            base = rng.randint(2, 8)
            answers.append(
                (
                    rid,
                    key,
                    max(0, min(10, base + (rng.randint(-1, 3) if wave == "follow_up" else 0))),
                )
            )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {response_table} (id, survey_id, participant, wave, answered_on, team, area, "
            "activity_id, source, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            responses,
        )
        cursor.executemany(
            f"INSERT INTO {answer_table} (response_id, key, value) VALUES (%s, %s, %s)", answers
        )
    from socialvalue.web.surveys import services

    services.refresh_pairs(survey)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return count


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="socialvalue-bench-surveys-"))
    os.environ["SOCIALVALUE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialvalue.web.settings"
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("SOCIALVALUE_BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["SOCIALVALUE_BENCH_DATABASE_URL"]

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    from socialvalue.web.accounts.models import Membership, Organisation, User
    from socialvalue.web.accounts.services import issue_token
    from socialvalue.web.surveys import services
    from socialvalue.web.tenancy import Actor

    organisation = Organisation.objects.create(
        name="Bench Care", slug="bench-surveys", kind="provider", organisation_type="charity"
    )
    user = User.objects.create_user("bench-surveys@example.org", "bench-password-123")
    membership = Membership.objects.create(user=user, organisation=organisation, role="editor")
    survey = services.create_survey(
        organisation=organisation,
        actor=Actor.for_user(user, [membership]),
        title="Bench befriending survey",
        deadweight=0.2,
        attribution=0.1,
    )
    start = time.perf_counter()
    generate_responses(survey)
    generate_seconds = time.perf_counter() - start

    client = Client()
    token = issue_token(user=user)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    urls = [
        f"/api/v1/surveys/{survey.id}/results" + ("" if i % 2 == 0 else f"?team={TEAMS[i % 8]}")
        for i in range(REQUESTS)
    ]
    client.get(urls[0], **auth)  # the first request loads URL patterns
    times = []
    for url in urls:
        begin = time.perf_counter()
        response = client.get(url, **auth)
        times.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200:
            print(f"{url} answered {response.status_code}: {response.content[:300]!r}")
            return 1
    body = client.get(urls[0], **auth).json()
    life = body["questions"][0]
    from django.db import connection

    print(
        f"database: {connection.vendor}; generated {RESPONSES:,} responses in {generate_seconds:.1f} s"
    )
    print(
        f"life satisfaction: {life['pairs']:,} pairs, mean change {life['mean_change']:+.3f}; "
        f"{body['wellbys']:,.1f} WELLBYs worth £{body['value']['central']:,.0f}"
    )
    ok = p95(times) < BAR_MS
    print(f"{'what':<58} {'figure':>10} {'bar':>10}  result")
    print(
        f"{f'survey results API, {RESPONSES:,} responses, p95 of {REQUESTS}':<58} "
        f"{p95(times):>7.1f} ms {f'< {BAR_MS:g} ms':>10}  {'ok' if ok else 'MISSED'}"
    )
    print(f"median {statistics.median(times):.1f} ms, slowest {max(times):.1f} ms")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
