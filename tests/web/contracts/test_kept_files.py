"""A chosen file is kept when another field fails, so a person never loses it without noticing."""

import datetime as dt
import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from socialvalue.web.contracts.models import LineMessage, LineReview
from socialvalue.web.files import storage
from socialvalue.web.files.forms import forget_old_kept_uploads, keep
from socialvalue.web.forms import GovukForm
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.order_by("period_index").first()
    p.fiscal, p.economic = p.first.lines.order_by("commitment__position")
    return p


def _token(page: str, name: str) -> str:
    found = re.search(rf'name="{name}__kept" value="([^"]+)"', page)
    assert found, f"no kept file for {name}"
    return found.group(1)


def test_the_return_form_keeps_the_evidence_files_when_a_figure_is_wrong(client, world):
    client.force_login(world.provider_lead)
    url = f"/returns/{world.first.pk}/report/"
    refused = client.post(
        url,
        {
            f"quantity_{world.fiscal.pk}": "two",
            f"quantity_{world.economic.pk}": "3",
            "evidence": [
                SimpleUploadedFile("register.pdf", PDF),
                SimpleUploadedFile("photos.pdf", PDF),
            ],
            "draft": "1",
        },
    )
    page = refused.content.decode()
    assert "as a number" in page
    assert (
        "You chose <strong>register.pdf</strong>, <strong>photos.pdf</strong>. "
        "Choose another file to replace it." in page
    )
    assert not world.first.files.exists()
    saved = client.post(
        url,
        {
            f"quantity_{world.fiscal.pk}": "2",
            f"quantity_{world.economic.pk}": "3",
            "evidence__kept": _token(page, "evidence"),
            "draft": "1",
        },
    )
    assert saved.status_code == 302
    names = sorted(world.first.files.values_list("original_name", flat=True))
    assert names == ["photos.pdf", "register.pdf"]
    assert bytes(world.first.files.first().file.read()) == PDF


def test_a_new_choice_replaces_the_kept_file(client, world):
    client.force_login(world.provider_lead)
    url = f"/returns/{world.first.pk}/report/"
    page = client.post(
        url,
        {
            f"quantity_{world.fiscal.pk}": "two",
            "evidence": [SimpleUploadedFile("old.pdf", PDF)],
            "draft": "1",
        },
    ).content.decode()
    client.post(
        url,
        {
            f"quantity_{world.fiscal.pk}": "2",
            "evidence": [SimpleUploadedFile("new.pdf", PDF)],
            "evidence__kept": _token(page, "evidence"),
            "draft": "1",
        },
    )
    assert list(world.first.files.values_list("original_name", flat=True)) == ["new.pdf"]


def test_a_message_keeps_its_file_when_the_message_is_missing(client, world):
    client.force_login(world.provider_lead)
    url = f"/returns/{world.first.pk}/lines/{world.fiscal.pk}/"
    refused = client.post(url, {"body": "", "file": SimpleUploadedFile("log.pdf", PDF)})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "You chose <strong>log.pdf</strong>. Choose another file to replace it." in page
    sent = client.post(url, {"body": "Here is the log", "file__kept": _token(page, "file")})
    assert sent.status_code == 302
    message = LineMessage.objects.get(line=world.fiscal)
    assert message.file is not None and message.file.original_name == "log.pdf"


def test_the_resubmit_form_keeps_its_file_when_the_answer_is_missing(client, world):
    world.first.status = "submitted"
    world.first.save()
    world.economic.verification = LineReview.QUERIED
    world.economic.reason = "Which people?"
    world.economic.save()
    world.first.status = "reviewed"
    world.first.save()
    client.force_login(world.provider_lead)
    url = f"/returns/{world.first.pk}/lines/{world.economic.pk}/resubmit/"
    refused = client.post(url, {"quantity": "3", "file": SimpleUploadedFile("list.pdf", PDF)})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "You chose <strong>list.pdf</strong>." in page
    assert "Answer the commissioner" in page
    token = _token(page, "file")
    client.post(url, {"quantity": "3", "answer": "Three carers", "file__kept": token})
    world.economic.refresh_from_db()
    assert world.economic.verification == LineReview.PENDING
    assert world.first.files.filter(original_name="list.pdf").exists()


def test_a_file_refused_for_itself_is_not_kept(client, world):
    client.force_login(world.provider_lead)
    page = client.post(
        f"/returns/{world.first.pk}/lines/{world.fiscal.pk}/",
        {"body": "", "file": SimpleUploadedFile("tool.pdf", b"MZ\x90\x00 not a pdf")},
    ).content.decode()
    assert "tool.pdf" in page and "You chose" not in page and "file__kept" not in page


class _Import(GovukForm):
    """Like the import forms: a plain Django file field beside another field."""

    file = forms.FileField(label="Value set file")
    name = forms.CharField(label="Name of the set")


def test_every_govuk_form_keeps_a_plain_file_field_and_refuses_a_forged_token():
    upload = SimpleUploadedFile("set.csv", b"code,title\nA,B\n")
    refused = _Import({"name": ""}, MultiValueDict({"file": [upload]}))
    assert not refused.is_valid()
    token = refused.fields["file"].kept_token
    assert token and refused.fields["file"].kept_names == ["set.csv"]

    again = _Import({"name": "National TOMs", "file__kept": token})
    assert again.is_valid(), again.errors
    assert again.cleaned_data["file"].name == "set.csv"
    assert again.cleaned_data["file"].read() == b"code,title\nA,B\n"

    forged = _Import({"name": "National TOMs", "file__kept": token[:-3] + "abc"})
    assert not forged.is_valid() and "file" in forged.errors


def test_kept_files_are_forgotten_after_their_day():
    token = keep([SimpleUploadedFile("a.pdf", PDF)])
    assert token
    today = timezone.localdate()
    assert forget_old_kept_uploads(today) == 0
    assert forget_old_kept_uploads(today + dt.timedelta(days=3)) >= 1
    assert not list(storage.walk("kept"))
