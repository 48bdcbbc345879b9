"""`GET /api/v1/search`: records of your organisations matching words, grouped by kind."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from socialvalue.web.api.schemas import answers

from . import services

router = Router(tags=["search"])


class SearchIn(Schema):
    q: str = Field(..., max_length=services.MAX_QUERY, description="The words to find.")
    kind: str | None = Field(
        None, description="Only this kind of record: " + ", ".join(services.KIND_BY_KEY) + "."
    )
    limit: int | None = Field(
        None, ge=1, le=100, description="Records per kind: 5 for every kind, 20 for one kind."
    )
    offset: int = Field(0, ge=0, le=100_000, description="Where one kind's list starts.")


class HitOut(Schema):
    kind: str
    id: int
    title: str
    excerpt: str = Field(..., description="Text around the first word found.")
    link: str = Field(..., description="The record's page.")


class GroupOut(Schema):
    kind: str
    label: str
    count: int = Field(..., description="Every match of this kind.")
    order: str = Field(
        ...,
        description="`best`: best matches first; `newest`: newest first, when more than "
        f"{services.RANK_LIMIT:,} records of the kind match.",
    )
    items: list[HitOut]


class SearchOut(Schema):
    query: str
    terms: list[str] = Field(..., description="The words matched, each as the start of a word.")
    total: int
    counts: dict[str, int]
    groups: list[GroupOut]


@router.get("/search", response=answers(SearchOut), summary="Search your organisations' records")
def search(request: HttpRequest, params: Query[SearchIn]):
    """Statements, objectives, activities, evidence, case studies, SROI analyses, procurements
    and contracts of your organisations that match every word of `q`, best first within each kind."""
    results = services.search(
        request.actor, params.q, kind=params.kind, limit=params.limit, offset=params.offset
    )
    return {
        "query": results.query,
        "terms": results.terms,
        "total": results.total,
        "counts": results.counts,
        "groups": [
            {
                "kind": g.kind,
                "label": g.label,
                "count": g.count,
                "order": "best" if g.ranked else "newest",
                "items": g.hits,
            }
            for g in results.groups
        ],
    }
