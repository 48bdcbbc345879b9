"""Benchmark of importing and searching measures against their bars; exits 1 if a bar is missed.

Run: .venv/bin/python tests/bench/bench_measures.py
Bars: a 5 000-row value set imports in under 5 s; searching 20 000 measures answers at p95 under
100 ms, through the web page and the API.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

from bench_evidence import p95, start_django, timed_requests

from socialvalue.core.formats.value_set import COLUMNS

IMPORT_ROWS = 5_000
SEARCH_MEASURES = 20_000
REQUESTS = 50
IMPORT_BAR_S = 5.0
SEARCH_BAR_MS = 100.0

THEMES = [
    "Jobs",
    "Skills",
    "Health",
    "Environment",
    "Communities",
    "Housing",
    "Innovation",
    "Supply chain",
]
WORDS = [
    "local",
    "people",
    "hours",
    "apprentices",
    "carbon",
    "volunteering",
    "wellbeing",
    "homes",
    "training",
    "suppliers",
    "recycling",
    "visits",
    "meals",
    "loneliness",
    "placements",
    "miles",
]
SDGS = ["8.5", "8.6", "4.4", "3.4", "13.2", "11.1", "10.2", "12.5"]


def write_set(path: Path, rows: int, prefix: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            theme = THEMES[i % len(THEMES)]
            words = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7))
            valued = i % 3 != 0
            writer.writerow(
                [
                    f"{prefix}-{i:05d}",
                    theme,
                    f"{theme} outcome {i % 40}",
                    f"Number of {words} measure {i}",
                    "count",
                    f"{(i % 997) * 12.5:.2f}" if valued else "",
                    ["economic", "social", "fiscal", "wellbeing", "environmental"][i % 5],
                    2015 + i % 10 if valued else "",
                    "Generated for the benchmark",
                    f"{SDGS[i % 8]};{SDGS[(i + 3) % 8]}",
                ]
            )
    return path


def main() -> int:
    home = start_django("measures")
    from django.test import Client

    from socialvalue.web.accounts.models import Membership, Organisation, User
    from socialvalue.web.accounts.services import issue_token
    from socialvalue.web.measures.models import Measure
    from socialvalue.web.measures.services import import_value_set

    organisation = Organisation.objects.create(
        name="Bench Care", slug="bench", kind="provider", organisation_type="charity"
    )
    user = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=user, organisation=organisation, role="editor")
    files = home / "files-to-import"
    files.mkdir()

    common = {"licence": "Benchmark", "source": "Generated", "organisation": organisation}
    first = write_set(files / "set-0.csv", IMPORT_ROWS, "B0")
    start = time.perf_counter()
    import_value_set(path=first, name="Bench set", version="0", **common)
    import_seconds = time.perf_counter() - start

    version = 1
    while Measure.objects.count() < SEARCH_MEASURES:
        path = write_set(files / f"set-{version}.csv", IMPORT_ROWS, f"B{version}")
        import_value_set(path=path, name="Bench set", version=str(version), **common)
        version += 1
    total = Measure.objects.count()

    queries = [
        f"q={WORDS[i % len(WORDS)]}"
        + ("&value_type=social" if i % 4 == 1 else "")
        + (f"&sdg={SDGS[i % 8].split('.')[0]}" if i % 4 == 2 else "")
        + (f"&theme={THEMES[i % 8]}" if i % 4 == 3 else "")
        + (f"&page={1 + i % 5}" if i % 3 == 0 else "")
        for i in range(REQUESTS)
    ]
    client = Client()
    client.force_login(user)
    timed_requests(client, ["/measures/?q=warm"])  # first request loads templates and URL patterns
    web_ms = timed_requests(client, [f"/measures/?{q}" for q in queries])
    token = issue_token(user=user)[1]
    api_queries = [q.replace("q=", "search=").replace("page=", "offset=") for q in queries]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    timed_requests(client, ["/api/v1/measures?search=warm"], **auth)
    api_ms = timed_requests(client, [f"/api/v1/measures?{q}" for q in api_queries], **auth)

    results = [
        (
            f"import {IMPORT_ROWS:,} rows (read, check, save)",
            f"{import_seconds:.2f} s",
            f"< {IMPORT_BAR_S:g} s",
            import_seconds < IMPORT_BAR_S,
        ),
        (
            f"search page, {total:,} measures, p95 of {REQUESTS}",
            f"{p95(web_ms):.1f} ms",
            f"< {SEARCH_BAR_MS:g} ms",
            p95(web_ms) < SEARCH_BAR_MS,
        ),
        (
            f"search API, {total:,} measures, p95 of {REQUESTS}",
            f"{p95(api_ms):.1f} ms",
            f"< {SEARCH_BAR_MS:g} ms",
            p95(api_ms) < SEARCH_BAR_MS,
        ),
    ]
    print(f"{'what':<48} {'figure':>10} {'bar':>10}  result")
    for what, figure, bar, ok in results:
        print(f"{what:<48} {figure:>10} {bar:>10}  {'ok' if ok else 'MISSED'}")
    print(
        f"search page median {statistics.median(web_ms):.1f} ms, API median {statistics.median(api_ms):.1f} ms"
    )
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
