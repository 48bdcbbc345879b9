"""Schemathesis over the OpenAPI description: no 5xx, and every answer is one the document declares.

Requests come from a member of organisations with data (the demo's Brightwater Care, a provider, and
Riverside Borough Council, the commissioner it contracts with), with both data that matches the
document (positive) and data that breaks it (negative). Every request runs in a transaction rolled
back afterwards, so each one sees the same data whatever ran before it.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from socialvalue.web.wsgi import application
from tests.factories import token_for
from tests.properties import examples

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

#: What every answer is held to. Not `positive_data_acceptance`: a body can match the document and
#: still break a rule it cannot state (another organisation's object, an end before its start), which
#: is a documented 400. Not `negative_data_rejection`: the token sent with every request makes a case
#: generated to go without one succeed.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: The signed-in person: the demo's Brightwater lead, also made an admin of Riverside.
EMAIL = "lead@brightwater.example"


def _models():
    from socialvalue.web.accounts.models import ApiToken, Organisation, User
    from socialvalue.web.analyses.models import Analysis
    from socialvalue.web.casestudies.models import CaseStudy, CaseStudyFile
    from socialvalue.web.commissioning.models import Procurement
    from socialvalue.web.contracts.models import Contract, Return, ReturnFile
    from socialvalue.web.engagements.models import Engagement, Event, PipelineItem, Proposal
    from socialvalue.web.engagements.models import Response as EngagementResponse
    from socialvalue.web.evidence.models import Evidence, EvidenceFile
    from socialvalue.web.measures.models import Measure, ValueSet
    from socialvalue.web.planning.models import Activity, Objective
    from socialvalue.web.reports.models import ReportRun
    from socialvalue.web.statements.models import Statement

    return {
        "token": ApiToken,
        "organisation": Organisation,
        "bidder": Organisation,
        "provider": Organisation,
        "commissioner": Organisation,
        "lead": User,
        "value_set": ValueSet,
        "measure": Measure,
        "objective": Objective,
        "activity": Activity,
        "statement": Statement,
        "evidence": Evidence,
        "case_study": CaseStudy,
        "analysis": Analysis,
        "forecast": Analysis,
        "procurement": Procurement,
        "engagement": Engagement,
        "event": Event,
        "response": EngagementResponse,
        "item": PipelineItem,
        "proposal": Proposal,
        "contract": Contract,
        "return": Return,
        "run": ReportRun,
        "file": {"evidence": EvidenceFile, "case-studies": CaseStudyFile, "returns": ReturnFile},
    }


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo's organisations and their data, loaded once for the module and rolled back after it."""
    from socialvalue.web.accounts.models import Membership, Organisation, User
    from socialvalue.web.demo import load_demo

    # Django closes a connection it finds inside a transaction at the start and end of each request;
    # its test client stops that, and so must a test that calls the WSGI application itself.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock():
            with transaction.atomic():
                load_demo()
                user = User.objects.get(email=EMAIL)
                Membership.objects.get_or_create(
                    user=user, organisation=Organisation.objects.get(slug="riverside"), role="admin"
                )
                token = token_for(user)
                ids = {}
                for name, model in _models().items():
                    if isinstance(model, dict):
                        ids[name] = {
                            k: sorted(m.objects.values_list("pk", flat=True))
                            for k, m in model.items()
                        }
                    else:
                        ids[name] = sorted(model.objects.values_list("pk", flat=True))
                ids["member_of"] = sorted(
                    user.memberships.values_list("organisation_id", flat=True)
                )
                yield {"token": token, "ids": ids}
                transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real(value, ids: list[int]):
    """Most generated ids become ids of real objects (of any organisation); a quarter stay as generated."""
    if not ids or isinstance(value, bool) or not isinstance(value, int) or value % 4 == 0:
        return value
    return ids[value % len(ids)]


def _aim_at_data(case, ids: dict) -> None:
    """Point a case that matches the document at objects that exist, so routes do more than answer 404."""
    if not case.meta or case.meta.is_negative_at(ParameterLocation.PATH):
        pass
    elif case.path_parameters:
        for name, value in list(case.path_parameters.items()):
            kind = name.removesuffix("_id")
            choices = ids.get(kind)
            if kind == "file":
                choices = choices.get(case.path.split("/")[3], [])
            if isinstance(choices, list):
                case.path_parameters[name] = _real(value, choices)
    if (
        case.meta
        and not case.meta.is_negative_at(ParameterLocation.BODY)
        and isinstance(case.body, dict)
    ):
        for key, value in list(case.body.items()):
            kind = key.removesuffix("_ids").removesuffix("_id")
            choices = ids["member_of"] if kind == "organisation" else ids.get(kind)
            if key == kind or not isinstance(choices, list):
                continue
            if isinstance(value, list):
                case.body[key] = [_real(v, choices) for v in value]
            else:
                case.body[key] = _real(value, choices)


@pytest.fixture
def api_client(demo_data, db):
    return demo_data


@schema.parametrize()
@settings(
    max_examples=examples(25),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, api_client):
    _aim_at_data(case, api_client["ids"])
    with transaction.atomic():
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {api_client['token']}"}, checks=CHECKS
            )
        finally:
            transaction.set_rollback(True)
