"""The wheel is the product: built from a clean tree it carries the CSS and htmx, and installed alone it serves them."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

import socialvalue

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# What a wheel build reads from a checkout; the built assets are deliberately not among them.
SOURCES = [
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "package.json",
    "package-lock.json",
    "requirements.lock",
    "requirements-test.lock",
    "scripts",
    "src",
]
IGNORED = shutil.ignore_patterns("static_build", "__pycache__", "*.egg-info", "*.pyc")
# The variables of this test run that must not leak into the product or the build.
LEAKS = {
    "DJANGO_SETTINGS_MODULE",
    "SOCIALVALUE_TESTING",
    "SOCIALVALUE_HOME",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PYTEST_XDIST_WORKER",
    "VIRTUAL_ENV",
    "PYTHONPATH",
}


def clean_env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in LEAKS}, **extra}


def checkout(dest: Path, share_npm_modules: bool = True) -> Path:
    """A copy of the source tree as a fresh clone has it: no built assets."""
    dest.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORED)
        else:
            shutil.copy2(source, dest / name)  # keeps times: the hook compares them
    modules = ROOT / "node_modules"
    installed = modules / ".package-lock.json"
    # Share the checkout's npm modules when they match the lock (as `make` leaves them), which
    # skips `npm ci`; otherwise the build downloads its own.
    lock = ROOT / "package-lock.json"
    if (
        share_npm_modules
        and installed.is_file()
        and installed.stat().st_mtime >= lock.stat().st_mtime
    ):
        (dest / "node_modules").symlink_to(modules.resolve(), target_is_directory=True)
    return dest


def pip_wheel(tree: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(tree)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def without_npm(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has python but no npm, as on a server with no Node.js."""
    bin_dir = tmp_path / "bin-without-npm"
    bin_dir.mkdir()
    for tool in ("python", "python3"):
        (bin_dir / tool).symlink_to(sys.executable)
    return clean_env(PATH=str(bin_dir))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    tree = checkout(base / "tree")
    built = pip_wheel(tree, base / "dist", clean_env())
    assert built.returncode == 0, built.stdout + built.stderr
    [path] = (base / "dist").glob("socialvalue-*.whl")
    return path


def test_the_wheel_is_versioned_from_the_package_and_carries_the_built_assets(wheel):
    assert wheel.name.startswith(f"socialvalue-{socialvalue.__version__}-py3-none-any")
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ["css/app.css", "js/htmx.min.js", "js/govuk-frontend.min.js", "js/app.js"]:
        assert f"socialvalue/web/static_build/{asset}" in names
    assert any(n.startswith("socialvalue/web/static_build/govuk/images/") for n in names)
    css = zipfile.ZipFile(wheel).read("socialvalue/web/static_build/css/app.css").decode()
    assert ".govuk-header" in css


def test_the_installed_wheel_serves_its_css_and_htmx(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    # The runtime lock (hash-checked), then the wheel alone: the lock must be complete.
    for args in (["-r", str(ROOT / "requirements.lock")], ["--no-deps", str(wheel)]):
        done = subprocess.run([*pip, *args], env=clean_env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout

    empty = tmp_path / "empty"
    empty.mkdir()
    port = free_port()
    log = tmp_path / "demo.log"
    server = subprocess.Popen(
        [str(venv / "bin" / "socialvalue"), "demo", "--port", str(port)],
        cwd=empty,
        env=clean_env(SOCIALVALUE_HOME=str(tmp_path / "home")),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, log.read_text()
            try:
                status, _, home = get(base + "/")
                break
            except OSError:
                assert time.monotonic() < deadline, "the demo did not answer within 4 minutes"
                time.sleep(1)
        assert status == 200
        [css_url] = re.findall(r'<link rel="stylesheet" href="([^"]+\.css)"', home)
        [htmx_url] = re.findall(r'<script src="([^"]*htmx[^"]*\.js)"', home)
        status, kind, css = get(base + css_url)
        assert status == 200 and kind.startswith("text/css") and ".govuk-header" in css
        status, kind, htmx = get(base + htmx_url)
        assert status == 200 and "javascript" in kind and "htmx" in htmx
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not list(empty.iterdir()), "the demo wrote into the folder it was started from"


def test_a_build_without_npm_and_without_assets_fails_with_one_line(tmp_path):
    tree = checkout(tmp_path / "tree", share_npm_modules=False)
    built = pip_wheel(tree, tmp_path / "dist", without_npm(tmp_path))
    output = built.stdout + built.stderr
    assert built.returncode != 0
    [line] = [x for x in output.splitlines() if "npm is not installed" in x]
    assert "install Node.js" in line
    assert "Traceback" not in output
    assert not list(tmp_path.glob("dist/*.whl"))


def test_assets_built_after_the_npm_lock_are_packaged_without_npm(tmp_path):
    tree = checkout(tmp_path / "tree")
    built = tree / "src" / "socialvalue" / "web" / "static_build"
    for name in ["css/app.css", "js/htmx.min.js", "js/govuk-frontend.min.js", "js/app.js"]:
        (built / name).parent.mkdir(parents=True, exist_ok=True)
        (built / name).write_text(f"/* built earlier: {name} */")
    done = pip_wheel(tree, tmp_path / "dist", without_npm(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    css = zipfile.ZipFile(wheel).read("socialvalue/web/static_build/css/app.css").decode()
    assert css == "/* built earlier: css/app.css */"


def test_the_sdist_carries_what_a_wheel_build_needs(tmp_path):
    tree = checkout(tmp_path / "tree")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path / "dist"), str(tree)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [sdist] = (tmp_path / "dist").glob("socialvalue-*.tar.gz")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for needed in [
        "setup.py",
        "package.json",
        "package-lock.json",
        "scripts/build-assets.mjs",
        "src/socialvalue/web/static_src/app.scss",
        "CHANGELOG.md",
        "requirements.lock",
    ]:
        assert needed in names
