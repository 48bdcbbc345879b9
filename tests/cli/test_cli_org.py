"""`socialvalue org`: the first organisation from the shell, and every command on a fresh home."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialvalue.cli import main
from tests.factories import OrganisationFactory

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")


def run(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SOCIALVALUE_TESTING",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [SOCIALVALUE, *args],
        env={**clean, "SOCIALVALUE_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db
def test_org_create_invites_the_first_admin_who_lands_on_a_council_home(client):
    result = CliRunner().invoke(
        main,
        [
            "org",
            "create",
            "--name",
            "Hillside District Council",
            "--kind",
            "commissioner",
            "--type",
            "local_authority",
            "--admin-email",
            "admin@hillside.example",
            "--areas",
            "Hillside;Lowfield",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "slug: hillside-district-council" in result.output
    link = re.search(r"^invitation: (\S+)$", result.output, re.MULTILINE).group(1)
    assert link.startswith("http://testserver/invitations/")

    path = link.removeprefix("http://testserver")
    assert "Join Hillside District Council" in client.get(path).content.decode()
    response = client.post(
        path, {"full_name": "Hana Ito", "password": "a-long-and-unusual-passphrase"}
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert (
        "Hillside District Council" in home
        and "Set your charter and rank your local priorities" in home
    )

    token = client.post(
        "/api/v1/auth/token",
        json.dumps(
            {"email": "admin@hillside.example", "password": "a-long-and-unusual-passphrase"}
        ),
        content_type="application/json",
    ).json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["memberships"][0]["organisation_name"] == "Hillside District Council"
    assert me["memberships"][0]["role"] == "admin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "--name",
                "alice  care",
                "--kind",
                "provider",
                "--type",
                "charity",
                "--admin-email",
                "a@example.org",
            ],
            "already registered",
        ),
        (
            [
                "--name",
                "New",
                "--kind",
                "provider",
                "--type",
                "charity",
                "--admin-email",
                "not-an-address",
            ],
            "--admin-email",
        ),
        (
            [
                "--name",
                "New",
                "--kind",
                "council",
                "--type",
                "charity",
                "--admin-email",
                "a@example.org",
            ],
            "--kind",
        ),
    ],
)
def test_org_create_refuses_bad_values_with_one_line(args, message):
    OrganisationFactory(name="Alice Care")
    result = CliRunner().invoke(main, ["org", "create", *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


@pytest.mark.django_db
def test_org_list_and_approve():
    OrganisationFactory(
        name="Eastvale Council", slug="eastvale", kind="commissioner", status="awaiting_approval"
    )
    listed = CliRunner().invoke(main, ["org", "list", "--json"])
    [row] = [r for r in json.loads(listed.output) if r["slug"] == "eastvale"]
    assert row["status"] == "awaiting_approval" and row["kind"] == "commissioner"
    assert CliRunner().invoke(main, ["org", "approve", "eastvale"]).exit_code == 0
    again = CliRunner().invoke(main, ["org", "approve", "eastvale"])
    assert again.exit_code == 2 and "already active" in again.output
    missing = CliRunner().invoke(main, ["org", "approve", "nowhere"])
    assert missing.exit_code == 2 and 'no organisation with the slug "nowhere"' in missing.output


@pytest.mark.slow
def test_a_fresh_home_creates_an_organisation_and_prints_its_link(tmp_path):
    result = run(
        "org",
        "create",
        "--name",
        "Hillside District Council",
        "--kind",
        "commissioner",
        "--type",
        "local_authority",
        "--admin-email",
        "admin@hillside.example",
        home=tmp_path / "home",
        SOCIALVALUE_URL="https://sv.hillside.example",
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^invitation: https://sv\.hillside\.example/invitations/\S+/$", result.stdout, re.MULTILINE
    )
    listed = run("org", "list", "--json", home=tmp_path / "home")
    assert [o["name"] for o in json.loads(listed.stdout)] == ["Hillside District Council"]
    duplicate = run(
        "org",
        "create",
        "--name",
        "Hillside District Council",
        "--kind",
        "commissioner",
        "--type",
        "local_authority",
        "--admin-email",
        "other@hillside.example",
        home=tmp_path / "home",
    )
    assert duplicate.returncode == 2 and len(duplicate.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["measures", "sets", "--json"],
        ["sdgs", "--json"],
        ["measures", "list", "--json", "--search", "jobs"],
        ["org", "list", "--json"],
    ],
)
def test_database_commands_work_on_a_fresh_home(tmp_path, command):
    result = run(*command, home=tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path):
    result = run(
        "sdgs", "--json", home=tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:9/none"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Cannot use the database:") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_bad_setting_is_one_line(tmp_path):
    result = run("org", "list", home=tmp_path, SOCIALVALUE_REGISTRATION="sometimes")
    assert result.returncode == 2 and "SOCIALVALUE_REGISTRATION" in result.stderr
    assert "Traceback" not in result.stderr
