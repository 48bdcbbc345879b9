"""Evidence files and evidence imports kept in an S3 bucket (moto's server): nothing on local disk."""

from __future__ import annotations

import io

import pytest

from socialvalue.web.evidence.models import Evidence
from tests.factories import bearer
from tests.web.evidence.factories import evidence
from tests.web.evidence.test_import_export import GOOD
from tests.web.files.samples import PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


def test_a_file_uploaded_on_the_web_is_in_the_bucket_and_downloads_on_web_and_api(
    signed_in, demo_world, alice_setup, s3, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # anything written locally by mistake would land here
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    response = client.post(
        f"/evidence/{record.pk}/files/", {"files": [upload("photo.png", PNG_BYTES)]}
    )
    assert response.status_code == 302
    stored = record.files.get()
    assert s3.keys("evidence/") == [stored.file.name]
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=stored.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only: private
    assert not any(tmp_path.rglob("*.*"))

    page = client.get(f"/evidence/{record.pk}/files/{stored.pk}/")
    assert page.status_code == 200 and "Location" not in page
    assert page["Content-Length"] == str(len(PNG_BYTES))
    assert b"".join(page.streaming_content) == PNG_BYTES

    api = client.get(f"/api/v1/evidence/{record.pk}/files/{stored.pk}", **bearer(demo_world.editor))
    assert api.status_code == 200 and b"".join(api.streaming_content) == PNG_BYTES
    assert s3.name not in str(api.headers) and s3.endpoint not in str(api.headers)


def test_a_file_attached_through_the_api_is_in_the_bucket(demo_world, alice_setup, s3, client):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    response = client.post(
        f"/api/v1/evidence/{record.pk}/files",
        {"file": [upload("timesheet.pdf", PDF_BYTES)]},
        **bearer(demo_world.editor),
    )
    assert response.status_code in (200, 201), response.content
    [key] = s3.keys("evidence/")
    assert s3.client.get_object(Bucket=s3.name, Key=key)["Body"].read() == PDF_BYTES


def test_deleting_a_record_deletes_its_object(
    signed_in, demo_world, alice_setup, s3, django_capture_on_commit_callbacks
):
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    client.post(f"/evidence/{record.pk}/files/", {"files": [upload("a.pdf", PDF_BYTES)]})
    assert len(s3.keys("evidence/")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/evidence/{record.pk}/delete/")
    assert s3.keys("evidence/") == []


def test_an_import_waits_in_the_bucket_and_is_saved_from_it(signed_in, demo_world, alice_setup, s3):
    client = signed_in(demo_world.editor)
    file = io.BytesIO(GOOD.encode())
    file.name = "april.csv"
    response = client.post("/evidence/import/", {"file": file})
    assert "Check before importing" in response.content.decode()
    [staged] = s3.keys("staging/evidence-imports/")
    assert staged.startswith(f"staging/evidence-imports/{demo_world.editor.pk}/")
    assert s3.client.get_object(Bucket=s3.name, Key=staged)["Body"].read() == GOOD.encode()
    assert not Evidence.objects.exists()

    token = response.context["confirm_form"].initial["token"]
    assert client.post("/evidence/import/confirm/", {"token": token}).status_code == 302
    assert Evidence.objects.count() == 3
    assert s3.keys("staging/") == []  # the waiting copy goes once saved


def test_a_second_upload_replaces_the_waiting_one_and_the_old_token_expires(
    signed_in, demo_world, alice_setup, s3
):
    client = signed_in(demo_world.editor)
    tokens = []
    for _ in range(2):
        file = io.BytesIO(GOOD.encode())
        file.name = "april.csv"
        response = client.post("/evidence/import/", {"file": file})
        tokens.append(response.context["confirm_form"].initial["token"])
    assert len(s3.keys("staging/")) == 1
    assert client.post("/evidence/import/confirm/", {"token": tokens[0]}).status_code == 404
    assert not Evidence.objects.exists()
