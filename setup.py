"""Build hook: a wheel carries the built GOV.UK CSS, htmx and JavaScript (the rest is in pyproject.toml).

The assets are compiled from the pinned npm lock by `npm ci` and `npm run build`
(scripts/build-assets.mjs) into src/socialvalue/web/static_build, which git ignores; without
them an installed product serves unstyled pages with no htmx.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUILT = ROOT / "src" / "socialvalue" / "web" / "static_build"
# What the pages link to: a build missing any of these is not a build.
BUILT_FILES = ["css/app.css", "js/htmx.min.js", "js/govuk-frontend.min.js", "js/app.js"]
LOCK = ROOT / "package-lock.json"


def _newest_input() -> float:
    """The newest of what the assets are made from: the npm lock, the build script, the sources."""
    inputs = [LOCK, ROOT / "package.json", ROOT / "scripts" / "build-assets.mjs"]
    inputs += [p for p in (ROOT / "src" / "socialvalue" / "web" / "static_src").rglob("*")]
    return max(p.stat().st_mtime for p in inputs if p.is_file())


def _built_at() -> float | None:
    """When the assets were last built (the oldest built file), or None when any is missing."""
    files = [BUILT / name for name in BUILT_FILES]
    if not all(f.is_file() for f in files):
        return None
    return min(f.stat().st_mtime for f in files)


def _npm(npm: str, *args: str) -> None:
    print(f"socialvalue assets: npm {' '.join(args)}", flush=True)
    done = subprocess.run([npm, *args], cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"error: `npm {' '.join(args)}` failed (exit {done.returncode}), see above"
        )


def build_assets() -> None:
    """Build the assets unless a build newer than its inputs is already there."""
    built_at = _built_at()
    if built_at is not None and built_at >= _newest_input():
        return
    npm = shutil.which("npm")
    if npm is None:
        if built_at is None:
            raise SystemExit(
                "error: npm is not installed and the CSS/JS are not built "
                "(src/socialvalue/web/static_build): install Node.js 20+ with npm, "
                "or run `npm ci && npm run build` on a machine that has it"
            )
        print("warning: npm is not installed; packaging the assets built earlier", flush=True)
        return
    # npm ci wipes node_modules: skip it when the installed modules already match the lock.
    installed = ROOT / "node_modules" / ".package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < LOCK.stat().st_mtime:
        _npm(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    _npm(npm, "run", "-s", "build")
    if _built_at() is None:
        raise SystemExit(f"error: `npm run build` did not write {', '.join(BUILT_FILES)}")


class BuildPyWithAssets(build_py):
    """build_py that builds the static assets first, so package data picks them up."""

    def run(self) -> None:
        # An editable install serves the source tree, where `make` builds the assets.
        if not self.editable_mode:
            build_assets()
            # Package data is listed lazily; forget any listing made before the assets existed.
            self.__dict__.pop("data_files", None)
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})
