"""Ties the Python dependency locks to pyproject.toml: `stamp` records what they were made from, `check` refuses a stale lock.

The stamp is a hash of the dependency lists (not of file times: a fresh clone gives every file
the same time, and a merge may touch pyproject.toml and the locks in any order).

    python3 scripts/lockstamp.py stamp requirements.lock requirements-test.lock   # after compiling
    python3 scripts/lockstamp.py check requirements.lock requirements-test.lock   # before installing
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "# pyproject dependencies sha256: "


def dependencies_hash() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def stamp(lock: Path, digest: str) -> None:
    lines = [line for line in lock.read_text().splitlines() if not line.startswith(PREFIX)]
    lock.write_text("\n".join([PREFIX + digest, *lines]) + "\n")


def stamped(lock: Path) -> str | None:
    for line in lock.read_text().splitlines():
        if line.startswith(PREFIX):
            return line.removeprefix(PREFIX).strip()
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"stamp", "check"}:
        print("usage: lockstamp.py stamp|check LOCK...", file=sys.stderr)
        return 2
    action, locks = argv[0], [ROOT / name for name in argv[1:]]
    digest = dependencies_hash()
    for lock in locks:
        if action == "stamp":
            stamp(lock, digest)
        elif not lock.is_file():
            print(f"{lock.name} is missing: run make lock", file=sys.stderr)
            return 1
        elif stamped(lock) != digest:
            print(
                f"{lock.name} is older than the dependencies in pyproject.toml: run make lock",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
