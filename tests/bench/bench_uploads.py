"""Benchmark the Office-file readers against a zip bomb: an .xlsx of about 1 MB that expands to 1 GB.

Bar: every reader of .xlsx files (value-set import, SROI upload, evidence import, the upload check
every attached file passes) refuses it in under 1 s with under 100 MB of extra memory, with a
message naming the file. Prints the figures and exits 1 when the bar is missed.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

EXPANDED = 1024 * 1024 * 1024
SECONDS = 1.0
MEGABYTES = 100


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="socialvalue-bench-uploads-"))
    os.environ["SOCIALVALUE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "socialvalue.web.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socialvalue.core.errors import InputError
    from socialvalue.core.formats.value_set import read_value_set
    from socialvalue.core.sroi.loading import load_impact_map
    from socialvalue.web.evidence.importing import read_table
    from socialvalue.web.files.checks import check_upload
    from tests.office_bombs import xlsx_bomb

    started = time.perf_counter()
    bomb = xlsx_bomb(home / "bomb.xlsx", EXPANDED)
    size = bomb.stat().st_size
    print(
        f"bomb.xlsx: {size / 1024 / 1024:.1f} MB on disk, expands to {EXPANDED // 1024**2:,} MB "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )

    def upload_check() -> None:
        with bomb.open("rb") as handle:
            check_upload(SimpleUploadedFile("bomb.xlsx", handle.read()))

    readers = {
        "value-set import": lambda: read_value_set(bomb),
        "SROI upload": lambda: load_impact_map(bomb),
        "evidence import": lambda: read_table(bomb, "bomb.xlsx"),
        "upload check (tender and other files)": upload_check,
    }
    missed = []
    for name, read in readers.items():
        rss_before = peak_rss_mb()
        tracemalloc.start()
        start = time.perf_counter()
        try:
            read()
        except (InputError, ValidationError) as exc:
            message = " ".join(str(m) for m in getattr(exc, "messages", [str(exc)]))
        else:
            message = "(accepted!)"
        seconds = time.perf_counter() - start
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        extra_mb = max(traced_peak / 1024 / 1024, peak_rss_mb() - rss_before)
        ok = seconds < SECONDS and extra_mb < MEGABYTES and "bomb.xlsx" in message
        print(
            f"{'ok ' if ok else 'MISSED'} {name}: refused in {seconds * 1000:.0f} ms, "
            f"{extra_mb:.1f} MB extra memory: {message[:140]}"
        )
        if not ok:
            missed.append(name)
    shutil.rmtree(home, ignore_errors=True)
    if missed:
        print(f"bar missed (< {SECONDS} s, < {MEGABYTES} MB, file named): {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
