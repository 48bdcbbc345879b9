"""The statement builder: drafting, publishing immutable versions, history, exports, the public link and the API."""

import datetime as dt
import io
import json
import subprocess

import docx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.statements import services
from socialvalue.web.statements.models import ImmutableError, Statement, StatementVersion
from tests.factories import bearer
from tests.web.planning.factories import ObjectiveFactory, starter_measure
from tests.web.statements.factories import drafted_statement

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# ---------------------------------------------------------------- drafting on the web


def _next_year() -> str:
    return (timezone.localdate() + dt.timedelta(days=365)).isoformat()


def test_a_new_review_date_in_the_past_is_refused_on_the_page_and_in_the_api(client, demo_world):
    client.force_login(demo_world.editor)
    page = client.post("/statements/new/", {"title": "Old", "review_date": "2020-03-31"})
    assert page.status_code == 200
    assert page.content.decode().count("Review date must be today or later") == 2
    assert not Statement.objects.filter(title="Old").exists()
    refused = _json(
        client,
        "post",
        "/api/v1/statements",
        demo_world.editor,
        {"title": "Old", "review_date": "2020-03-31"},
    )
    assert refused.status_code in (400, 422)
    assert "Review date must be today or later" in refused.content.decode()
    assert not Statement.objects.filter(title="Old").exists()


def test_a_review_date_already_passed_may_stay_while_other_parts_change(client, demo_world):
    statement = drafted_statement(demo_world.alice_org, review_date=dt.date(2020, 3, 31))
    client.force_login(demo_world.editor)
    client.post(
        f"/statements/{statement.pk}/sections/review/",
        {"title": "Renamed", "review_date": "2020-03-31"},
    )
    statement.refresh_from_db()
    assert statement.title == "Renamed" and statement.review_date == dt.date(2020, 3, 31)


def test_editor_starts_a_statement_and_writes_a_section(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post(
        "/statements/new/", {"title": "Our statement", "review_date": _next_year()}
    )
    statement = Statement.objects.get(title="Our statement")
    assert response.url == f"/statements/{statement.pk}/"
    page = client.get(response.url).content.decode()
    assert page.count("Not written yet") == 7 and "This statement is a draft" in page
    client.post(
        f"/statements/{statement.pk}/sections/mission/",
        {"mission": "We care.", "principles": "* Honesty"},
    )
    statement.refresh_from_db()
    assert statement.mission == "We care." and statement.principles == "* Honesty"
    assert client.get(f"/statements/{statement.pk}/").content.decode().count("Not written yet") == 6
    assert AuditEvent.objects.filter(object_type="statements.Statement", action="update").exists()


def test_section_errors_are_shown_beside_the_field(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.post(
        f"/statements/{statement.pk}/sections/csr/",
        {"csr_policy_url": "not a web address", "csr_policy_summary": "Kept"},
    ).content.decode()
    assert "There is a problem" in page and 'href="#id_csr_policy_url"' in page
    assert "Kept" in page
    statement.refresh_from_db()
    assert statement.csr_policy_summary == ""


def test_alignment_offers_only_the_organisations_objectives(client, demo_world):
    from tests.web.planning.factories import ObjectiveFactory

    statement = drafted_statement(demo_world.alice_org)
    theirs = ObjectiveFactory(organisation=demo_world.other_org, title="Their secret plan")
    client.force_login(demo_world.editor)
    page = client.get(f"/statements/{statement.pk}/sections/alignment/").content.decode()
    assert "Grow local jobs" in page and "Their secret plan" not in page
    refused = client.post(
        f"/statements/{statement.pk}/sections/alignment/",
        {"alignment": "Text", "objectives": [theirs.pk]},
    )
    assert "from the list" in refused.content.decode()


def test_commitment_takes_its_themes_and_goals_from_its_measures(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    measure = starter_measure("SV-VOL-01")
    client.force_login(demo_world.editor)
    response = client.post(
        f"/statements/{statement.pk}/commitments/new/",
        {
            "title": "We will volunteer",
            "target": "1,000 hours",
            "measures": [measure.pk],
            "position": 2,
        },
    )
    assert response.status_code == 302
    commitment = statement.commitments.get(title="We will volunteer")
    assert list(commitment.themes.all()) == [measure.theme]
    expected = {t.goal.number for t in measure.sdg_targets.all()}
    assert expected and {g.number for g in commitment.sdg_goals.all()} == expected
    listing = client.get(f"/statements/{statement.pk}/commitments/").content.decode()
    assert "We will volunteer" in listing and "SV-VOL-01" in listing


def test_viewer_reads_but_cannot_edit_or_publish(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    assert client.get(f"/statements/{statement.pk}/").status_code == 200
    assert client.get(f"/statements/{statement.pk}/preview/").status_code == 200
    assert client.post(f"/statements/{statement.pk}/sections/mission/", {}).status_code == 403
    assert client.post(f"/statements/{statement.pk}/publish/").status_code == 403
    assert client.post(f"/statements/{statement.pk}/sharing/", {"shared": "on"}).status_code == 403
    assert not statement.versions.exists()


# ---------------------------------------------------------------- publishing and history


def test_publishing_freezes_a_numbered_version_and_history_says_what_changed(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    client.force_login(demo_world.editor)
    first = client.post(f"/statements/{statement.pk}/publish/", {"note": "Board approved"})
    assert first.url == f"/statements/{statement.pk}/versions/1/"
    version = statement.versions.get()
    assert version.content["mission"] == "We help people live well at home."
    assert version.content["commitments"][0]["measures"][0]["code"] == "SV-EMP-01"

    # Nothing changed: publishing again is refused rather than making an identical version.
    assert (
        "Nothing has changed" in client.get(f"/statements/{statement.pk}/publish/").content.decode()
    )
    client.post(f"/statements/{statement.pk}/publish/", {})
    assert statement.versions.count() == 1

    client.post(
        f"/statements/{statement.pk}/sections/mission/",
        {"mission": "We help people live well and independently.", "principles": ""},
    )
    client.post(
        f"/statements/{statement.pk}/commitments/new/",
        {
            "title": "We will cut carbon",
            "measures": [starter_measure("SV-ENV-01").pk],
            "position": 2,
        },
    )
    check = client.get(f"/statements/{statement.pk}/publish/").content.decode()
    assert "Added: We will cut carbon." in check and "Mission" in check
    client.post(f"/statements/{statement.pk}/publish/", {})
    assert [v.number for v in statement.versions.order_by("number")] == [1, 2]
    version.refresh_from_db()
    assert version.content["mission"] == "We help people live well at home."

    history = client.get(f"/statements/{statement.pk}/history/").content.decode()
    assert "Version 2" in history and "Added: We will cut carbon." in history
    assert "First published version." in history and "Board approved" in history
    old = client.get(f"/statements/{statement.pk}/versions/1/").content.decode()
    assert "A later version has been published" in old and "We will cut carbon" not in old


def test_a_published_version_cannot_be_changed_or_deleted(demo_world):
    statement = drafted_statement(demo_world.alice_org)
    version = services.publish(statement)
    version.note = "rewritten"
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()
    assert StatementVersion.objects.get().note == ""


def test_champions_come_from_memberships_as_they_were_when_published(demo_world):
    membership = demo_world.editor.memberships.get()
    membership.champion = True
    membership.save()
    statement = drafted_statement(demo_world.alice_org)
    version = services.publish(statement)
    membership.champion = False
    membership.save()
    assert [c["name"] for c in version.content["champions"]] == [str(demo_world.editor)]
    assert services.has_unpublished_changes(statement)
    assert services.changes(version.content, services.snapshot(statement))[0].summary == (
        f"Removed: {demo_world.editor}."
    )


# ---------------------------------------------------------------- exports


def test_word_and_pdf_say_what_the_screen_says(client, demo_world, tmp_path):
    statement = drafted_statement(demo_world.alice_org)
    services.publish(statement)
    client.force_login(demo_world.viewer)
    screen = client.get(f"/statements/{statement.pk}/versions/1/").content.decode()
    word = client.get(f"/statements/{statement.pk}/versions/1/download.docx")
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in word["Content-Disposition"]
    text = _docx_text(word.content)
    pdf = _pdf_text(
        client.get(f"/statements/{statement.pk}/versions/1/download.pdf").content, tmp_path
    )
    for phrase in (
        "We help people live well at home.",
        "We will recruit locally",
        "SV-EMP-01",
        "Grow local jobs",
        "The measures our commitments are counted by",
        "31 March 2027",
        "Version 1",
    ):
        assert phrase in screen and phrase in text, phrase
        assert phrase in " ".join(pdf.split()), phrase
    assert client.get(f"/statements/{statement.pk}/versions/1/download.xls").status_code == 404


def test_a_one_commitment_statement_flows_onto_a_few_pages_with_its_contents_in_word(
    client, demo_world
):
    import re

    from tests.reports.readers import pdf_pages

    statement = drafted_statement(demo_world.alice_org)
    services.publish(statement)
    client.force_login(demo_world.viewer)
    pages = pdf_pages(client.get(f"/statements/{statement.pk}/versions/1/download.pdf").content)
    # The cover, then the contents and the six parts running on: not a page for each part.
    assert len(pages) <= 3, f"{len(pages)} pages"
    mission = next(p for p in pages if "We help people live well at home." in p)
    assert "We will recruit locally" in mission and "Governance and champions" in mission
    word = docx.Document(
        io.BytesIO(client.get(f"/statements/{statement.pk}/versions/1/download.docx").content)
    )
    contents = [p.text for p in word.paragraphs if re.fullmatch(r"toc \d", p.style.name)]
    headings = [p.text for p in word.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert contents == headings and "We will recruit locally" in contents
    text = "\n".join(p.text for p in word.paragraphs).lower()
    assert "f9" not in text and "update field" not in text


def test_draft_downloads_are_marked_as_drafts(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    text = _docx_text(client.get(f"/statements/{statement.pk}/download.docx").content)
    assert "Draft: not yet published" in text and "We will recruit locally" in text


# ---------------------------------------------------------------- the public link


def test_public_link_shows_only_the_published_version_until_switched_off(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    client.force_login(demo_world.admin)
    client.post(f"/statements/{statement.pk}/sharing/", {"shared": "on"})
    statement.refresh_from_db()
    token = statement.public_token
    assert token and len(token) >= 40
    client.logout()
    assert client.get(f"/public/statements/{token}/").status_code == 404  # nothing published yet
    services.publish(statement)
    statement.mission = "An unpublished draft sentence."
    statement.save()
    page = client.get(f"/public/statements/{token}/").content.decode()
    assert "We help people live well at home." in page
    assert "An unpublished draft sentence." not in page
    word = client.get(f"/public/statements/{token}/download.docx")
    assert "We will recruit locally" in _docx_text(word.content)

    client.force_login(demo_world.admin)
    client.post(f"/statements/{statement.pk}/sharing/", {})
    client.logout()
    assert client.get(f"/public/statements/{token}/").status_code == 404
    assert client.get(f"/public/statements/{token}/download.pdf").status_code == 404
    client.force_login(demo_world.admin)
    client.post(f"/statements/{statement.pk}/sharing/", {"shared": "on"})
    statement.refresh_from_db()
    assert statement.public_token != token  # switching on again does not revive the old link


# ---------------------------------------------------------------- the API


def _json(client, method, url, user, body=None):
    headers = bearer(user)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def test_api_drafts_publishes_and_exports_a_statement(client, demo_world, tmp_path):
    measure = starter_measure("SV-LON-01")
    created = _json(
        client,
        "post",
        "/api/v1/statements",
        demo_world.editor,
        {
            "title": "API statement",
            "mission": "Less loneliness.",
            "review_date": _next_year(),
            "commitments": [{"title": "Befriend 200 people", "measure_ids": [measure.pk]}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["commitments"][0]["measure_codes"] == ["SV-LON-01"]
    assert body["commitments"][0]["themes"] and body["unpublished_changes"] is True
    statement_id = body["id"]

    draft = _json(
        client, "get", f"/api/v1/statements/{statement_id}/export?format=docx", demo_world.viewer
    )
    assert "Draft: not yet published" in _docx_text(draft.content)

    published = _json(
        client,
        "post",
        f"/api/v1/statements/{statement_id}/publish",
        demo_world.editor,
        {"note": "First"},
    )
    assert published.status_code == 201 and published.json()["number"] == 1
    again = _json(
        client, "post", f"/api/v1/statements/{statement_id}/publish", demo_world.editor, {}
    )
    assert again.status_code == 400

    changed = _json(
        client,
        "patch",
        f"/api/v1/statements/{statement_id}",
        demo_world.editor,
        {"mission": "Changed."},
    ).json()
    assert changed["mission"] == "Changed." and changed["title"] == "API statement"
    assert len(changed["commitments"]) == 1 and changed["unpublished_changes"] is True

    pdf = _json(
        client, "get", f"/api/v1/statements/{statement_id}/export?format=pdf", demo_world.viewer
    )
    text = " ".join(_pdf_text(pdf.content, tmp_path).split())
    assert "Less loneliness." in text and "Changed." not in text  # the latest published version
    assert (
        _json(
            client,
            "get",
            f"/api/v1/statements/{statement_id}/export?format=docx&version=9",
            demo_world.viewer,
        ).status_code
        == 404
    )


def test_api_refuses_bad_commitments_and_saves_nothing(client, demo_world):
    from tests.web.measures.factories import imported_measure

    theirs = imported_measure(demo_world.other_org)
    response = _json(
        client,
        "post",
        "/api/v1/statements",
        demo_world.editor,
        {
            "title": "Bad",
            "commitments": [{"title": "Fine"}, {"title": "Bad", "measure_ids": [theirs.pk]}],
        },
    )
    assert response.status_code == 400
    assert "commitments[1].measure_ids" in response.json()["detail"]
    assert not Statement.objects.exists()


def test_api_outsider_gets_404_and_sees_no_statements(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    services.publish(statement)
    for url in (
        f"/api/v1/statements/{statement.pk}",
        f"/api/v1/statements/{statement.pk}/export?format=docx",
    ):
        assert _json(client, "get", url, demo_world.outsider).status_code == 404
    assert _json(client, "get", "/api/v1/statements", demo_world.outsider).json()["count"] == 0


# ---------------------------------------------------------------- the demo


def test_demo_statements_load_once(demo_world):
    from socialvalue.web.accounts.models import Organisation
    from socialvalue.web.planning.demo import load_demo_plan
    from socialvalue.web.statements.demo import load_demo_statements

    for slug in ("brightwater", "oakways", "meridian"):
        Organisation.objects.create(name=slug.title(), slug=slug, kind="provider")
    load_demo_plan()
    load_demo_statements()
    load_demo_statements()
    brightwater = Statement.objects.get(organisation__slug="brightwater")
    assert brightwater.versions.count() == 1 and services.has_unpublished_changes(brightwater)
    assert brightwater.objectives.count() == 4 and brightwater.commitments.count() == 5
    assert Statement.objects.get(organisation__slug="meridian").versions.count() == 1
    assert not Statement.objects.get(organisation__slug="oakways").versions.exists()
    assert brightwater.review_date == timezone.localdate() + dt.timedelta(days=45)


def test_statement_is_a_report_of_the_organisation(demo_world):
    from socialvalue.reports import render
    from socialvalue.web.reports import registry
    from socialvalue.web.tenancy import Actor

    statement = drafted_statement(demo_world.alice_org)
    services.publish(statement)
    report = registry.get("statement")
    actor = Actor.for_user(demo_world.viewer)
    params = report.resolve(actor, demo_world.alice_org, {"statement": str(statement.pk)})
    document = report.build(
        actor=actor, organisation=demo_world.alice_org, progress=lambda *a: None, **params
    )
    assert "We will recruit locally" in _docx_text(render(document, "docx"))
    outsider = Actor.for_user(demo_world.outsider)
    with pytest.raises(Exception) as raised:
        report.resolve(outsider, demo_world.other_org, {"statement": str(statement.pk)})
    assert raised.type.__name__ == "Http404"


def test_only_a_never_published_draft_can_be_deleted(client, demo_world):
    draft = drafted_statement(demo_world.alice_org)
    published = drafted_statement(demo_world.alice_org, title="Published one")
    services.publish(published)
    client.force_login(demo_world.editor)
    assert "Delete this draft" in client.get(f"/statements/{draft.pk}/").content.decode()
    assert client.post(f"/statements/{draft.pk}/delete/").status_code == 302
    assert not Statement.objects.filter(pk=draft.pk).exists()
    assert client.post(f"/statements/{published.pk}/delete/").status_code == 404
    assert Statement.objects.filter(pk=published.pk).exists()


def test_api_gives_a_published_versions_frozen_content(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    services.publish(statement, note="First")
    statement.mission = "Later words"
    statement.save()
    body = _json(client, "get", f"/api/v1/statements/{statement.pk}/versions/1", demo_world.viewer)
    assert body.json()["content"]["mission"] == "We help people live well at home."
    assert body.json()["note"] == "First"


# ---------------------------------------------------------------- an empty statement


def _empty(organisation) -> Statement:
    return Statement.objects.create(organisation=organisation, title="Empty", review_date=None)


EMPTY_REASONS = [
    "It has no commitments: add at least one under “Commitments”.",
    "It serves no business-plan objectives: choose them under “Alignment with business-plan "
    "objectives”.",
    "Every section is empty: write at least one, such as “Mission and principles”.",
]


def test_a_statement_that_says_nothing_is_refused_with_every_reason(demo_world):
    statement = _empty(demo_world.alice_org)
    assert services.is_empty(statement)
    assert services.publish_refusals(statement) == EMPTY_REASONS
    with pytest.raises(ValidationError) as refusal:
        services.publish(statement)
    assert refusal.value.messages == EMPTY_REASONS
    assert not statement.versions.exists()


@pytest.mark.parametrize("part", ["commitment", "objective", "section"])
def test_any_one_part_written_is_enough_to_publish(demo_world, part):
    statement = _empty(demo_world.alice_org)
    if part == "commitment":
        statement.commitments.create(title="We will recruit locally", position=1)
    elif part == "objective":
        statement.objectives.add(ObjectiveFactory(organisation=demo_world.alice_org))
    else:
        statement.sharing = "Champions meet every month."
        statement.save()
    assert services.publish_refusals(statement) == []
    assert services.publish(statement).number == 1


def test_whitespace_is_not_content(demo_world):
    statement = _empty(demo_world.alice_org)
    statement.mission = "   \n"
    statement.save()
    assert services.is_empty(statement)


def test_the_publish_page_lists_the_reasons_and_offers_no_button(client, demo_world):
    statement = _empty(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.get(f"/statements/{statement.pk}/publish/").content.decode()
    assert "This statement cannot be published yet" in page
    assert "It has no commitments" in page and "Every section is empty" in page
    assert ">Publish</button>" not in page
    after = client.post(f"/statements/{statement.pk}/publish/", {}, follow=True)
    text = after.content.decode()
    assert "This statement cannot be published yet:<br>• It has no commitments" in text
    assert "• It serves no business-plan objectives" in text
    assert not statement.versions.exists()


def test_the_api_refuses_an_empty_statement_with_every_reason(client, demo_world):
    statement = _empty(demo_world.alice_org)
    response = _json(
        client, "post", f"/api/v1/statements/{statement.pk}/publish", demo_world.editor, {}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert all(json.dumps(reason)[1:-1] in body for reason in EMPTY_REASONS), body
    assert not statement.versions.exists()
