"""Benchmark of the council's annual evaluation over the generated 2 000-contract portfolio.

Run: .venv/bin/python tests/bench/bench_reports.py
The portfolio (2 000 contracts, 40 000 commitments, 1 000 000 return lines) comes from
`bench_portfolio.generate_portfolio`. Bar: building the 2023/24 evaluation and rendering it to PDF
takes under 20 s with a peak memory (resident set of the process that does it) under 1 GiB.
The other formats' times are printed too. Exits 1 if a bar is missed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BAR_S = 20.0
BAR_MEMORY_MIB = 1024
YEAR = 2023


def _django(home: Path) -> None:
    os.environ["SOCIALVALUE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialvalue.web.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def generate(home: Path) -> None:
    """Make the portfolio (in this process: its memory is not the report's)."""
    _django(home)
    from django.core.management import call_command
    from django.db import connection

    from tests.bench.bench_portfolio import generate_portfolio, make_world

    call_command("migrate", interactive=False, verbosity=0)
    council, providers, measures, priorities, _user = make_world()
    began = time.perf_counter()
    lines = generate_portfolio(
        commissioner=council, providers=providers, measures=measures, priorities=priorities
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {lines:,} return lines in {time.perf_counter() - began:.0f} s")


def measure(home: Path) -> dict:
    """Build the evaluation and render it, timing each step, in a fresh process."""
    _django(home)
    from socialvalue.reports import render
    from socialvalue.web.accounts.models import Organisation
    from socialvalue.web.reports import registry, services

    council = Organisation.objects.get(slug="bench-council")
    report = registry.get("annual-evaluation")
    actor = services.operator_actor(council)
    out: dict = {}
    began = time.perf_counter()
    document = services.build_document(
        actor=actor, organisation=council, report=report, raw={"year": YEAR}
    )
    out["build_s"] = time.perf_counter() - began
    step = time.perf_counter()
    pdf = render(document, "pdf")
    out["pdf_s"] = time.perf_counter() - step
    out["to_pdf_s"] = time.perf_counter() - began
    out["pdf_bytes"] = len(pdf)
    out["pdf_memory_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for fmt in ("docx", "xlsx", "csv"):
        step = time.perf_counter()
        out[f"{fmt}_bytes"] = len(render(document, fmt))
        out[f"{fmt}_s"] = time.perf_counter() - step
    out["memory_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(home / "evaluation.pdf").write_bytes(pdf)
    pages = subprocess.run(
        ["pdfinfo", str(home / "evaluation.pdf")], capture_output=True, text=True
    ).stdout
    out["pages"] = next(
        (int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")), None
    )
    out["title"] = document.title
    return out


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--generate":
        generate(Path(sys.argv[2]))
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
        return 0
    home = Path(tempfile.mkdtemp(prefix="socialvalue-bench-reports-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # Two processes, so the peak memory measured is the report's, not the generator's.
    made = subprocess.run([sys.executable, __file__, "--generate", str(home)], env=env)
    if made.returncode:
        return made.returncode
    child = subprocess.run(
        [sys.executable, __file__, "--measure", str(home)], env=env, capture_output=True, text=True
    )
    if child.returncode:
        print(child.stderr[-3000:])
        return child.returncode
    r = json.loads(child.stdout.strip().splitlines()[-1])
    ok = r["to_pdf_s"] < BAR_S and r["pdf_memory_mib"] < BAR_MEMORY_MIB
    print(
        f"{r['title']}: built in {r['build_s']:.1f} s, PDF ({r['pages']} pages, "
        f"{r['pdf_bytes'] / 1024:.0f} KiB) in {r['pdf_s']:.1f} s: {r['to_pdf_s']:.1f} s to PDF "
        f"(bar < {BAR_S:.0f} s), peak memory {r['pdf_memory_mib']:.0f} MiB "
        f"(bar < {BAR_MEMORY_MIB} MiB)  {'ok' if ok else 'MISSED'}"
    )
    print(
        f"then Word {r['docx_s']:.1f} s ({r['docx_bytes'] / 1024:.0f} KiB), Excel {r['xlsx_s']:.1f} s "
        f"({r['xlsx_bytes'] / 1024:.0f} KiB), CSV {r['csv_s']:.2f} s; peak memory with every "
        f"format {r['memory_mib']:.0f} MiB"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
