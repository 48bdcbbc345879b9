"""Case studies: the story sanitised, consent before sharing, the library's search and filters, files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.casestudies import services
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.measures.models import SdgGoal
from tests.factories import bearer
from tests.web.casestudies.factories import case_study
from tests.web.files.samples import EXE_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


def test_the_story_is_rendered_and_sanitised():
    html = str(
        services.story_html(
            "## Heading\n\n#### Smaller\n\nHello **there** <script>alert(1)</script> "
            "[link](javascript:alert(1)) [ok](https://example.org) <img src=x onerror=alert(1)>\n\n* one\n* two"
        )
    )
    assert '<h2 class="govuk-heading-m">Heading</h2>' in html
    assert '<h3 class="govuk-heading-s">Smaller</h3>' in html
    assert "<strong>there</strong>" in html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert 'href="https://example.org"' in html and 'class="govuk-link"' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_sharing_needs_consent(demo_world):
    draft = case_study(demo_world.alice_org, consent=False)
    with pytest.raises(ValidationError) as caught:
        services.share(draft, by=demo_world.editor)
    assert "Record the consent" in caught.value.message_dict["consent_given_on"][0]
    assert not draft.is_shared
    services.save_case_study(
        draft,
        by=demo_world.editor,
        consent_given_on=draft.created_at.date(),
        consent_note="Verbal, noted in the log",
    )
    services.share(draft, by=demo_world.editor)
    assert draft.is_shared and draft.shared_by == demo_world.editor
    assert draft.consent_recorded_by == demo_world.editor


def test_consent_needs_a_note_of_how_it_was_given(demo_world):
    with pytest.raises(ValidationError) as caught:
        services.save_case_study(
            CaseStudy(organisation=demo_world.alice_org),
            by=None,
            title="Garden",
            summary="A shared garden.",
            consent_given_on=dt.date(2025, 1, 1),
            consent_note="",
        )
    assert caught.value.message_dict == {
        "consent_note": ["Say how consent was given and where the record of it is kept."]
    }
    assert not CaseStudy.objects.exists()


def test_the_library_searches_and_filters(demo_world):
    alice = demo_world.alice_org
    lunch = case_study(alice, shared=True, team="Day services", area="Riverside North")
    garden = case_study(
        alice,
        title="Allotment for wellbeing",
        summary="A shared garden.",
        story="Members grow vegetables.",
        replication_notes="You need a plot and two volunteers each week.",
        team="Outreach",
        area="Eastbank",
        shared=True,
    )
    garden.sdgs.set([SdgGoal.objects.get(number=3)])
    case_study(alice, title="Draft about volunteering", shared=False)
    case_study(demo_world.other_org, title="Charlie's volunteering story", shared=True)
    actor = services.Actor(user=None, memberships={alice.id: None})
    find = lambda **f: list(services.search_case_studies(actor, services.Filters(**f)))  # noqa: E731
    assert find() == [garden, lunch]
    assert find(search="volunteering") == [garden, lunch]  # replication notes and story, stemmed
    assert find(search="allotment") == [garden]
    assert find(team="outreach") == [garden]
    assert find(area="Riverside North") == [lunch]
    assert find(sdg=3) == [garden]
    assert [c.title for c in find(status="draft")] == ["Draft about volunteering"]
    assert len(find(status="")) == 3


def test_writing_a_case_study_on_the_web(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post(
        "/case-studies/new/",
        {
            "title": "Befriending by phone",
            "summary": "Weekly calls to people living alone.",
            "story": "It started in lockdown.",
            "replication_notes": "A phone, a rota and DBS checks.",
            "team": "Community",
            "area": "Eastbank",
            "sdgs": [SdgGoal.objects.get(number=3).pk],
            "files": [upload("calls.png", PNG_BYTES)],
            "caption": "A volunteer on the phone",
        },
    )
    created = CaseStudy.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/case-studies/{created.pk}/"
    assert created.created_by == demo_world.editor and not created.is_shared
    page = client.get(f"/case-studies/{created.pk}/").content.decode()
    assert 'alt="A volunteer on the phone"' in page
    assert "Not recorded: it cannot be shared yet" in page
    response = client.post(f"/case-studies/{created.pk}/sharing/", {"share": "1"}, follow=True)
    assert "Record the consent" in response.content.decode()
    created.refresh_from_db()
    assert not created.is_shared
    image = created.files.get()
    download = client.get(f"/case-studies/{created.pk}/files/{image.pk}/")
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_renamed_program_is_refused_on_a_case_study(client, demo_world):
    found = case_study(demo_world.alice_org)
    client.force_login(demo_world.editor)
    response = client.post(
        f"/case-studies/{found.pk}/files/", {"files": [upload("photo.jpg", EXE_BYTES)]}
    )
    assert response.status_code == 400
    assert "photo.jpg is not an allowed type" in response.content.decode()
    assert not found.files.exists()


def test_a_viewer_reads_the_library_but_cannot_write(client, demo_world):
    case_study(demo_world.alice_org, shared=True)
    client.force_login(demo_world.viewer)
    page = client.get("/case-studies/").content.decode()
    assert "Lunch club brings neighbours together" in page and "Write a case study" not in page
    assert client.get("/case-studies/new/").status_code == 403


def test_the_api_searches_creates_and_shares(client, demo_world):
    case_study(demo_world.alice_org, shared=True)
    headers = bearer(demo_world.editor)
    found = client.get("/api/v1/case-studies?search=lunch", **headers).json()
    assert found["count"] == 1 and found["items"][0]["story_html"].startswith(
        '<p class="govuk-body">'
    )
    assert client.get("/api/v1/case-studies?search=nothing+like+it", **headers).json()["count"] == 0
    body = {"title": "Garden", "summary": "A shared garden.", "sdgs": [3, 15], "shared": True}
    response = client.post(
        "/api/v1/case-studies", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert "consent_given_on" in response.json()["detail"]
    assert not CaseStudy.objects.filter(title="Garden", shared_at__isnull=False).exists()
    body.update(consent_given_on="2025-02-01", consent_note="Signed form")
    response = client.post(
        "/api/v1/case-studies", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["shared"] is True and response.json()["sdgs"] == [3, 15]


def test_the_api_multipart_upload(client, demo_world):
    found = case_study(demo_world.alice_org)
    response = client.post(
        f"/api/v1/case-studies/{found.pk}/files",
        {"file": upload("garden.png", PNG_BYTES), "caption": "Raised beds"},
        **bearer(demo_world.editor),
    )
    assert response.status_code == 201, response.content
    assert response.json()[0]["caption"] == "Raised beds"


def test_deleting_a_case_study(client, demo_world):
    found = case_study(demo_world.alice_org, shared=True)
    client.force_login(demo_world.viewer)
    assert client.post(f"/case-studies/{found.pk}/delete/").status_code == 403
    client.force_login(demo_world.editor)
    assert (
        "Delete the case study" in client.get(f"/case-studies/{found.pk}/delete/").content.decode()
    )
    assert client.post(f"/case-studies/{found.pk}/delete/").status_code == 302
    assert not CaseStudy.objects.exists()


def test_the_word_and_pdf_downloads_read_back(client, demo_world, tmp_path):
    import io
    import subprocess

    import docx

    found = case_study(
        demo_world.alice_org,
        story="## Before\n\nMembers ate alone.\n\n* Weekly lunches\n* Transport home",
        replication_notes="A hall, a cook and a minibus.",
        team="Day services",
    )
    client.force_login(demo_world.viewer)
    response = client.get(f"/case-studies/{found.pk}/download.docx")
    assert response["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    for expected in (
        found.title,
        "Members ate alone.",
        "Transport home",
        "A hall, a cook and a minibus.",
    ):
        assert expected in text
    pdf = tmp_path / "case.pdf"
    pdf.write_bytes(client.get(f"/case-studies/{found.pk}/download.pdf").content)
    words = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Members ate alone." in words and "Consent given on 1 March 2025" in words


def test_a_short_case_study_prints_on_a_cover_and_one_page(client, demo_world):
    from tests.reports.readers import pdf_pages

    found = case_study(demo_world.alice_org, replication_notes="A hall, a cook and a minibus.")
    client.force_login(demo_world.viewer)
    pages = pdf_pages(client.get(f"/case-studies/{found.pk}/download.pdf").content)
    # Its five short parts run on one after another rather than each starting a page.
    assert len(pages) == 2, f"{len(pages)} pages"
    for text in ("Contents", "Older people in Riverside North", "A hall, a cook", "Consent given"):
        assert text in pages[1], text


def test_themes_are_grouped_by_framework_the_organisations_own_first(client, demo_world):
    """A fieldset per framework, whose legend names it: the organisation's own set leads, and the
    superseded 2020 model's "COVID-19 recovery" no longer opens the list."""
    import html
    import re

    from tests.web.measures.factories import imported_set

    own = imported_set(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.get("/case-studies/new/").content.decode()
    themes = page[page.index(">Themes</legend>") : page.index(">Outcomes</legend>")]
    legends = re.findall(r'<legend class="govuk-fieldset__legend">(.*?)</legend>', themes)
    assert html.unescape(legends[0]) == f"{own.name}: {own.version}"
    assert len(legends) == len(set(legends)) >= 3  # one fieldset per framework, none repeated
    ppn_002 = next(i for i, legend in enumerate(legends) if "PPN 002" in legend)
    ppn_06_20 = next(i for i, legend in enumerate(legends) if "PPN 06/20" in legend)
    assert ppn_002 < ppn_06_20  # the current edition before the one it replaced
    first_label = re.search(
        r'class="govuk-label govuk-checkboxes__label"[^>]*>(.*?)</label>', themes
    )
    assert "COVID-19" not in first_label.group(1)
    assert "(UK Government Social Value Model)" not in themes  # the legend names the framework
