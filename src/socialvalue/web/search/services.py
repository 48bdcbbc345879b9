"""Searching an organisation's own records, grouped by kind: the one function the page and the API share.

The index (`index.py`) finds candidate records by their words, within the organisations the actor
acts for; every candidate is then fetched again through its model's tenancy rule (`visible`), so
the index can narrow what is seen but never widen it. Each word matches as a prefix ("appren"
finds "apprentices"), every word must match, and the title weighs more than the body.

A kind with more than `RANK_LIMIT` matches is listed newest first instead of best first: ranking
would score every match (a word in 200 000 notes), and so many matches rank alike; the page says
so and asks for another word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from socialvalue.web.analyses.models import Analysis
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.commissioning.models import Procurement
from socialvalue.web.contracts.models import Contract
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.planning.models import Activity, Objective
from socialvalue.web.statements.models import Statement
from socialvalue.web.tenancy import Actor, visible

from .index import FTS_TABLE, TABLE, id_range

#: The longest query read, and the most words of it matched.
MAX_QUERY = 200
MAX_TERMS = 8
#: Results shown for each kind when all kinds are listed together, and on a page of one kind.
PER_KIND = 5
PAGE_SIZE = 20
EXCERPT = 180
#: The most matches of one kind listed best first; above it, newest first.
RANK_LIMIT = 2_000

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type
    url_name: str
    url_kwarg: str


KINDS: tuple[Kind, ...] = (
    Kind("statement", "Statements", Statement, "statements:detail", "statement_id"),
    Kind("objective", "Objectives", Objective, "planning:objective", "objective_id"),
    Kind("activity", "Activities", Activity, "planning:activity", "activity_id"),
    Kind("evidence", "Evidence", Evidence, "evidence:detail", "evidence_id"),
    Kind("case_study", "Case studies", CaseStudy, "casestudies:detail", "case_study_id"),
    Kind("analysis", "SROI analyses", Analysis, "analyses:detail", "analysis_id"),
    Kind("procurement", "Procurements", Procurement, "commissioning:procurement", "procurement_id"),
    Kind("contract", "Contracts", Contract, "contracts:detail", "contract_id"),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    excerpt: str
    link: str
    #: The excerpt cut into (text, matched) pieces, for a page to mark the words found.
    pieces: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Group:
    kind: str
    label: str
    count: int
    hits: list[Hit]
    #: Best first (True), or newest first because the kind has more than RANK_LIMIT matches.
    ranked: bool = True


@dataclass
class Results:
    query: str
    terms: list[str]
    total: int
    groups: list[Group]
    #: Matches of every kind, by kind, whichever kind is listed.
    counts: dict[str, int] = field(default_factory=dict)


def terms_of(query: str) -> list[str]:
    """The words searched for: letters and digits, lower case, the first few, each once."""
    words = []
    for word in WORD.findall(query[:MAX_QUERY].lower()):
        word = word.strip("_")[:40]
        if word and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def _postgresql_query(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)


def _sqlite_match(terms: list[str], organisation_ids: list[int]) -> str:
    """An FTS5 query: every term as a prefix in the title or body, owned by one of the organisations.

    The terms are letters, digits and underscores only (`terms_of`), so quoting them is enough.
    """
    words = " AND ".join(f'"{term}"*' for term in terms)
    owners = " OR ".join(f"o{int(organisation)}" for organisation in organisation_ids)
    return f"{{title body}}: ({words}) AND owners: ({owners})"


def _owned(organisation_ids: list[int]) -> tuple[str, list[int]]:
    marks = ", ".join(["%s"] * len(organisation_ids))
    return (
        f"(e.organisation_id IN ({marks}) OR e.partner_id IN ({marks}))",
        [*organisation_ids, *organisation_ids],
    )


def _counts(terms: list[str], organisation_ids: list[int]) -> dict[str, int]:
    """Matches by kind, counted from the text index alone (a kind is a range of entry ids).

    PostgreSQL counts every kind in one pass over the matches. SQLite counts each kind with its
    own range: FTS5 seeks to the range, where one pass tested every match against every range
    (twice as slow when one kind matches 200 000 records).
    """
    ranges = [id_range(kind.key) for kind in KINDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            owned, owned_params = _owned(organisation_ids)
            per_kind = ", ".join("COUNT(*) FILTER (WHERE e.id BETWEEN %s AND %s)" for _ in ranges)
            cursor.execute(
                f"SELECT {per_kind} FROM {TABLE} e "
                f"WHERE e.document @@ to_tsquery('english', %s) AND {owned}",
                [*(bound for pair in ranges for bound in pair), _postgresql_query(terms)]
                + owned_params,
            )
            counts = cursor.fetchone()
        else:
            match = _sqlite_match(terms, organisation_ids)
            counts = []
            for first, last in ranges:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                    "AND rowid BETWEEN %s AND %s",
                    [match, first, last],
                )
                counts.append(cursor.fetchone()[0])
    return {kind.key: count for kind, count in zip(KINDS, counts, strict=True) if count}


def _listed(
    terms: list[str], organisation_ids: list[int], kind: str, ranked: bool, limit: int, offset: int
) -> list[tuple[int, str, str]]:
    """(object id, title, body) of one kind's matches from `offset`: best or newest first."""
    first, last = id_range(kind)
    if connection.vendor == "postgresql":
        owned, owned_params = _owned(organisation_ids)
        # Newest first walks the kind's ids backwards and stops at the page: the function form
        # of @@ keeps the planner from reading every match through the text index to sort them.
        match, order = (
            ("e.document @@ q", "ts_rank(e.document, q) DESC, e.id DESC")
            if ranked
            else ("ts_match_vq(e.document, q)", "e.id DESC")
        )
        sql = (
            f"SELECT e.id FROM {TABLE} e, to_tsquery('english', %s) q WHERE {match} "
            f"AND e.id BETWEEN %s AND %s AND {owned} ORDER BY {order} LIMIT %s OFFSET %s"
        )
        params = [_postgresql_query(terms), first, last, *owned_params, limit, offset]
    else:
        order = f"bm25({FTS_TABLE}, 10.0, 1.0, 0.0), rowid DESC" if ranked else "rowid DESC"
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid BETWEEN %s AND %s ORDER BY {order} LIMIT %s OFFSET %s"
        )
        params = [_sqlite_match(terms, organisation_ids), first, last, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT id, object_id, title, body FROM {TABLE} WHERE id IN ({marks})", ids)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    return [found[entry_id] for entry_id in ids if entry_id in found]


def _pieces(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """`text` cut where a word starts with one of the terms, the matched words marked."""
    if not text:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.I)
    pieces, at = [], 0
    for found in pattern.finditer(text):
        if found.start() > at:
            pieces.append((text[at : found.start()], False))
        pieces.append((found.group(), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


#: Markdown's marks for headings, emphasis and list items: read as text, not shown in excerpts.
MARKDOWN = re.compile(r"(?m)^\s{0,3}(?:#{1,6}|[-*+]|\d+\.)\s+|\*\*|__")


def excerpt(body: str, terms: list[str], size: int = EXCERPT) -> str:
    """Up to `size` characters of `body` around the first word matched, cut at spaces."""
    body = " ".join(MARKDOWN.sub("", body).split())
    if len(body) <= size:
        return body
    found = re.search(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")", body, re.I)
    start = max(0, (found.start() if found else 0) - size // 3)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(body), start + size)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    return ("… " if start else "") + body[start:end] + (" …" if end < len(body) else "")


def _hits(
    kind: Kind, rows: list[tuple[int, str, str]], actor: Actor, terms: list[str]
) -> list[Hit]:
    """The rows the actor may see through the model's own tenancy rule, in their ranked order."""
    ids = [row[0] for row in rows]
    seen = set(visible(kind.model, actor).filter(id__in=ids).values_list("id", flat=True))
    hits = []
    for object_id, title, body in rows:
        if object_id not in seen:
            continue
        text = excerpt(body, terms)
        link = reverse(kind.url_name, kwargs={kind.url_kwarg: object_id})
        hits.append(Hit(kind.key, object_id, title, text, link, _pieces(text, terms)))
    return hits


def search(
    actor: Actor,
    query: str,
    *,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Results:
    """Records of the actor's organisations matching every word of `query`, grouped by kind.

    Without `kind`, every kind with a match is a group holding its best `limit` (5) records; with
    `kind`, that one group holds `limit` (20) records from `offset`. Counts are of every match.
    """
    terms = terms_of(query)
    if not terms:
        raise ValidationError({"q": "Enter a word or number to search for"})
    if kind is not None and kind not in KIND_BY_KEY:
        choices = ", ".join(KIND_BY_KEY)
        raise ValidationError({"kind": f"Choose a kind of record to search: one of {choices}"})
    organisation_ids = actor.organisation_ids
    if not organisation_ids:
        return Results(query, terms, 0, [])
    counts = _counts(terms, organisation_ids)
    limit = limit if limit is not None else (PAGE_SIZE if kind else PER_KIND)
    groups = []
    for each in KINDS:
        count = counts.get(each.key, 0)
        if (kind and each.key != kind) or not count:
            continue
        ranked = count <= RANK_LIMIT
        rows = _listed(terms, organisation_ids, each.key, ranked, limit, offset)
        hits = _hits(each, rows, actor, terms)
        groups.append(Group(each.key, each.label, count, hits, ranked))
    return Results(query, terms, sum(counts.values()), groups, counts)
