"""A return is checked before it is sent: the provider sees every line, can change it, then submits."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.web.contracts.models import LineReview, Return
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


def _fill(client, world, **extra):
    return client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{world.fiscal.pk}": "2",
            f"note_{world.fiscal.pk}": "Two admissions avoided on the ward",
            f"quantity_{world.economic.pk}": "3",
            "narrative": "Busy quarter",
            "continue": "1",
            **extra,
        },
    )


def _fingerprint(page: str) -> str:
    return re.search(r'name="fingerprint" value="([^"]+)"', page).group(1)


def test_continue_saves_a_draft_and_shows_every_line_to_check(client, world):
    client.force_login(world.provider_lead)
    response = _fill(client, world)
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{world.first.pk}/check/"
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.DRAFT  # not sent yet
    page = client.get(response["Location"]).content.decode()
    assert "Check your return before you submit it" in page
    for title in ("Hospital admissions avoided", "Local people hired"):
        assert title in page
    assert "Two admissions avoided on the ward" in page and "Busy quarter" in page
    # Each answer links back to its question on the form.
    report = f"/returns/{world.first.pk}/report/"
    assert f'href="{report}#id_quantity_{world.fiscal.pk}"' in page
    assert f'href="{report}#id_note_{world.economic.pk}"' in page
    assert f'href="{report}#line-{world.economic.pk}"' in page
    assert 'Change<span class="govuk-visually-hidden"> delivered for Local people hired' in page
    # The Change link lands on a field that exists on the form.
    form = client.get(report).content.decode()
    assert f'id="id_quantity_{world.fiscal.pk}"' in form and f'id="line-{world.fiscal.pk}"' in form


def test_submitting_from_the_check_page_sends_what_was_shown(client, world):
    client.force_login(world.provider_lead)
    _fill(client, world)
    check = f"/returns/{world.first.pk}/check/"
    page = client.get(check).content.decode()
    response = client.post(check, {"fingerprint": _fingerprint(page)})
    assert response.status_code == 302
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.SUBMITTED
    assert world.first.submitted_by == world.provider_lead
    world.fiscal.refresh_from_db()
    assert world.fiscal.reported_quantity == 2 and world.fiscal.delivered_quantity == 2


def test_the_form_cannot_submit_a_return_directly(client, world):
    client.force_login(world.provider_lead)
    # An old form's (or a crafted) "submit" only saves: the web submits from the check page.
    _fill(client, world, submit="1")
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.DRAFT and world.first.submitted_at is None


def test_continue_with_a_line_missing_stays_on_the_form_with_the_draft_kept(client, world):
    client.force_login(world.provider_lead)
    upload = SimpleUploadedFile("register.pdf", PDF)
    response = _fill(client, world, **{f"quantity_{world.economic.pk}": "", "evidence": [upload]})
    assert response.status_code == 200
    page = response.content.decode()
    # The file went with the draft: it is listed as attached, not offered to attach again.
    assert world.first.files.count() == 1
    assert "Already attached: register.pdf" in page and "You chose" not in page
    assert "Enter the quantity delivered for Local people hired, 0 if none." in page
    assert f'href="#id_quantity_{world.economic.pk}"' in page
    world.fiscal.refresh_from_db()
    assert world.fiscal.reported_quantity == 2  # what was entered is saved as a draft
    # The check page is not offered until every line is filled in.
    check = client.get(f"/returns/{world.first.pk}/check/")
    assert check.status_code == 302 and check["Location"].endswith("/report/")


def test_a_return_changed_since_it_was_checked_is_not_sent_unseen(client, world):
    client.force_login(world.provider_lead)
    _fill(client, world)
    check = f"/returns/{world.first.pk}/check/"
    fingerprint = _fingerprint(client.get(check).content.decode())
    _fill(client, world, **{f"quantity_{world.economic.pk}": "30"})  # another tab
    response = client.post(check, {"fingerprint": fingerprint})
    assert response.status_code == 409
    assert "The return was changed since this page was shown" in response.content.decode()
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.DRAFT


def test_a_queried_line_is_checked_with_its_answer_and_resubmitted(client, world):
    client.force_login(world.provider_lead)
    _fill(client, world)
    check = f"/returns/{world.first.pk}/check/"
    client.post(check, {"fingerprint": _fingerprint(client.get(check).content.decode())})
    client.force_login(world.commissioner)
    client.post(
        f"/returns/{world.first.pk}/verify/",
        {
            f"decision_{world.fiscal.pk}": "accepted",
            f"decision_{world.economic.pk}": "queried",
            f"reason_{world.economic.pk}": "Which people?",
        },
    )
    client.force_login(world.provider_lead)
    client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{world.economic.pk}": "3",
            f"response_{world.economic.pk}": "Three care assistants",
            "narrative": "Busy quarter",
            "continue": "1",
        },
    )
    page = client.get(check).content.decode()
    assert "Three care assistants" in page and "Your answer to the query" in page
    assert "Hospital admissions avoided" not in page  # accepted: not sent again
    assert client.post(check, {"fingerprint": _fingerprint(page)}).status_code == 302
    world.economic.refresh_from_db()
    assert world.economic.verification == LineReview.PENDING


def test_outsiders_and_the_council_cannot_open_the_check_page(client, world):
    client.force_login(world.outsider)
    assert client.get(f"/returns/{world.first.pk}/check/").status_code == 404
    assert client.post(f"/returns/{world.first.pk}/check/", {}).status_code == 404
    client.force_login(world.commissioner)
    assert client.get(f"/returns/{world.first.pk}/check/").status_code in (403, 404)
