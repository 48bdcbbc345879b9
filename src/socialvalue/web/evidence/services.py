"""Rules for evidence: recording and changing it, valuing it, verifying it, attaching files, finding it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Round
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from socialvalue.core.carbon import carbon_value, emission_year, load_carbon_values, parse_series
from socialvalue.core.errors import InputError
from socialvalue.core.valuation import (
    Valuation,
    check_price_year,
    in_price_year,
    load_deflators,
    money_at_proxy_prices,
    restate_money,
    value_quantity,
)
from socialvalue.web.accounts.models import Role
from socialvalue.web.errors import FourEyes
from socialvalue.web.measures import services as measures
from socialvalue.web.measures.models import Confidence, Measure
from socialvalue.web.measures.overlaps import OverlapWarning
from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind as NotificationKind
from socialvalue.web.planning.models import Activity
from socialvalue.web.prices import over_deflator
from socialvalue.web.tenancy import Actor, visible

from .models import Evidence, EvidenceFile, EvidenceMessage, Verification

#: Bounds that every database reads back whole. The columns hold 18 digits, but SQLite keeps a
#: decimal as a float and reads it back through 15 significant digits, which rounds 99999999999999.99
#: up to 1e14, a number its quantity column (4 decimal places) cannot hold.
MAX_QUANTITY = Decimal("1e13")
MAX_VALUE = Decimal("1e15")
FACTOR_PLACES = Decimal("1e-8")
#: The fields whose change alters what was verified, so a verified record goes back for checking.
SUBSTANCE = ("measure", "activity", "contract", "quantity", "period_start", "period_end")


def actor_for(organisation: Any) -> Actor:
    """What a member of `organisation` may see, whoever they are (imports and the demo act for an organisation)."""
    return Actor(user=None, memberships={organisation.id: None})


# ---------------------------------------------------------------- valuation


def report_price_year() -> int:
    """Evidence is valued in the prices of the latest year the shipped GDP deflators cover."""
    return load_deflators().last_year


@dataclass(frozen=True)
class Rate:
    """What one unit of a measure is worth in the report's prices, and how that was reached."""

    proxy_value: Decimal
    proxy_price_year: int
    deflator_factor: float
    price_year: int

    def fields(self, quantity: Decimal | float) -> dict[str, Any]:
        return {
            "value": value_in_prices(
                quantity, self.proxy_value, self.proxy_price_year, self.price_year
            ),
            "value_price_year": self.price_year,
            "proxy_value": self.proxy_value,
            "proxy_price_year": self.proxy_price_year,
            "deflator_factor": Decimal(repr(self.deflator_factor)).quantize(FACTOR_PLACES),
        }


NOT_VALUED = dict.fromkeys(
    ("value", "value_price_year", "proxy_value", "proxy_price_year", "deflator_factor")
)


def value_in_prices(
    quantity: Decimal | float, proxy_value: Decimal, proxy_price_year: int, price_year: int
) -> Decimal:
    """Pounds of `quantity` at `proxy_value` in `price_year` prices, to the penny.

    The value in the proxy's own prices (to the penny, as a contract's return line stores it),
    restated with `restate_money`: the one function the council's portfolio and reports use too,
    so a record and a return line of the same quantity show the same pounds.
    """
    return restate_money(money_at_proxy_prices(quantity, proxy_value), proxy_price_year, price_year)


def value_of(evidence: Evidence, price_year: int) -> Decimal | None:
    """What a valued record is worth in `price_year` prices (None when it is counted, not valued)."""
    if evidence.value is None or evidence.proxy_value is None:
        return None
    return value_in_prices(
        evidence.quantity, evidence.proxy_value, evidence.proxy_price_year, price_year
    )


def proxy_for(
    measure: Measure, period_start: dt.date | None = None, period_end: dt.date | None = None
) -> tuple[Decimal, int] | None:
    """The measure's proxy per unit and its price year for a record of this period.

    A fixed proxy is the measure's own. A carbon measure (`proxy_series` carbon/<band>) takes the
    carbon value of the year of the emission, the year of the period's middle day; None when
    that year is outside the series, or when the measure has no proxy.
    """
    band = parse_series(measure.proxy_series)
    if band is not None and period_start is not None and period_end is not None:
        try:
            found = carbon_value(emission_year(period_start, period_end), band)
        except InputError:
            return None
        return Decimal(repr(found.value)), found.price_year
    if measure.proxy_value is None or measure.price_year is None:
        return None
    return measure.proxy_value, measure.price_year


def rate_for(
    measure: Measure, period_start: dt.date | None = None, period_end: dt.date | None = None
) -> Rate | None:
    """The measure's proxy restated in the report's prices; None when it is counted, not valued.

    Give the record's period for a measure whose proxy follows the year (carbon)."""
    proxy = proxy_for(measure, period_start, period_end)
    if proxy is None:
        return None
    proxy_value, proxy_price_year = proxy
    try:
        # The same function every other valuation uses, for one unit: the factor and its checks.
        unit = value_quantity(1, float(proxy_value), proxy_price_year, report_price_year())
    except InputError:
        # A proxy priced outside the deflator table cannot be restated; the record is counted, not valued.
        return None
    return Rate(proxy_value, unit.proxy_price_year, unit.uplift_factor, unit.price_year)


def valuation_fields(
    measure: Measure,
    quantity: Decimal | float,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> dict[str, Any]:
    """The value columns of a record of `quantity` of `measure` over the period: empty when the
    measure is not valued."""
    rate = rate_for(measure, period_start, period_end)
    return rate.fields(quantity) if rate else dict(NOT_VALUED)


def trail(evidence: Evidence) -> Valuation | None:
    """How the record's value was reached, rebuilt from what is stored on it."""
    if evidence.value is None:
        return None
    return Valuation(
        quantity=float(evidence.quantity),
        proxy_value=float(evidence.proxy_value),
        proxy_price_year=evidence.proxy_price_year,
        uplift_factor=float(evidence.deflator_factor),
        price_year=evidence.value_price_year,
        amount=float(evidence.value),
    )


def why_not_valued(evidence: Evidence) -> str:
    measure = evidence.measure
    if parse_series(measure.proxy_series) is not None:
        series = load_carbon_values()
        year = emission_year(evidence.period_start, evidence.period_end)
        if year not in series.values:
            return (
                f"{measure.code} is valued with the carbon value of the emission's year, and "
                f"{year} is outside the carbon values ({series.first_year} to {series.last_year})."
            )
    if measure.proxy_value is None:
        return f"{measure.code} has no financial proxy: it is counted, not valued."
    if measure.price_year is None:
        return f"{measure.code} has a proxy without a price year, so it cannot be restated in today's prices."
    table = load_deflators()
    return (
        f"The proxy of {measure.code} is in {measure.price_year} prices, outside the GDP deflators "
        f"({table.first_year} to {table.last_year}), so it cannot be restated."
    )


# ---------------------------------------------------------------- checking what a record says


def parse_quantity(raw: Any) -> Decimal:
    """A quantity of 0 or more with at most 4 decimal places; raises ValueError with what was wrong."""
    text = str(raw).strip().replace(",", "") if raw is not None else ""
    if not text:
        raise ValueError("Enter a quantity.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"{raw!r} is not a number.")
    if number < 0:
        raise ValueError("Enter a quantity of 0 or more; correct a record by editing it.")
    # The size first: rounding a number as large as 1e40 to 4 places would itself fail.
    if number >= MAX_QUANTITY:
        raise ValueError(f"The quantity is too large: enter less than {MAX_QUANTITY:,.0f}.")
    if number != number.quantize(Decimal("0.0001")):
        raise ValueError("Give the quantity to at most 4 decimal places.")
    return number


def period_problems(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if start is None:
        problems["period_start"] = "Enter the first day of the period."
    if end is None:
        problems["period_end"] = "Enter the last day of the period."
    if start and end and end < start:
        problems["period_end"] = "The period must end on or after the day it starts."
    if start and start > timezone.localdate():
        problems["period_start"] = (
            "The period cannot start in the future: evidence is of what was delivered."
        )
    return problems


def _check(
    organisation: Any,
    *,
    measure: Measure | None,
    activity: Activity | None,
    contract: Any | None,
    quantity: Any,
    period_start: dt.date | None,
    period_end: dt.date | None,
) -> Decimal:
    problems: dict[str, str] = {}
    actor = actor_for(organisation)
    if measure is None:
        problems["measure"] = "Choose the measure this is evidence of."
    elif not visible(Measure, actor).filter(pk=measure.pk).exists():
        problems["measure"] = "Choose a measure from a value set your organisation can use."
    if activity is None:
        problems["activity"] = "Choose the activity that delivered it."
    elif activity.organisation_id != organisation.id:
        problems["activity"] = "Choose one of your organisation's activities."
    if contract is not None and contract.provider_id != organisation.id:
        problems["contract"] = "Choose a contract your organisation delivers as the provider."
    try:
        number = parse_quantity(quantity)
    except ValueError as exc:
        problems["quantity"] = str(exc)
        number = Decimal(0)
    if measure is not None and not problems.keys() & {"measure", "quantity"}:
        rate = rate_for(measure, period_start, period_end)
        if rate and float(number) * float(rate.proxy_value) * rate.deflator_factor >= MAX_VALUE:
            problems["quantity"] = (
                f"The quantity is too large: valued at {measure.code}'s proxy it would be worth "
                f"£{MAX_VALUE:,.0f} or more."
            )
    problems.update(period_problems(period_start, period_end))
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    return number


# ---------------------------------------------------------------- recording and changing


@transaction.atomic
def record_evidence(
    *,
    organisation: Any,
    recorded_by: Any,
    measure: Measure | None,
    activity: Activity | None,
    quantity: Any,
    period_start: dt.date | None,
    period_end: dt.date | None,
    contract: Any | None = None,
    note: str = "",
) -> Evidence:
    """Save a new record, valued with its measure's proxy; raises ValidationError naming each bad field."""
    number = _check(
        organisation,
        measure=measure,
        activity=activity,
        contract=contract,
        quantity=quantity,
        period_start=period_start,
        period_end=period_end,
    )
    now = timezone.now()
    return Evidence.objects.create(
        organisation=organisation,
        measure=measure,
        activity=activity,
        contract=contract,
        quantity=number,
        period_start=period_start,
        period_end=period_end,
        note=(note or "").strip(),
        recorded_by=recorded_by,
        created_at=now,
        updated_at=now,
        **valuation_fields(measure, number, period_start, period_end),
    )


@transaction.atomic
def update_evidence(evidence: Evidence, by: Any = None, **changes: Any) -> Evidence:
    """Change a record; a change to what it claims sends a verified or rejected record back for
    checking, and `by` (who changed it) may then no more verify it than the recorder may."""
    allowed = {*SUBSTANCE, "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: ["This cannot be changed here."] for name in sorted(unknown)})
    proposed = {name: changes.get(name, getattr(evidence, name)) for name in SUBSTANCE}
    number = _check(evidence.organisation, **proposed)
    proposed["quantity"] = number
    changed = [name for name in SUBSTANCE if proposed[name] != getattr(evidence, name)]
    for name, value in proposed.items():
        setattr(evidence, name, value)
    if "note" in changes:
        evidence.note = (changes["note"] or "").strip()
    if changed:
        for name, value in valuation_fields(
            evidence.measure, number, evidence.period_start, evidence.period_end
        ).items():
            setattr(evidence, name, value)
        evidence.changed_by = by
        if evidence.is_settled:
            _unsettle(evidence)
    evidence.updated_at = timezone.now()
    evidence.save()
    return evidence


def revalue(evidence: Evidence) -> Evidence:
    """Value the record again with its measure's current proxy and the current deflators."""
    for name, value in valuation_fields(
        evidence.measure, evidence.quantity, evidence.period_start, evidence.period_end
    ).items():
        setattr(evidence, name, value)
    evidence.save()
    return evidence


# ---------------------------------------------------------------- verification


#: Why the person who recorded a record may not settle it: "verified" means a second person looked.
RECORDED_IT = "You recorded this evidence, so someone else must verify it."
CHANGED_IT = "You changed what this evidence claims, so someone else must verify it."


def verification_refusal(membership: Any, evidence: Evidence) -> str | None:
    """Why this member may not verify, reject or reopen the record, or None when they may.

    The rule: a second pair of eyes, whatever the role. An editor or an admin may settle records
    someone else recorded, never their own (an organisation admin included), nor one whose claim
    they last changed: "verified" always means a second person looked. A record nobody is named
    as recording (the demo's) may be settled by any editor or admin.
    """
    if membership is None or membership.organisation_id != evidence.organisation_id:
        return "You are not a member of the organisation that recorded this evidence."
    if not membership.allows(Role.EDITOR):
        return "Verifying evidence needs the editor or admin role."
    if evidence.recorded_by_id is not None and evidence.recorded_by_id == membership.user_id:
        return RECORDED_IT
    if evidence.changed_by_id is not None and evidence.changed_by_id == membership.user_id:
        return CHANGED_IT
    return None


def _require_verifier(membership: Any, evidence: Evidence) -> None:
    """Refuse with FourEyes (403) the person who recorded the record, PermissionDenied anyone else not allowed."""
    refusal = verification_refusal(membership, evidence)
    if refusal in (RECORDED_IT, CHANGED_IT):
        raise FourEyes(refusal)
    if refusal:
        raise PermissionDenied(refusal)


def _unsettle(evidence: Evidence) -> None:
    evidence.verification = (
        Verification.EVIDENCED if evidence.files.exists() else Verification.SELF_REPORTED
    )
    evidence.verified_by = None
    evidence.verified_at = None
    evidence.rejection_reason = ""


@transaction.atomic
def verify(evidence: Evidence, *, membership: Any) -> Evidence:
    _require_verifier(membership, evidence)
    evidence.verification = Verification.VERIFIED
    evidence.verified_by = membership.user
    evidence.verified_at = timezone.now()
    evidence.rejection_reason = ""
    evidence.save()
    _tell_recorder(evidence, NotificationKind.EVIDENCE_VERIFIED, "verified")
    return evidence


def _tell_recorder(evidence: Evidence, kind: str, word: str) -> None:
    """Whoever recorded the evidence hears that it was verified or rejected."""
    if evidence.recorded_by_id is None:
        return
    notifications.notify(
        kind,
        [evidence.recorded_by],
        organisation=evidence.organisation,
        title=f"{evidence.verified_by.full_name or evidence.verified_by.email} {word} your "
        f"evidence of {evidence.quantity.normalize():f} {evidence.measure.unit} "
        f"({evidence.measure.title})",
        link=reverse("evidence:detail", kwargs={"evidence_id": evidence.pk}),
        key=f"evidence-{word}:{evidence.pk}:{evidence.verified_at:%Y%m%dT%H%M%S.%f}",
        skip=evidence.verified_by,
    )


@transaction.atomic
def reject(evidence: Evidence, *, membership: Any, reason: str) -> Evidence:
    _require_verifier(membership, evidence)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"rejection_reason": ["Say why the evidence is rejected, so it can be put right."]}
        )
    evidence.verification = Verification.REJECTED
    evidence.verified_by = membership.user
    evidence.verified_at = timezone.now()
    evidence.rejection_reason = reason
    evidence.save()
    _tell_recorder(evidence, NotificationKind.EVIDENCE_REJECTED, "rejected")
    return evidence


@transaction.atomic
def reopen(evidence: Evidence, *, membership: Any) -> Evidence:
    """Take back a verification or rejection, returning the record to be checked again."""
    _require_verifier(membership, evidence)
    _unsettle(evidence)
    evidence.save()
    return evidence


def deletion_refusal(membership: Any, evidence: Evidence) -> str | None:
    """Editors delete records made in error; a verified record is part of what was reported, so only an admin may."""
    if membership is None or not membership.allows(Role.EDITOR):
        return "Deleting evidence needs the editor or admin role."
    if evidence.verification == Verification.VERIFIED and not membership.allows(Role.ADMIN):
        return "This record has been verified: only an admin can delete it."
    return None


@transaction.atomic
def delete_evidence(evidence: Evidence, *, membership: Any) -> None:
    refusal = deletion_refusal(membership, evidence)
    if refusal:
        raise PermissionDenied(refusal)
    evidence.delete()


# ---------------------------------------------------------------- files


@transaction.atomic
def attach_files(evidence: Evidence, uploads: list[Any], *, uploaded_by: Any) -> list[EvidenceFile]:
    """Keep the files with the record; a self-reported record with a file becomes evidenced."""
    stored = [
        EvidenceFile.store(
            upload, organisation=evidence.organisation, uploaded_by=uploaded_by, evidence=evidence
        )
        for upload in uploads
    ]
    if stored and evidence.verification == Verification.SELF_REPORTED:
        evidence.verification = Verification.EVIDENCED
        evidence.save()
    return stored


@transaction.atomic
def remove_file(stored: EvidenceFile) -> None:
    evidence = stored.evidence
    stored.delete()
    if evidence.verification == Verification.EVIDENCED and not evidence.files.exists():
        evidence.verification = Verification.SELF_REPORTED
        evidence.save()


# ---------------------------------------------------------------- finding


@dataclass(frozen=True)
class Filters:
    """What a list of evidence is narrowed to; every field optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    measure: int | None = None
    activity: int | None = None
    contract: int | None = None
    verification: str = ""
    team: str = ""
    area: str = ""
    search: str = ""

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def _activity_ids(actor: Actor, **lookup: Any) -> list[int]:
    return list(visible(Activity, actor).filter(**lookup).values_list("id", flat=True))


def search_evidence(actor: Actor, filters: Filters | None = None) -> QuerySet[Evidence]:
    """The records the actor may see matching every filter, newest period first.

    Team, area and words in a measure or activity are first turned into the few matching ids of
    those small tables, so the evidence query itself never joins and its totals come from an index.
    """
    filters = filters or Filters()
    records = visible(Evidence, actor)
    if filters.date_from:
        records = records.filter(period_end__gte=filters.date_from)
    if filters.date_to:
        records = records.filter(period_start__lte=filters.date_to)
    if filters.measure:
        records = records.filter(measure_id=filters.measure)
    if filters.activity:
        records = records.filter(activity_id=filters.activity)
    if filters.contract:
        records = records.filter(contract_id=filters.contract)
    if filters.verification:
        records = records.filter(verification=filters.verification)
    if filters.team:
        records = records.filter(activity_id__in=_activity_ids(actor, team=filters.team))
    if filters.area:
        records = records.filter(activity_id__in=_activity_ids(actor, area=filters.area))
    for word in filters.search.split():
        measure_ids = list(
            visible(Measure, actor)
            .filter(Q(code__icontains=word) | Q(title__icontains=word))
            .values_list("id", flat=True)
        )
        records = records.filter(
            Q(note__icontains=word)
            | Q(measure_id__in=measure_ids)
            | Q(activity_id__in=_activity_ids(actor, name__icontains=word))
        )
    return records.order_by("-period_start", "-id")


def page_of(
    records: QuerySet[Evidence],
    offset: int,
    limit: int,
    *,
    related: tuple[str, ...] = ("measure", "activity"),
    prefetch: tuple[str, ...] = (),
) -> list[Evidence]:
    """One page of the list: its ids first, read from an index in list order, then those rows.

    Sorting a filtered list of many thousand records is cheap when the sort carries only the
    period and the id; the full rows (with their measure and activity) are read for one page only.
    """
    ids = list(records.values_list("id", flat=True)[offset : offset + limit])
    rows = Evidence.objects.filter(pk__in=ids).select_related(*related).prefetch_related(*prefetch)
    return sorted(rows, key=lambda record: ids.index(record.pk))


@dataclass(frozen=True)
class Totals:
    records: int
    value: Decimal
    price_year: int
    by_verification: dict[str, int]
    #: Of `value`, the part from proxies their value set marks unverified, and its records.
    unverified_proxy_value: Decimal = Decimal(0)
    unverified_proxy_records: int = 0
    #: Records counted (not rejected) but not valued: their measure has no proxy.
    unvalued: int = 0


def _real_terms() -> Any:
    """SQL for a record's value in its proxy's prices (to the penny) over D[proxy price year]."""
    in_proxy_prices = Round(
        ExpressionWrapper(
            F("quantity") * F("proxy_value"),
            output_field=DecimalField(max_digits=30, decimal_places=6),
        ),
        2,
    )
    return over_deflator(in_proxy_prices, "proxy_price_year")


class _Sums(NamedTuple):
    by_level: dict[str, int]
    value: Decimal
    unverified_value: Decimal
    unverified_records: int
    unvalued: int


def _sums_by_level_and_measure(
    records: QuerySet[Evidence], worth: Any, unverified: set[int]
) -> _Sums:
    """Summed in SQL by level and measure, in the order of the `evidence_totals` index (so never
    sorted), and the groups (a few hundred at most) added here."""
    groups = (
        records.order_by()
        .values_list("verification", "measure_id")
        .annotate(
            n=Count("id"), valued=Count("value"), worth=Sum(worth, filter=Q(value__isnull=False))
        )
    )
    by_level = dict.fromkeys(Verification.values, 0)
    value = unverified_value = Decimal(0)
    unverified_records = unvalued = 0
    for level, measure_id, count, valued, worth_sum in groups:
        by_level[level] += count
        if level == Verification.REJECTED:
            continue
        unvalued += count - valued
        value += worth_sum or 0
        if measure_id in unverified:
            unverified_value += worth_sum or 0
            unverified_records += valued
    return _Sums(by_level, value, unverified_value, unverified_records, unvalued)


def _sums_in_one_pass(records: QuerySet[Evidence], worth: Any, unverified: set[int]) -> _Sums:
    """Summed in SQL in one pass over the rows, each tested for its level and measure."""
    counted = ~Q(verification=Verification.REJECTED)
    doubtful = counted & Q(measure_id__in=sorted(unverified)) & Q(value__isnull=False)
    found = records.order_by().aggregate(
        total_value=Sum(worth, filter=counted & Q(value__isnull=False)),
        unverified_value=Sum(worth, filter=doubtful),
        unverified_records=Count("id", filter=doubtful),
        unvalued=Count("id", filter=counted & Q(value__isnull=True)),
        **{level: Count("id", filter=Q(verification=level)) for level in Verification.values},
    )
    return _Sums(
        {level: found[level] for level in Verification.values},
        found["total_value"] or Decimal(0),
        found["unverified_value"] or Decimal(0),
        found["unverified_records"],
        found["unvalued"],
    )


def totals(
    records: QuerySet[Evidence], price_year: int | None = None, *, filtered: bool = True
) -> Totals:
    """How many records at each level and (leaving out the rejected) what they are worth, and how
    much of that rests on proxies their value set marks unverified: one query.

    In the prices the records were valued in, the stored values are added. In another
    `price_year`, each record's value in its proxy's prices is divided by that year's deflator in
    SQL, the quotients added, and the sum restated and rounded once (`in_price_year`), as the
    council's portfolio does.

    `filtered` chooses how the rows are read; the figures are the same. All of an organisation's
    records (`filtered=False`) are summed by level and measure straight from the totals index:
    over 200,000 records that takes a third of the time of testing every row's level and
    measure. A filtered list is summed in one pass over the rows its filter's index finds; grouped,
    SQLite would walk the totals index instead and fetch every record to test the filter.
    """
    stored_year = report_price_year()
    price_year = stored_year if price_year is None else check_price_year(price_year)
    unverified = set(
        Measure.objects.filter(confidence=Confidence.UNVERIFIED).values_list("pk", flat=True)
    )
    worth = F("value") if price_year == stored_year else _real_terms()
    read = _sums_in_one_pass if filtered else _sums_by_level_and_measure
    sums = read(records, worth, unverified)
    value, unverified_value = sums.value, sums.unverified_value
    if price_year != stored_year:
        value = in_price_year(value, price_year)
        unverified_value = in_price_year(unverified_value, price_year)
    return Totals(
        records=sum(sums.by_level.values()),
        value=value,
        price_year=price_year,
        by_verification=sums.by_level,
        unverified_proxy_value=unverified_value,
        unverified_proxy_records=sums.unverified_records,
        unvalued=sums.unvalued,
    )


# ---------------------------------------------------------------- double counting


def overlap_warnings(records: QuerySet[Evidence]) -> list[OverlapWarning]:
    """Where two measures that value the same change are both claimed for one activity over
    periods that meet, among `records` (rejected records claim nothing)."""
    claims = records.exclude(verification=Verification.REJECTED)
    warnings = measures.overlapping_claims(
        claims, fields=("measure_id", "activity_id", "period_start", "period_end")
    )
    names = dict(
        Activity.objects.filter(pk__in={w.group for w in warnings}).values_list("id", "name")
    )
    return [replace(w, where=names.get(w.group, "")) for w in warnings]


def overlap_warnings_for(evidence: Evidence) -> list[OverlapWarning]:
    """The overlaps one record takes part in: its measure and another claimed for its activity
    in a period that meets its own."""
    around = Evidence.objects.filter(
        organisation_id=evidence.organisation_id,
        activity_id=evidence.activity_id,
        period_start__lte=evidence.period_end,
        period_end__gte=evidence.period_start,
    )
    if evidence.verification == Verification.REJECTED:
        return []
    return [w for w in overlap_warnings(around) if evidence.measure_id in w.measure_ids]


def refresh_statistics() -> None:
    """After many records arrive at once, let SQLite's planner see them, so it keeps choosing the
    covering indexes for the list's totals (PostgreSQL's autovacuum analyses on its own)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{Evidence._meta.db_table}"')


def provider_contracts(organisation: Any) -> QuerySet:
    """Contracts evidence may be recorded against: those the organisation delivers."""
    # Through the record's foreign key: contracts build on evidence, which does not import them.
    contracts = Evidence._meta.get_field("contract").related_model._default_manager
    return contracts.filter(provider=organisation)


def teams_and_areas(actor: Actor) -> tuple[list[str], list[str]]:
    activities = visible(Activity, actor)
    teams = sorted({t for t in activities.values_list("team", flat=True) if t}, key=str.casefold)
    areas = sorted({a for a in activities.values_list("area", flat=True) if a}, key=str.casefold)
    return teams, areas


# --------------------------------------------------------------------------------------------
# The conversation on a record

MESSAGE_MAX = 5000


def evidence_in_conversation(actor: Actor, evidence_id: Any) -> Evidence:
    """A record whose conversation the actor takes part in (its organisation, or the council of
    its contract); 404 for anyone else."""
    try:
        return (
            Evidence.objects.in_conversation_with(actor)
            .select_related("organisation", "contract__commissioner", "measure")
            .get(pk=evidence_id)
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404("No evidence record found.") from None


def _sides(evidence: Evidence) -> list[Any]:
    contract = evidence.contract
    council = contract.commissioner if contract is not None else None
    return [evidence.organisation] + ([council] if council is not None else [])


def writing_side(actor: Actor, evidence: Evidence, organisation_id: int | None = None) -> Any:
    """The side the actor writes for: the record's organisation or its contract's council
    (`organisation_id` chooses for someone in both), as an editor or admin."""
    sides = [org for org in _sides(evidence) if org.pk in actor.organisation_ids]
    if not sides:
        raise Http404("No evidence record found.")
    chosen = next((org for org in sides if org.pk == organisation_id), sides[0])
    actor.require(chosen.pk, Role.EDITOR)
    return chosen


def evidence_messages(evidence: Evidence, actor: Actor):
    return (
        visible(EvidenceMessage, actor)
        .filter(evidence=evidence)
        .select_related("organisation", "author")
    )


@transaction.atomic
def post_evidence_message(
    *, evidence: Evidence, actor: Actor, body: str, organisation_id: int | None = None
) -> EvidenceMessage:
    """A message on an evidence record. The other side hears of it: the record's organisation
    (its recorder and whoever has written for it) when the council writes; the council, and the
    recorder and earlier writers of the organisation, when the organisation writes."""
    side = writing_side(actor, evidence, organisation_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["Write your message."]})
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            {"body": [f"Keep the message to {MESSAGE_MAX:,} characters or fewer."]}
        )
    message = EvidenceMessage.objects.create(
        evidence=evidence, organisation=side, author=actor.user, body=body
    )
    _tell_of_message(message, actor.user)
    return message


def _tell_of_message(message: EvidenceMessage, by: Any) -> None:
    evidence = message.evidence
    author = by.full_name or by.email if by is not None else "Someone"
    title = (
        f"{author} wrote about the evidence of {evidence.quantity.normalize():f} "
        f"{evidence.measure.unit} ({evidence.measure.title})"
    )
    link = reverse("evidence:messages", kwargs={"evidence_id": evidence.pk}) + "#conversation"
    key = f"evidence-message:{message.pk}"
    provider = evidence.organisation
    writers = {
        m.author
        for m in evidence.messages.filter(organisation=provider).select_related("author")
        if m.author is not None and m.author.is_active
    }
    if evidence.recorded_by is not None and evidence.recorded_by.is_active:
        writers.add(evidence.recorded_by)
    notifications.notify(
        NotificationKind.EVIDENCE_MESSAGE,
        writers,
        organisation=provider,
        title=title,
        link=link,
        key=key,
        skip=by,
    )
    for council in _sides(evidence)[1:]:
        other = council if message.organisation_id == provider.pk else provider
        notifications.notify_members(
            NotificationKind.EVIDENCE_MESSAGE, other, title=title, link=link, key=key, skip=by
        )
