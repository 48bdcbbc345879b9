"""The glossary: one page of plain-English entries, linked from the footer and from the SROI forms'
hints wherever they name a term."""

import re

import pytest

from socialvalue.web import glossary
from tests.web.analyses.factories import analysis_for

pytestmark = pytest.mark.django_db

TERMS = [
    "deadweight",
    "attribution",
    "displacement",
    "drop-off",
    "benefit-period",
    "discount-rate",
    "green-book-schedule",
    "npv",
    "excels-npv",
    "sroi-ratio",
    "proxy-value",
    "price-year",
    "deflator",
    "wellby",
    "social-value-weighting",
]


def test_glossary_is_open_to_everyone_with_an_anchor_per_term(client):
    response = client.get("/glossary/")
    assert response.status_code == 200
    page = response.content.decode()
    for slug in TERMS:
        assert f'id="{slug}"' in page, slug
        assert f'href="#{slug}"' in page, slug
    assert "discounts the first value too" in page  # Excel's NPV, said plainly


def test_footer_links_to_the_glossary(client):
    assert 'href="/glossary/"' in client.get("/").content.decode()


def test_a_term_is_linked_once_and_longer_names_win():
    html = glossary.link_terms("Excel's NPV is not the NPV; deadweight <b> and deadweight")
    assert html.count('href="/glossary/#excels-npv"') == 1
    assert html.count('href="/glossary/#npv"') == 1
    assert html.count('href="/glossary/#deadweight"') == 1
    assert "&lt;b&gt;" in html  # the text is escaped around the links


def test_sroi_outcome_form_links_its_terms(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.get(f"/sroi/{analysis.pk}/outcomes/0/").content.decode()
    for slug in ("deadweight", "displacement", "attribution", "drop-off", "benefit-period"):
        assert f'href="/glossary/#{slug}"' in page, slug
    # a term only the label names gets its link in the hint, never inside the label
    labels = re.findall(r"<label[^>]*>.*?</label>", page, re.S)
    assert not any("/glossary/" in label for label in labels)


def test_sroi_settings_link_the_discounting_terms(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.get(f"/sroi/{analysis.pk}/settings/").content.decode()
    for slug in ("discount-rate", "green-book-schedule", "excels-npv", "price-year", "deflator"):
        assert f'href="/glossary/#{slug}"' in page, slug


def test_forms_that_do_not_ask_keep_their_hints_plain(client, demo_world):
    client.force_login(demo_world.editor)
    page = client.get("/plan/activities/new/").content.decode()
    assert "/glossary/#" not in page
