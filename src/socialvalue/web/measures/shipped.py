"""Loads the open data shipped in `socialvalue/data` into the database: SDGs and the built-in value sets.

Written against an app registry so the data migration (historical models) and the browser tests
(which empty the database between tests) load the same way. Safe to run again: rows are found
by their natural keys and updated, never duplicated.
"""

from __future__ import annotations

from typing import Any

from socialvalue.core.valuation import load_shipped

SDGS_FILE = "sdgs.yaml"
STARTER_FILE = "starter-measures.yaml"
SOCIAL_VALUE_MODEL_FILE = "uk-social-value-model.yaml"


def _has_field(apps, model: str, name: str) -> bool:
    return any(f.name == name for f in apps.get_model("measures", model)._meta.get_fields())


def _search_text(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p).lower()


def load_sdgs(apps) -> None:
    SdgGoal = apps.get_model("measures", "SdgGoal")
    SdgTarget = apps.get_model("measures", "SdgTarget")
    for goal_data in load_shipped(SDGS_FILE)["goals"]:
        goal, _ = SdgGoal.objects.update_or_create(
            number=goal_data["number"],
            defaults={
                "short_name": goal_data["short_name"],
                "description": goal_data.get("description", ""),
            },
        )
        for position, target in enumerate(goal_data["targets"]):
            SdgTarget.objects.update_or_create(
                code=str(target["code"]),
                defaults={
                    "goal": goal,
                    "kind": target["type"],
                    "description": target.get("description", ""),
                    "position": position,
                },
            )


def _load_set(apps, *, key: str, fields: dict[str, Any], themes: list[dict[str, Any]]) -> None:
    ValueSet = apps.get_model("measures", "ValueSet")
    Theme = apps.get_model("measures", "Theme")
    Outcome = apps.get_model("measures", "Outcome")
    Measure = apps.get_model("measures", "Measure")
    SdgTarget = apps.get_model("measures", "SdgTarget")
    targets = {t.code: t for t in SdgTarget.objects.all()}
    # An earlier migration's models have no proxy series: it arrives with a later one.
    with_series = _has_field(apps, "Measure", "proxy_series")

    def series(data: dict[str, Any]) -> dict[str, str]:
        return {"proxy_series": data.get("proxy_series") or ""} if with_series else {}

    value_set, _ = ValueSet.objects.update_or_create(
        shipped_key=key, organisation=None, defaults={**fields, "origin": "built_in"}
    )
    position = 0
    for theme_position, theme_data in enumerate(themes):
        theme, _ = Theme.objects.update_or_create(
            value_set=value_set,
            name=theme_data["name"],
            defaults={"code": theme_data.get("code", ""), "position": theme_position},
        )
        for outcome_position, outcome_data in enumerate(theme_data["outcomes"]):
            outcome, _ = Outcome.objects.update_or_create(
                value_set=value_set,
                theme=theme,
                name=outcome_data["name"],
                defaults={"position": outcome_position},
            )
            for data in outcome_data.get("measures", []):
                position += 1
                proxy = data.get("proxy_value")
                measure, _ = Measure.objects.update_or_create(
                    value_set=value_set,
                    code=str(data["code"]),
                    defaults={
                        "theme": theme,
                        "outcome": outcome,
                        "title": data["title"],
                        "unit": data.get("unit") or "",
                        "description": data.get("description") or "",
                        "evidence_guidance": data.get("evidence") or "",
                        "proxy_value": None if proxy is None else str(proxy),
                        "value_type": data.get("value_type") or "",
                        "price_year": data.get("price_year"),
                        **series(data),
                        "source": data.get("source") or "",
                        "licence": data.get("licence") or "",
                        "confidence": data.get("confidence") or data.get("status") or "",
                        # A status_note is the compiler's record of what could be read, kept
                        # in the file for whoever checks the data; users see confidence_note.
                        "confidence_note": data.get("confidence_note") or "",
                        "kind": (data.get("kind") or "").replace("_", " "),
                        "position": position,
                        "search_text": _search_text(
                            data["code"],
                            data["title"],
                            data.get("unit"),
                            data.get("description"),
                            theme.name,
                            outcome.name,
                        ),
                    },
                )
                measure.sdg_targets.set(
                    [targets[str(code)] for code in data.get("sdg_targets") or []]
                )


def _load_overlaps(apps, *, key: str, overlaps: list[dict[str, Any]]) -> None:
    """Declare the set's overlaps (pairs stored in id order) and drop any no longer shipped."""
    try:
        MeasureOverlap = apps.get_model("measures", "MeasureOverlap")
    except LookupError:  # an earlier migration's models: overlaps come with a later one
        return
    ValueSet = apps.get_model("measures", "ValueSet")
    Measure = apps.get_model("measures", "Measure")
    value_set = ValueSet.objects.get(shipped_key=key, organisation=None)
    ids = dict(Measure.objects.filter(value_set=value_set).values_list("code", "id"))
    kept = []
    for overlap in overlaps:
        first, second = (ids[str(code)] for code in overlap["measures"])
        a, b = (first, second) if first < second else (second, first)
        row, _ = MeasureOverlap.objects.update_or_create(
            measure_a_id=a,
            measure_b_id=b,
            defaults={"value_set": value_set, "reason": " ".join(overlap["reason"].split())},
        )
        kept.append(row.pk)
    MeasureOverlap.objects.filter(value_set=value_set).exclude(pk__in=kept).delete()


def load_starter_measures(apps) -> None:
    data = load_shipped(STARTER_FILE)
    meta = data["metadata"]
    _load_set(
        apps,
        key=meta["key"],
        fields={
            "name": meta["name"],
            "version": str(meta["version"]),
            "publisher": meta.get("publisher", ""),
            "licence": meta["licence"],
            "licence_note": meta.get("licence_note", ""),
            "source": meta.get("source", ""),
            "price_year": meta.get("price_year"),
            "note": "Each proxy value keeps its own source, price year and licence, shown on the measure.",
        },
        themes=data["themes"],
    )
    _load_overlaps(apps, key=meta["key"], overlaps=data.get("overlaps") or [])


def load_social_value_model(apps) -> None:
    data = load_shipped(SOCIAL_VALUE_MODEL_FILE)
    meta = data["metadata"]
    for edition in data["editions"]:
        short = edition["title"].split(":")[0].strip()
        _load_set(
            apps,
            key=f"{meta['key']}/{edition['key']}",
            fields={
                "name": meta["name"],
                "version": f"{short} ({edition['edition']})",
                "publisher": meta.get("publisher", ""),
                "licence": meta["licence"],
                "licence_note": meta.get("attribution", ""),
                "licence_confidence": meta.get("licence_status", ""),
                "source": edition.get("source") or meta.get("source", ""),
                "price_year": meta.get("price_year"),
                "note": meta.get("note", ""),
            },
            themes=edition["themes"],
        )


def load_all(apps) -> None:
    load_sdgs(apps)
    load_social_value_model(apps)
    load_starter_measures(apps)
