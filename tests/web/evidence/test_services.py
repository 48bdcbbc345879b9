"""Recording, valuing, verifying and finding evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socialvalue.core.valuation import load_deflators
from socialvalue.web.errors import FourEyes
from socialvalue.web.evidence import services
from socialvalue.web.evidence.models import Verification
from tests.web.evidence.factories import activity, counted_measure, evidence, valued_measure
from tests.web.files.samples import EXE_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def test_a_record_is_valued_with_its_proxy_in_the_latest_prices(demo_world):
    record = evidence(demo_world.alice_org, quantity="3", recorded_by=demo_world.editor)
    table = load_deflators()
    factor = table.index[table.last_year] / table.index[2022]
    assert record.value_price_year == table.last_year
    assert record.proxy_value == Decimal("1500")
    assert record.proxy_price_year == 2022
    assert record.value == Decimal(3 * 1500 * factor).quantize(Decimal("0.01"))
    explained = services.trail(record).explain()
    assert explained.startswith("3 × £1,500.00 (2022 prices) × ")
    assert explained.endswith(f"in {table.last_year} prices")


def test_a_measure_without_a_proxy_is_counted_not_valued(demo_world):
    record = evidence(demo_world.alice_org, measure=counted_measure(demo_world.alice_org))
    assert record.value is None and services.trail(record) is None
    assert "counted, not valued" in services.why_not_valued(record)


def test_bad_fields_are_each_named(demo_world):
    other_activity = activity(demo_world.other_org)
    with pytest.raises(ValidationError) as caught:
        services.record_evidence(
            organisation=demo_world.alice_org,
            recorded_by=demo_world.editor,
            measure=valued_measure(demo_world.other_org),
            activity=other_activity,
            quantity="-2",
            period_start=dt.date(2025, 5, 1),
            period_end=dt.date(2025, 4, 1),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"measure", "activity", "quantity", "period_end"}
    assert errors["quantity"] == ["Enter a quantity of 0 or more; correct a record by editing it."]


def test_a_quantity_or_value_beyond_what_the_database_reads_back_is_refused(demo_world):
    """A 400 naming the quantity, not a 500: SQLite read 99999999999999.98 back as 1e14, too long."""
    for quantity in ("99999999999999.98", "10000000000000"):
        with pytest.raises(ValidationError) as caught:
            evidence(demo_world.alice_org, quantity=quantity, recorded_by=demo_world.editor)
        assert list(caught.value.message_dict) == ["quantity"]
        assert "too large" in caught.value.message_dict["quantity"][0]
    # A trillion units at £1,500 each is within the quantity's bound but not the value's.
    with pytest.raises(ValidationError) as caught:
        evidence(demo_world.alice_org, quantity="1000000000000", recorded_by=demo_world.editor)
    assert "would be worth" in caught.value.message_dict["quantity"][0]
    record = evidence(demo_world.alice_org, quantity="100000000", recorded_by=demo_world.editor)
    assert record.value > Decimal("1.5e11")
    with pytest.raises(ValidationError):
        services.update_evidence(record, quantity="1000000000000")


def test_editing_what_was_verified_sends_it_back_for_checking(demo_world):
    alice = demo_world.alice_org
    record = evidence(alice, recorded_by=demo_world.editor)
    services.verify(record, membership=demo_world.admin.memberships.get())
    assert record.verification == Verification.VERIFIED and record.verified_by == demo_world.admin
    services.update_evidence(record, note="Register attached later")
    assert record.verification == Verification.VERIFIED
    old_value = record.value
    services.update_evidence(record, quantity="6")
    assert record.verification == Verification.SELF_REPORTED and record.verified_by is None
    assert record.value == old_value * 2


def test_nobody_settles_a_record_they_recorded_whatever_their_role(demo_world):
    alice = demo_world.alice_org
    editor = demo_world.editor.memberships.get()
    admin = demo_world.admin.memberships.get()
    viewer = demo_world.viewer.memberships.get()
    editors_own = evidence(alice, recorded_by=demo_world.editor)
    admins_own = evidence(alice, recorded_by=demo_world.admin)
    for record, membership in ((editors_own, editor), (admins_own, admin)):
        for action, extra in (
            (services.verify, {}),
            (services.reject, {"reason": "Wrong month"}),
            (services.reopen, {}),
        ):
            with pytest.raises(FourEyes, match="You recorded this evidence, so someone else"):
                action(record, membership=membership, **extra)
        record.refresh_from_db()
        assert record.verification == Verification.SELF_REPORTED and record.verified_by is None
    with pytest.raises(PermissionDenied, match="editor or admin role"):
        services.verify(editors_own, membership=viewer)
    # Each verifies the other's record: a second person looked.
    services.verify(editors_own, membership=admin)
    services.verify(admins_own, membership=editor)
    assert editors_own.verified_by == demo_world.admin
    assert admins_own.verified_by == demo_world.editor
    # A record nobody is named as recording (the demo, a command-line import): any editor.
    unnamed = evidence(alice, recorded_by=None)
    services.verify(unnamed, membership=editor)


def test_who_changes_what_a_record_claims_may_not_verify_it_either(demo_world):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    admin = demo_world.admin.memberships.get()
    services.update_evidence(record, by=demo_world.admin, note="Register in the HR folder")
    assert record.changed_by is None  # a note does not change the claim
    services.update_evidence(record, by=demo_world.admin, quantity="300")
    assert record.changed_by == demo_world.admin
    with pytest.raises(FourEyes, match="You changed what this evidence claims"):
        services.verify(record, membership=admin)
    # Nobody who touched the claim is left to verify it but a third person.
    with pytest.raises(FourEyes, match="You recorded this evidence"):
        services.verify(record, membership=demo_world.editor.memberships.get())


def test_a_rejection_needs_a_reason(demo_world):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    admin = demo_world.admin.memberships.get()
    with pytest.raises(ValidationError):
        services.reject(record, membership=admin, reason=" ")
    services.reject(record, membership=admin, reason="The register covers March, not April.")
    assert record.verification == Verification.REJECTED
    totals = services.totals(services.search_evidence(services.actor_for(demo_world.alice_org)))
    assert totals.records == 1 and totals.value == 0
    assert totals.by_verification["rejected"] == 1


@pytest.mark.parametrize("filtered", [True, False], ids=["one pass", "by level and measure"])
def test_the_totals_add_every_level_and_measure_as_the_records_do(demo_world, filtered):
    """Both ways of reading the totals give what the records themselves add up to, in their own
    prices and restated to another year."""
    from socialvalue.core.valuation import deflator, in_price_year
    from socialvalue.web.measures.models import Confidence

    alice = demo_world.alice_org
    doubtful = valued_measure(alice)
    doubtful.pk, doubtful.code, doubtful.confidence = None, "ALC-9", Confidence.UNVERIFIED
    doubtful.save()
    measures = [valued_measure(alice), doubtful, counted_measure(alice)]
    levels = list(Verification.values)
    records = []
    for i in range(24):
        record = evidence(
            alice, quantity=f"{i + 1}.5", month=1 + i % 12, measure=measures[i % len(measures)]
        )
        record.verification = levels[(i // 3) % len(levels)]
        record.save(update_fields=["verification"])
        records.append(record)
    counted = [r for r in records if r.verification != Verification.REJECTED]
    valued = [r for r in counted if r.value is not None]
    listed = services.search_evidence(services.actor_for(alice))
    found = services.totals(listed, filtered=filtered)

    assert found.by_verification == {
        level: sum(r.verification == level for r in records) for level in levels
    }
    assert found.records == len(records)
    assert found.value == sum(r.value for r in valued)
    assert found.unverified_proxy_value == sum(r.value for r in valued if r.measure == doubtful)
    assert found.unverified_proxy_records == sum(r.measure == doubtful for r in valued)
    assert found.unvalued == len(counted) - len(valued) > 0

    def restated(rows):
        real = sum(
            (r.quantity * r.proxy_value).quantize(Decimal("0.01")) / deflator(r.proxy_price_year)
            for r in rows
        )
        return in_price_year(real, 2019)

    in_2019 = services.totals(listed, 2019, filtered=filtered)
    assert in_2019.price_year == 2019
    assert in_2019.value == restated(valued)
    assert in_2019.unverified_proxy_value == restated(r for r in valued if r.measure == doubtful)
    assert in_2019.by_verification == found.by_verification


def test_a_file_makes_a_record_evidenced_and_a_program_is_refused(demo_world):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    with pytest.raises(ValidationError, match="setup.pdf is not an allowed type"):
        services.attach_files(record, [upload("setup.pdf", EXE_BYTES)], uploaded_by=None)
    assert record.files.count() == 0
    (stored,) = services.attach_files(
        record, [upload("register.pdf", PDF_BYTES)], uploaded_by=demo_world.editor
    )
    record.refresh_from_db()
    assert record.verification == Verification.EVIDENCED
    assert stored.file_type == "pdf" and stored.size == len(PDF_BYTES)
    assert "register" not in stored.file.name and stored.file.name.startswith("evidence/")
    services.remove_file(stored)
    record.refresh_from_db()
    assert record.verification == Verification.SELF_REPORTED


def test_filters_narrow_the_list(demo_world):
    alice = demo_world.alice_org
    lunch = activity(alice)
    garden = activity(alice, name="Garden project", team="Outreach", area="Eastbank")
    evidence(alice, month=4, activity_=lunch)
    evidence(alice, month=5, activity_=garden, note="Volunteers from the allotment")
    evidence(demo_world.other_org, month=5)
    actor = services.actor_for(alice)
    assert services.search_evidence(actor).count() == 2
    assert services.search_evidence(actor, services.Filters(team="Outreach")).count() == 1
    assert services.search_evidence(actor, services.Filters(area="Riverside North")).count() == 1
    assert services.search_evidence(actor, services.Filters(search="allotment")).count() == 1
    may = services.Filters(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31))
    assert services.search_evidence(actor, may).get().activity == garden
