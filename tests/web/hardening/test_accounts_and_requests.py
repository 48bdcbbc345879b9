"""API tokens end with a password change or reset; uploads judged by name as well as content;
API errors always JSON; signed-in pages never cached."""

import io

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from socialvalue.web.accounts.models import ApiToken
from socialvalue.web.files.checks import check_upload
from tests.factories import bearer

pytestmark = pytest.mark.django_db


def _works(client, headers) -> bool:
    return client.get("/api/v1/me", **headers).status_code == 200


def test_a_password_reset_revokes_every_api_token(client, demo_world):
    user = demo_world.editor
    first, second = bearer(user), bearer(user)
    assert _works(client, first) and _works(client, second)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    landing = client.get(f"/password-reset/{uid}/{token}/")
    assert landing.status_code == 302
    done = client.post(
        landing["Location"],
        {"new_password1": "a-much-better-secret-42", "new_password2": "a-much-better-secret-42"},
    )
    assert done.status_code == 302, done.content[:500]
    assert not _works(client, first) and not _works(client, second)
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert _works(client, bearer(user))  # a token taken after the reset works


def test_a_password_change_revokes_tokens_but_a_hash_upgrade_does_not(client, demo_world):
    user = demo_world.viewer
    headers = bearer(user)
    user.refresh_from_db()
    user.full_name = "Renamed"
    user.save()
    assert _works(client, headers)  # saving other fields keeps the tokens
    user.set_password("another-long-secret-7")
    user.save()
    assert not _works(client, headers)


def test_a_text_file_named_exe_is_refused():
    with pytest.raises(ValidationError, match=r"tool.exe is not an allowed type.*\.exe"):
        check_upload(SimpleUploadedFile("tool.exe", b"measure,quantity\nA,1\n"))
    assert check_upload(SimpleUploadedFile("minutes.2025", b"a,b\n1,2\n")).code == "csv"


def test_a_windows_1252_csv_is_accepted_where_the_importer_reads_it(client, demo_world):
    from tests.web.evidence.factories import activity, valued_measure

    activity(demo_world.alice_org, name="Café club")
    measure = valued_measure(demo_world.alice_org)
    text = (
        "measure,activity,quantity,period_start,period_end,note\n"
        f"{measure.code},Café club,3,2025-04-01,2025-04-30,Crème brûlée – £5\n"
    )
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with pytest.raises(ValidationError, match="not an allowed type"):
        check_upload(SimpleUploadedFile("evidence.csv", data))  # not where nothing reads cp1252
    assert check_upload(SimpleUploadedFile("evidence.csv", data), cp1252=True).code == "csv"
    client.force_login(demo_world.editor)
    upload = io.BytesIO(data)
    upload.name = "evidence.csv"
    page = client.post("/evidence/import/", {"file": upload}).content.decode()
    assert "not an allowed type" not in page
    assert "Café club" in page


def _files_url(demo_world):
    from tests.web.evidence.factories import activity, evidence, valued_measure

    activity(demo_world.alice_org)
    valued_measure(demo_world.alice_org)
    record = evidence(demo_world.alice_org, quantity="3")
    return f"/api/v1/evidence/{record.pk}/files"


def test_multipart_without_a_boundary_is_a_json_400(client, demo_world):
    response = client.post(
        _files_url(demo_world),
        b"--x\r\n",
        content_type="multipart/form-data",
        **bearer(demo_world.admin),
    )
    assert response.status_code == 400
    assert "boundary" in response.json()["detail"]


def test_a_1000_character_file_name_is_answered_in_json_with_the_name_cut(client, demo_world):
    upload = SimpleUploadedFile("a" * 996 + ".csv", b"a,b\n1,2\n")
    response = client.post(_files_url(demo_world), {"file": upload}, **bearer(demo_world.admin))
    assert response.status_code == 201, response.content[:300]
    (stored,) = response.json()
    assert stored["original_name"].endswith(".csv") and len(stored["original_name"]) <= 200


def test_over_100_files_is_a_json_400(client, demo_world, settings):
    files = [SimpleUploadedFile(f"f{n}.csv", b"a,b\n1,2\n") for n in range(101)]
    response = client.post(_files_url(demo_world), {"file": files}, **bearer(demo_world.admin))
    assert response.status_code == 400
    assert "at most 100 files" in response.json()["detail"]


def test_signed_in_pages_and_the_api_are_never_cached(client, demo_world):
    assert "no-store" not in client.get("/sign-in/").get("Cache-Control", "")
    client.force_login(demo_world.viewer)
    assert "no-store" in client.get("/plan/")["Cache-Control"]
    assert "no-store" in client.get("/api/v1/me", **bearer(demo_world.viewer))["Cache-Control"]


def test_a_request_django_refuses_before_the_api_is_answered_in_json(client, demo_world):
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory

    from socialvalue.web.errors import bad_request

    api = bad_request(RequestFactory().post("/api/v1/objectives"), SuspiciousOperation("x"))
    assert api.status_code == 400 and api["Content-Type"] == "application/json"
    page = bad_request(RequestFactory().post("/plan/"), SuspiciousOperation("x"))
    assert page.status_code == 400 and "json" not in page["Content-Type"]
