"""What is searchable, and the SQL that keeps the index: triggers, the text index, and a rebuild.

Each `Source` names a table and the SQL expressions, over one of its rows, for the entry's owner,
title and body. From these the same statements are written for both databases:

- triggers after insert, update (of the columns the entry is made from) and delete, so every
  path that changes a record keeps its entry, bulk imports and raw SQL included;
- `Follow` triggers for names an entry borrows from another table (evidence is titled by its
  measure and activity), so renaming the measure renames the evidence's entries;
- the text index itself: on PostgreSQL a generated, weighted `tsvector` column (the title
  outweighs the body) with a GIN index; on SQLite a contentless FTS5 table whose rows follow
  the entries', holding their words and, in a column of its own, their owners (`o12`), so that
  one match finds a query's words within the organisations searched;
- `rebuild()`, which empties the index and writes it again from every source, for a migration
  that adds a source and for a restore (whose loading order would otherwise leave owners unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

TABLE = "search_searchentry"
FTS_TABLE = "search_entry_fts"
#: An entry's id is its kind's number times 2**KIND_SHIFT plus the record's id, so each kind's
#: entries are one range of ids: the text index counts and lists a kind without reading entries.
KIND_SHIFT = 40
KIND_SPAN = 1 << KIND_SHIFT


@dataclass(frozen=True)
class Source:
    kind: str
    #: Fixed for good: entries' ids are made from it (a retired kind's number is not reused).
    number: int
    table: str
    #: SQL over `{row}`, the source row: the owning organisation's id, the other party's, title, body.
    organisation: str
    title: str
    body: str
    #: The columns an update must touch for the entry to be written again.
    columns: tuple[str, ...]
    partner: str = "NULL"


@dataclass(frozen=True)
class Follow:
    """An entry's text borrowed from another table: changing `columns` there rewrites the entries."""

    table: str
    columns: tuple[str, ...]
    kind: str
    #: SQL over the source row `{row}` and `NEW`, the changed row of `table`: the entries it touches.
    where: str


def _text(*columns: str) -> str:
    """The columns of `{row}` joined by spaces, empty text for NULL."""
    return " || ' ' || ".join(f"COALESCE({{row}}.{c}, '')" for c in columns)


def _name_of(table: str, column: str, key: str) -> str:
    return f"COALESCE((SELECT n.{column} FROM {table} n WHERE n.id = {{row}}.{key}), '')"


#: A statement's sections, its body; an update of any of them rewrites its entry.
STATEMENT_SECTIONS = (
    "mission",
    "principles",
    "csr_policy_summary",
    "alignment",
    "governance",
    "measurement",
    "sharing",
)

SOURCES: tuple[Source, ...] = (
    Source(
        "statement",
        1,
        "statements_statement",
        "{row}.organisation_id",
        "{row}.title",
        _text(*STATEMENT_SECTIONS),
        ("organisation_id", "title", *STATEMENT_SECTIONS),
    ),
    Source(
        "objective",
        2,
        "planning_objective",
        "{row}.organisation_id",
        "{row}.title",
        _text("code", "owner", "description"),
        ("organisation_id", "code", "title", "owner", "description"),
    ),
    Source(
        "activity",
        3,
        "planning_activity",
        "{row}.organisation_id",
        "{row}.name",
        _text("description"),
        ("organisation_id", "name", "description"),
    ),
    Source(
        "evidence",
        4,
        "evidence_evidence",
        "{row}.organisation_id",
        _name_of("measures_measure", "title", "measure_id")
        + " || ' – ' || "
        + _name_of("planning_activity", "name", "activity_id"),
        _text("note"),
        ("organisation_id", "measure_id", "activity_id", "note"),
    ),
    Source(
        "case_study",
        5,
        "casestudies_casestudy",
        "{row}.organisation_id",
        "{row}.title",
        _text("summary", "story", "team", "area"),
        ("organisation_id", "title", "summary", "story", "team", "area"),
    ),
    Source(
        "analysis",
        6,
        "analyses_analysis",
        "{row}.organisation_id",
        "{row}.name",
        _text("description"),
        ("organisation_id", "name", "description"),
    ),
    Source(
        "procurement",
        7,
        "commissioning_procurement",
        "{row}.organisation_id",
        "{row}.title",
        _text("reference", "description"),
        ("organisation_id", "title", "reference", "description"),
    ),
    Source(
        "contract",
        8,
        "contracts_contract",
        "{row}.commissioner_id",
        "{row}.title",
        _text("reference", "provider_name", "description"),
        ("commissioner_id", "provider_id", "title", "reference", "provider_name", "description"),
        partner="{row}.provider_id",
    ),
)

FOLLOWS: tuple[Follow, ...] = (
    Follow("measures_measure", ("title",), "evidence", "{row}.measure_id = NEW.id"),
    Follow("planning_activity", ("name",), "evidence", "{row}.activity_id = NEW.id"),
)

SOURCE_BY_KIND = {source.kind: source for source in SOURCES}


def id_range(kind: str) -> tuple[int, int]:
    """The first and last entry id a kind's entries can have."""
    start = SOURCE_BY_KIND[kind].number * KIND_SPAN
    return start, start + KIND_SPAN - 1


def _id(source: Source, row: str) -> str:
    return f"{source.number * KIND_SPAN} + {row}.id"


def _values(source: Source, row: str) -> dict[str, str]:
    return {
        "organisation_id": source.organisation.format(row=row),
        "partner_id": source.partner.format(row=row),
        "title": source.title.format(row=row),
        "body": source.body.format(row=row),
    }


#: The columns an entry is written with, in the order `_entry` gives their values.
ENTRY_COLUMNS = "(id, kind, object_id, organisation_id, partner_id, title, body)"


def _entry(source: Source, row: str) -> str:
    """The values of `row`'s entry, in the order of ENTRY_COLUMNS."""
    values = _values(source, row)
    return (
        f"{_id(source, row)}, '{source.kind}', {row}.id, {values['organisation_id']}, "
        f"{values['partner_id']}, {values['title']}, {values['body']}"
    )


def _insert(source: Source) -> str:
    return f"INSERT INTO {TABLE} {ENTRY_COLUMNS} VALUES ({_entry(source, 'NEW')})"


def _update(source: Source) -> str:
    values = _values(source, "NEW")
    assignments = ", ".join(f"{column} = {sql}" for column, sql in values.items())
    return f"UPDATE {TABLE} SET {assignments} WHERE id = {_id(source, 'NEW')}"


def _delete(source: Source) -> str:
    return f"DELETE FROM {TABLE} WHERE id = {_id(source, 'OLD')}"


def _follow(follow: Follow) -> str:
    source = SOURCE_BY_KIND[follow.kind]
    title = source.title.format(row="s")
    where = follow.where.format(row="s")
    return (
        f"UPDATE {TABLE} SET title = (SELECT {title} FROM {source.table} s "
        f"WHERE s.id = {TABLE}.object_id) WHERE id IN "
        f"(SELECT {_id(source, 's')} FROM {source.table} s WHERE {where})"
    )


def _triggers() -> list[tuple[str, str, str, str]]:
    """Every trigger as (name, event, table, statement)."""
    triggers = []
    for source in SOURCES:
        columns = ", ".join(source.columns)
        triggers += [
            (f"search_{source.kind}_insert", "AFTER INSERT", source.table, _insert(source)),
            (
                f"search_{source.kind}_update",
                f"AFTER UPDATE OF {columns}",
                source.table,
                _update(source),
            ),
            (f"search_{source.kind}_delete", "AFTER DELETE", source.table, _delete(source)),
        ]
    for follow in FOLLOWS:
        name = f"search_{follow.kind}_follows_{follow.table}"
        event = f"AFTER UPDATE OF {', '.join(follow.columns)}"
        triggers.append((name, event, follow.table, _follow(follow)))
    return triggers


def _owners(row: str) -> str:
    """The FTS5 owners column of an entry: `o<organisation id>`, and `o<partner id>` if any."""
    return f"'o' || {row}.organisation_id || COALESCE(' o' || {row}.partner_id, '')"


#: The SQLite text index. Its prefix indexes keep a word's beginnings of up to eight letters
#: (after stemming), so a search by prefix ("appren", "generated" read as "gener") reads one
#: list of rows lazily instead of merging the lists of every word it begins, which costs tens of
#: milliseconds over 200 000 records for every kind counted and listed. Three times the size.
FTS_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, owners, "
    "content='', prefix='1 2 3 4 5 6 7 8', tokenize='porter unicode61 remove_diacritics 2')"
)


def _sqlite_statements() -> list[str]:
    insert = (
        f"INSERT INTO {FTS_TABLE} (rowid, title, body, owners) "
        f"VALUES (NEW.id, NEW.title, NEW.body, {_owners('NEW')});"
    )
    delete = (
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, body, owners) "
        f"VALUES ('delete', OLD.id, OLD.title, OLD.body, {_owners('OLD')});"
    )
    statements = [
        FTS_CREATE,
        f"CREATE TRIGGER IF NOT EXISTS search_entry_fts_insert AFTER INSERT ON {TABLE} "
        f"BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS search_entry_fts_delete AFTER DELETE ON {TABLE} "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS search_entry_fts_update AFTER UPDATE OF title, body, "
        f"organisation_id, partner_id ON {TABLE} BEGIN {delete} {insert} END",
    ]
    for name, event, table, statement in _triggers():
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW BEGIN {statement}; END",
        ]
    return statements


def _postgresql_statements() -> list[str]:
    statements = [
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', title), 'A') || "
        "setweight(to_tsvector('english', body), 'B')) STORED",
        f"CREATE INDEX IF NOT EXISTS search_entry_document ON {TABLE} USING GIN (document)",
    ]
    for name, event, table, statement in _triggers():
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {statement}; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return statements


def install(using=None) -> None:
    """Make (or remake) the text index and every trigger, then fill the index from the sources."""
    using = using or connection
    postgresql = using.vendor == "postgresql"
    with using.cursor() as cursor:
        for statement in _postgresql_statements() if postgresql else _sqlite_statements():
            cursor.execute(statement)
    rebuild(using)


def rebuild(using=None) -> int:
    """Empty the index and write every source's entries again; the number of entries."""
    using = using or connection
    with using.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        for source in SOURCES:
            cursor.execute(
                f"INSERT INTO {TABLE} {ENTRY_COLUMNS} "
                f"SELECT {_entry(source, 's')} FROM {source.table} s"
            )
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def remake_text_index(using=None) -> None:
    """Make SQLite's text index again as `FTS_CREATE` now defines it, filled from the entries
    (which stay as they are; PostgreSQL's index needs no remaking)."""
    using = using or connection
    if using.vendor == "postgresql":
        return
    with using.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        cursor.execute(FTS_CREATE)
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body, owners) "
            f"SELECT e.id, e.title, e.body, {_owners('e')} FROM {TABLE} e"
        )


def uninstall(using=None) -> None:
    """Take away the triggers and the text index (the entries' table goes with its model)."""
    using = using or connection
    postgresql = using.vendor == "postgresql"
    with using.cursor() as cursor:
        for name, _event, table, _statement in _triggers():
            if postgresql:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if not postgresql:
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def missing_triggers(using=None) -> list[str]:
    """Triggers of the index the database lacks (SQLite drops a table's triggers when a
    migration remakes the table), by name."""
    using = using or connection
    with using.cursor() as cursor:
        if using.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search\\_%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name, *_ in _triggers() if name not in present]
