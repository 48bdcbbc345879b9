"""Rules for measures and value sets: importing (all or nothing), exporting, searching and valuing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from socialvalue.core.errors import InputError
from socialvalue.core.formats.value_set import (
    ValueSetFile,
    ValueSetRow,
    overlaps_of,
    read_value_set,
    write_value_set,
)
from socialvalue.core.valuation import load_deflators, uplift
from socialvalue.web.files import staging
from socialvalue.web.tenancy import Actor, visible

from . import usage
from .models import (
    Measure,
    MeasureOverlap,
    Outcome,
    SdgGoal,
    SdgTarget,
    Theme,
    ValueSet,
    search_text_for,
)
from .overlaps import Claim, OverlapWarning, declared_overlaps
from .overlaps import overlapping_claims as _overlapping_claims
from .usage import Use

IMPORT_BATCH = 1000


def actor_for_organisation(organisation: Any | None) -> Actor:
    """What someone working for `organisation` may see (the command line acts for an organisation, not a user)."""
    return Actor(user=None, memberships={organisation.id: None} if organisation is not None else {})


# ---------------------------------------------------------------- reading and checking an import


def read_file(path: str | Path, *, price_year: int | None = None) -> ValueSetFile:
    """The rows of a .csv or .xlsx value set; raises InputError naming every bad row."""
    return read_value_set(path, default_price_year=price_year)


def _existing(name: str, version: str, organisation: Any | None) -> ValueSet | None:
    return ValueSet.objects.filter(name=name, version=version, organisation=organisation).first()


def check_import(
    *,
    name: str,
    version: str,
    licence: str,
    organisation: Any | None = None,
    site_wide: bool = False,
    replace: bool = False,
    imported_by: Any | None = None,
) -> ValueSet | None:
    """Refuse an import before any row is read; returns the set a replacement would overwrite."""
    errors: dict[str, list[str]] = {}
    for field, value, label in (
        ("name", name, "a name"),
        ("version", version, "a version"),
        ("licence", licence, "its licence"),
    ):
        if not (value or "").strip():
            errors.setdefault(field, []).append(f"Enter {label}.")
    if site_wide and organisation is not None:
        errors.setdefault("organisation", []).append(
            "A site-wide set belongs to no organisation: leave out the organisation."
        )
    if not site_wide and organisation is None:
        errors.setdefault("organisation", []).append(
            "Say which organisation the set belongs to, or import it site-wide."
        )
    if errors:
        raise ValidationError(errors)
    if site_wide and imported_by is not None and not imported_by.is_staff:
        # The licence of a shared set must cover everyone on this site; only a site admin can vouch for that.
        raise PermissionDenied(
            "Only a site administrator can import a set for everyone on this site."
        )
    existing = _existing(name.strip(), version.strip(), organisation)
    if existing is not None:
        if existing.is_built_in:
            raise ValidationError(
                {
                    "version": [
                        f"{existing} is built in and cannot be replaced; give your set another name or version."
                    ]
                }
            )
        if not replace:
            raise ValidationError(
                {
                    "version": [
                        f"{existing} has already been imported. Choose replace to overwrite it, or give a new version."
                    ]
                }
            )
    return existing


@dataclass(frozen=True)
class ImportSummary:
    """What an import would save, shown before the user confirms."""

    measures: int
    themes: int
    outcomes: int
    valued: int
    counted: int
    ignored_columns: tuple[str, ...]
    preview: tuple[ValueSetRow, ...]


def summarise(file: ValueSetFile, *, preview_rows: int = 20) -> ImportSummary:
    themes = {row.theme for row in file.rows if row.theme}
    outcomes = {(row.theme, row.outcome) for row in file.rows if row.outcome}
    valued = sum(1 for row in file.rows if row.proxy_value is not None)
    return ImportSummary(
        measures=len(file.rows),
        themes=len(themes),
        outcomes=len(outcomes),
        valued=valued,
        counted=len(file.rows) - valued,
        ignored_columns=file.ignored_columns,
        preview=file.rows[:preview_rows],
    )


# ---------------------------------------------------------------- saving an import


def _save_rows(value_set: ValueSet, rows: Sequence[ValueSetRow]) -> None:
    themes: dict[str, Theme] = {}
    for row in rows:
        if row.theme and row.theme not in themes:
            themes[row.theme] = Theme(value_set=value_set, name=row.theme, position=len(themes))
    Theme.objects.bulk_create(themes.values(), batch_size=IMPORT_BATCH)
    outcomes: dict[tuple[str, str], Outcome] = {}
    for row in rows:
        key = (row.theme, row.outcome)
        if row.outcome and key not in outcomes:
            outcomes[key] = Outcome(
                value_set=value_set,
                theme=themes.get(row.theme),
                name=row.outcome,
                position=len(outcomes),
            )
    Outcome.objects.bulk_create(outcomes.values(), batch_size=IMPORT_BATCH)
    measures = [
        Measure(
            value_set=value_set,
            theme=themes.get(row.theme),
            outcome=outcomes.get((row.theme, row.outcome)) if row.outcome else None,
            code=row.code,
            title=row.measure,
            unit=row.unit,
            proxy_value=None if row.proxy_value is None else Decimal(repr(float(row.proxy_value))),
            value_type=row.value_type or "",
            price_year=row.price_year,
            source=row.source,
            position=position,
            search_text=search_text_for(row.code, row.measure, row.unit, row.theme, row.outcome),
        )
        for position, row in enumerate(rows, start=1)
    ]
    Measure.objects.bulk_create(measures, batch_size=IMPORT_BATCH)
    target_ids = dict(SdgTarget.objects.values_list("code", "id"))
    Link = Measure.sdg_targets.through
    links = [
        Link(measure_id=measure.pk, sdgtarget_id=target_ids[code])
        for measure, row in zip(measures, rows, strict=True)
        for code in row.sdg_targets
    ]
    Link.objects.bulk_create(links, batch_size=IMPORT_BATCH)
    ids = {measure.code.casefold(): measure.pk for measure in measures}
    MeasureOverlap.objects.bulk_create(
        [
            MeasureOverlap(
                value_set=value_set,
                measure_a_id=MeasureOverlap.pair(ids[a.casefold()], ids[b.casefold()])[0],
                measure_b_id=MeasureOverlap.pair(ids[a.casefold()], ids[b.casefold()])[1],
                reason=reason,
            )
            for a, b, reason in overlaps_of(rows)
        ],
        batch_size=IMPORT_BATCH,
    )


def import_value_set(
    *,
    name: str,
    version: str,
    licence: str,
    source: str = "",
    publisher: str = "",
    price_year: int | None = None,
    organisation: Any | None = None,
    site_wide: bool = False,
    replace: bool = False,
    imported_by: Any | None = None,
    path: str | Path | None = None,
    rows: Iterable[ValueSetRow] | None = None,
    original_filename: str = "",
) -> ValueSet:
    """Save a value set from a file (or rows already read): every row or none.

    Raises InputError for bad rows, ValidationError for a clash or missing detail, and
    PermissionDenied when a site-wide import is not made by a site administrator.
    """
    name, version, licence = name.strip(), version.strip(), licence.strip()
    check_import(
        name=name,
        version=version,
        licence=licence,
        organisation=organisation,
        site_wide=site_wide,
        replace=replace,
        imported_by=imported_by,
    )
    if rows is None:
        if path is None:
            raise InputError("Give a file or rows to import.")
        rows = read_file(path, price_year=price_year).rows
        original_filename = original_filename or Path(path).name
    rows = tuple(rows)
    if not rows:
        raise InputError("The value set has no measures.")
    now = timezone.now()
    fields = {
        "publisher": publisher.strip(),
        "licence": licence,
        "source": source.strip(),
        "price_year": price_year,
        "origin": ValueSet.Origin.IMPORTED,
        "imported_by": imported_by,
        "original_filename": original_filename[:255],
        "updated_at": now,
    }
    with transaction.atomic():
        # Checked again inside the transaction so two imports of one version cannot both win.
        existing = check_import(
            name=name,
            version=version,
            licence=licence,
            organisation=organisation,
            site_wide=site_wide,
            replace=replace,
            imported_by=imported_by,
        )
        if existing is not None:
            _delete_measures_not_in_use(existing)
            existing.outcomes.all().delete()
            existing.themes.all().delete()
            for field, value in fields.items():
                setattr(existing, field, value)
            existing.save()
            value_set = existing
        else:
            value_set = ValueSet.objects.create(
                name=name, version=version, organisation=organisation, created_at=now, **fields
            )
        _save_rows(value_set, rows)
    return value_set


def _delete_measures_not_in_use(value_set: ValueSet) -> None:
    """Clear a set before it is replaced, refusing when records made with its figures refer to them.

    Evidence, bids and contracts keep the value they were made with, so their measures cannot go:
    the new figures belong in a new version of the set.
    """
    try:
        value_set.measures.all().delete()
    except ProtectedError as error:
        codes = sorted(
            {m.code or m.title for m in error.protected_objects if isinstance(m, Measure)}
        )
        if not codes:
            codes = sorted(
                {str(getattr(obj, "measure", "")) for obj in error.protected_objects} - {""}
            )
        shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
        raise ValidationError(
            f"{value_set} cannot be replaced: evidence, bids or contracts use its measures "
            f"({shown}). Import the new figures as a new version, so those records keep the "
            "values they were made with."
        ) from None


# ---------------------------------------------------------------- export


def rows_of(value_set: ValueSet) -> list[ValueSetRow]:
    measures = (
        value_set.measures.select_related("theme", "outcome")
        .prefetch_related("sdg_targets")
        .order_by("position", "code")
    )
    declared: dict[int, list[tuple[int, str]]] = {}
    for a, b, reason in value_set.overlaps.values_list("measure_a_id", "measure_b_id", "reason"):
        declared.setdefault(a, []).append((b, reason))
    codes = dict(value_set.measures.values_list("id", "code"))
    return [
        ValueSetRow(
            code=m.code,
            measure=m.title,
            unit=m.unit,
            theme=m.theme.name if m.theme else "",
            outcome=m.outcome.name if m.outcome else "",
            proxy_value=None if m.proxy_value is None else float(m.proxy_value),
            value_type=m.value_type or None,
            price_year=m.price_year,
            source=m.source,
            sdg_targets=tuple(t.code for t in m.sdg_targets.all()),
            overlaps_with=tuple(codes[b] for b, _ in declared.get(m.id, [])),
            # One reason per row in the file: overlaps declared on one row share the first's.
            overlap_reason=next((r for _, r in declared.get(m.id, [])), ""),
        )
        for m in measures
    ]


def export_value_set(value_set: ValueSet, path: str | Path) -> Path:
    """Write the set as .csv or .xlsx in the columns `import_value_set` reads back to the same set."""
    return write_value_set(rows_of(value_set), path)


def find_value_set(actor: Actor, *, name: str, version: str) -> ValueSet:
    """The set with this name and version the actor can see, preferring their own organisation's."""
    matches = list(
        visible(ValueSet, actor).filter(name=name, version=version).order_by("organisation_id")
    )
    if not matches:
        raise InputError(f'no value set named "{name}" with version "{version}"')
    owned = [s for s in matches if s.organisation_id is not None]
    return owned[0] if owned else matches[0]


# ---------------------------------------------------------------- browsing and searching


def visible_sets(actor: Actor) -> QuerySet[ValueSet]:
    return (
        visible(ValueSet, actor)
        .select_related("organisation")
        .order_by("origin", "name", "version")
    )


def search_measures(
    actor: Actor,
    *,
    text: str = "",
    value_set: int | None = None,
    theme: str = "",
    sdg: str = "",
    value_type: str = "",
) -> QuerySet[Measure]:
    """Measures the actor may see matching every filter given; `sdg` is a goal (8) or a target (8.5)."""
    measures = visible(Measure, actor)
    for word in text.lower().split():
        measures = measures.filter(search_text__contains=word)
    if value_set:
        measures = measures.filter(value_set_id=value_set)
    if theme:
        measures = measures.filter(theme__name__iexact=theme.strip())
    if value_type:
        measures = measures.filter(value_type=value_type)
    sdg = sdg.strip().lower()
    if sdg:
        if sdg.isdigit():
            targets = SdgTarget.objects.filter(goal__number=int(sdg))
        else:
            targets = SdgTarget.objects.filter(code=sdg)
        # A handful of target ids, then the ids of the measures linked to them, read once from
        # the target index: a per-measure EXISTS probes the (measure, target) index for every
        # measure scanned, which took two to ten times as long on 20 000 measures (SQLite).
        target_ids = list(targets.values_list("id", flat=True))
        linked = Measure.sdg_targets.through.objects.filter(sdgtarget_id__in=target_ids)
        measures = measures.filter(pk__in=linked.values("measure_id"))
    return measures.select_related("value_set", "theme").order_by(
        "value_set__origin", "value_set__name", "value_set_id", "position", "code"
    )


def theme_names(actor: Actor) -> list[str]:
    sets = visible(ValueSet, actor).values("id")
    # Unordered and distinct: the names are sorted here, and a theme's default order joins its set.
    names = Theme.objects.filter(value_set_id__in=sets).order_by().distinct()
    return sorted(names.values_list("name", flat=True), key=str.casefold)


def sdg_goals() -> QuerySet[SdgGoal]:
    return SdgGoal.objects.prefetch_related("targets").order_by("number")


@dataclass(frozen=True)
class ProxyInPrices:
    amount: float
    price_year: int


def proxy_in_latest_prices(measure: Measure) -> ProxyInPrices | None:
    """The proxy restated in the latest year the GDP deflators cover, when it can be."""
    if measure.proxy_value is None or measure.price_year is None:
        return None
    table = load_deflators()
    if measure.price_year not in table.index or measure.price_year == table.last_year:
        return None
    return ProxyInPrices(
        uplift(float(measure.proxy_value), measure.price_year, table.last_year), table.last_year
    )


def overlapping_claims(
    claims: QuerySet | Iterable[Claim],
    *,
    fields: tuple[str, str, str, str] = ("measure_id", "activity_id", "period_start", "period_end"),
    where: Any = None,
) -> list[OverlapWarning]:
    """Where both measures of a declared overlap are claimed for one activity or contract and
    period (see `overlaps.overlapping_claims`). Callers pass their claims down: this app knows
    nothing of evidence, contracts or analyses."""
    return _overlapping_claims(claims, fields=fields, where=where)


def overlaps_among(measure_ids: Iterable[int], *, where: str = "") -> list[OverlapWarning]:
    """Declared overlaps among measures named together with no period, such as a statement's."""
    return declared_overlaps(measure_ids, where=where)


def overlaps_of_measure(measure: Measure) -> list[tuple[Measure, str]]:
    """The measures declared to value the same change as this one, each with the reason."""
    found = MeasureOverlap.objects.filter(
        Q(measure_a=measure) | Q(measure_b=measure)
    ).select_related("measure_a", "measure_b")
    return [(o.measure_b if o.measure_a_id == measure.pk else o.measure_a, o.reason) for o in found]


def with_where(warning: OverlapWarning, where: str) -> OverlapWarning:
    """The warning naming the activity or contract it concerns (callers know their names)."""
    return replace(warning, where=where)


def where_used(measure: Measure, actor: Actor) -> list[Use]:
    """What in the actor's organisations refers to the measure: activities, evidence, bids, contracts."""
    return usage.where_used(measure, actor)


def organisation_may_import(actor: Actor, organisation: Any) -> bool:
    membership = actor.membership_for(getattr(organisation, "id", None))
    return membership is not None and membership.allows("editor")


# ---------------------------------------------------------------- uploads waiting for confirmation

UPLOAD_SUFFIXES = (".csv", ".xlsx")


def upload_problem(filename: str, head: bytes) -> str | None:
    """Why an uploaded file cannot be a value set, judged by its content rather than its name alone."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        return "The file must be a .csv or .xlsx file."
    if not head.strip():
        return "The file is empty."
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            return "The file is named .xlsx but is not an Excel workbook. Save it from Excel as .xlsx or .csv."
        return None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "The file is named .csv but is a spreadsheet workbook. Save it as CSV, or upload it as .xlsx."
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if b"\x00" in head:
        return "The file is not CSV text."
    try:
        head.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return None  # the first bytes ended inside one character
    try:
        head.decode("cp1252")
        return None
    except UnicodeDecodeError:
        pass
    return "The file is not CSV text."


STAGING_AREA = "value-set-imports"


def keep_upload(*, user: Any, upload: Any) -> tuple[str, str]:
    """Keep an uploaded file in storage until the user confirms or abandons the import.

    Returns (token, storage name); the name keeps the upload's suffix, which says how to read it.
    """
    suffix = Path(upload.name or "").suffix.lower()
    return staging.stage(
        upload, area=STAGING_AREA, user=user, suffix=suffix if suffix in UPLOAD_SUFFIXES else ""
    )


def kept_upload(*, user: Any, token: str, suffix: str) -> str | None:
    """The storage name of the user's waiting upload, or None when it has gone."""
    if suffix not in UPLOAD_SUFFIXES:
        return None
    return staging.staged(area=STAGING_AREA, user=user, token=token, suffix=suffix)
