"""The header's account menu holds the organisation, its members, the audit trail, API tokens and
signing out; the service navigation keeps the work."""

import re

import pytest

pytestmark = pytest.mark.django_db

ACCOUNT = ["Organisation", "Members", "Audit trail", "API tokens"]


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def test_account_links_are_in_the_header_not_the_service_navigation(client, demo_world):
    client.force_login(demo_world.admin)
    page = client.get("/").content.decode()
    header = _section(page, '<header class="govuk-header"', "</header>")
    service = _section(page, 'class="govuk-service-navigation"', "</section>")
    account = re.findall(r'class="govuk-header__link" href="[^"]+"[^>]*>([^<]+)</a>', header)
    assert account == ACCOUNT
    assert "Sign out</button>" in header
    for label in [*ACCOUNT, "Sign out"]:
        assert f">{label}<" not in service, label
    assert ">Measures<" in service


def test_the_audit_trail_is_offered_to_admins_only(client, demo_world):
    client.force_login(demo_world.viewer)
    header = _section(client.get("/").content.decode(), '<header class="govuk-header"', "</header>")
    assert "Audit trail" not in header and ">Members<" in header


def test_the_current_account_page_is_marked(client, demo_world):
    client.force_login(demo_world.admin)
    page = client.get("/organisation/members/").content.decode()
    assert 'href="/organisation/members/" aria-current="page">Members<' in page
