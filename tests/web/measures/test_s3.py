"""A value-set import waits in an S3 bucket (moto's server) between its check and its confirmation."""

from __future__ import annotations

import re

import pytest

from socialvalue.web.measures.models import ValueSet
from tests.web.measures.test_web_and_api import _form, _upload

pytestmark = pytest.mark.django_db


def test_a_value_set_import_is_staged_in_the_bucket_and_saved_from_it(
    client, demo_world, toms_csv, s3
):
    client.force_login(demo_world.editor)
    page = client.post("/value-sets/import/", _form(_upload(toms_csv.read_bytes())))
    text = page.content.decode()
    assert "Check before importing" in text
    [staged] = s3.keys("staging/")
    assert staged.startswith(f"staging/value-set-imports/{demo_world.editor.pk}/")
    assert staged.endswith(".csv")
    body = s3.client.get_object(Bucket=s3.name, Key=staged)["Body"].read()
    assert body == toms_csv.read_bytes()

    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    done = client.post("/value-sets/import/confirm/", {"token": token})
    value_set = ValueSet.objects.get(name="Local set")
    assert done.status_code == 302 and value_set.measures.count() == 3
    assert s3.keys("staging/") == []


def test_a_cancelled_value_set_import_leaves_nothing_in_the_bucket(
    client, demo_world, toms_csv, s3
):
    client.force_login(demo_world.editor)
    text = client.post("/value-sets/import/", _form(_upload(toms_csv.read_bytes()))).content
    token = re.search(r'name="token" value="([^"]+)"', text.decode()).group(1)
    assert len(s3.keys("staging/")) == 1
    client.post("/value-sets/import/confirm/", {"token": token, "cancel": "1"})
    assert s3.keys("staging/") == [] and not ValueSet.objects.filter(name="Local set").exists()
