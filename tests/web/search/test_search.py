"""The search: kept by the database whatever path writes, read only through tenancy, grouped by kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from socialvalue.web.planning.models import Activity, Objective
from socialvalue.web.search import index, services
from socialvalue.web.search.apps import restore_triggers
from socialvalue.web.search.models import SearchEntry
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, parties
from tests.web.evidence.factories import activity, evidence

pytestmark = pytest.mark.django_db


def _found(user, query: str, **options) -> dict[str, list[str]]:
    results = services.search(Actor.for_user(user), query, **options)
    return {group.kind: [hit.title for hit in group.hits] for group in results.groups}


def _objective(org, title: str, description: str = "") -> Objective:
    return Objective.objects.create(organisation=org, title=title, description=description)


def test_a_record_is_found_by_the_start_of_its_words_and_every_word_must_match(demo_world):
    _objective(demo_world.alice_org, "Apprenticeships for young carers", "Twelve places a year")
    _objective(demo_world.alice_org, "Fewer lonely evenings", "Befriending for carers")
    assert _found(demo_world.admin, "appren") == {"objective": ["Apprenticeships for young carers"]}
    assert _found(demo_world.admin, "CARERS twelve") == {
        "objective": ["Apprenticeships for young carers"]
    }
    assert _found(demo_world.admin, "carers lonely") == {"objective": ["Fewer lonely evenings"]}
    assert _found(demo_world.admin, "carers zebra") == {}


def test_a_title_match_ranks_above_a_body_match(demo_world):
    _objective(demo_world.alice_org, "Fewer lonely evenings", "Gardening with neighbours")
    _objective(demo_world.alice_org, "Community gardening", "Growing food together")
    assert _found(demo_world.admin, "gardening")["objective"] == [
        "Community gardening",
        "Fewer lonely evenings",
    ]


def test_every_way_of_writing_keeps_the_index(demo_world):
    org = demo_world.alice_org
    objective = _objective(org, "Warm homes")
    # A queryset update, which sends no signals, renames it.
    Objective.objects.filter(pk=objective.pk).update(title="Insulated homes")
    assert _found(demo_world.admin, "warm") == {}
    assert _found(demo_world.admin, "insulated") == {"objective": ["Insulated homes"]}
    # Raw SQL deletes it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM planning_objective WHERE id = %s", [objective.pk])
    assert _found(demo_world.admin, "insulated") == {}
    assert not SearchEntry.objects.filter(kind="objective", object_id=objective.pk).exists()


def test_evidence_is_titled_by_its_measure_and_activity_and_follows_their_renames(demo_world):
    org = demo_world.alice_org
    record = evidence(org, note="Hired through the jobs fair at the library")
    title = SearchEntry.objects.get(kind="evidence", object_id=record.pk).title
    assert title == f"{record.measure.title} – Community lunch club"
    assert _found(demo_world.admin, "jobs fair") == {"evidence": [title]}
    Activity.objects.filter(pk=record.activity_id).update(name="Supper club")
    assert _found(demo_world.admin, "supper")["evidence"] == [
        f"{record.measure.title} – Supper club"
    ]
    assert "evidence" not in _found(demo_world.admin, "lunch")


def test_an_outsider_finds_nothing_of_another_organisation(demo_world):
    _objective(demo_world.alice_org, "Apprenticeships for young carers")
    evidence(demo_world.alice_org, note="Apprentice hired")
    assert _found(demo_world.admin, "apprentic") != {}
    assert _found(demo_world.outsider, "apprentic") == {}
    # On the web the search covers the current organisation only; through the API, all of yours.
    both = Actor.for_user(demo_world.admin)
    assert services.search(Actor(user=both.user, memberships={}), "apprentic").groups == []


def test_a_contract_is_found_by_its_commissioner_and_its_provider_only():
    p = parties()
    contract = contract_between(p, title="Reablement north")
    assert _found(p.commissioner, "reablement") == {"contract": [contract.title]}
    assert _found(p.provider_lead, "reablement") == {"contract": [contract.title]}
    assert _found(p.outsider, "reablement") == {}


def test_the_index_only_narrows_what_tenancy_allows(demo_world):
    """An entry claiming the wrong owner (as a fault would) still shows nothing it should not."""
    objective = _objective(demo_world.other_org, "Secret plans")
    SearchEntry.objects.filter(kind="objective", object_id=objective.pk).update(
        organisation_id=demo_world.alice_org.pk
    )
    results = services.search(Actor.for_user(demo_world.admin), "secret")
    assert results.counts == {"objective": 1}
    assert results.groups[0].hits == []


def test_groups_hold_the_best_few_and_one_kind_pages_through_all(demo_world):
    org = demo_world.alice_org
    for n in range(23):
        _objective(org, f"Volunteering goal {n:02d}")
    activity(org, name="Volunteering hub")
    results = services.search(Actor.for_user(demo_world.admin), "volunteer")
    assert [(g.kind, g.count, len(g.hits)) for g in results.groups] == [
        ("objective", 23, 5),
        ("activity", 1, 1),
    ]
    assert results.total == 24
    first = services.search(Actor.for_user(demo_world.admin), "volunteer", kind="objective")
    second = services.search(
        Actor.for_user(demo_world.admin), "volunteer", kind="objective", offset=20
    )
    titles = [h.title for h in first.groups[0].hits] + [h.title for h in second.groups[0].hits]
    assert len(first.groups[0].hits) == 20 and len(titles) == 23 == len(set(titles))
    assert first.counts == {"objective": 23, "activity": 1}


def test_a_kind_with_too_many_matches_to_rank_is_listed_newest_first(
    client, demo_world, monkeypatch
):
    org = demo_world.alice_org
    oldest = _objective(org, "Volunteering", "volunteering volunteering")  # the best match
    for n in range(4):
        _objective(org, f"Goal {n}", f"Volunteering in the {n} area and more besides")
    best = services.search(Actor.for_user(demo_world.admin), "volunteer").groups[0]
    assert best.ranked and best.hits[0].id == oldest.pk
    monkeypatch.setattr(services, "RANK_LIMIT", 3)
    newest = services.search(Actor.for_user(demo_world.admin), "volunteer", kind="objective")
    group = newest.groups[0]
    assert not group.ranked and group.count == 5
    ids = [hit.id for hit in group.hits]
    assert ids == sorted(ids, reverse=True) and ids[-1] == oldest.pk
    client.force_login(demo_world.admin)
    page = client.get("/search/", {"q": "volunteer"}).content.decode()
    assert "So many match that the newest are shown first." in page
    api = client.get("/api/v1/search", {"q": "volunteer"}, **bearer(demo_world.admin)).json()
    assert api["groups"][0]["order"] == "newest"


def test_each_kind_is_one_range_of_entry_ids(demo_world):
    objective = _objective(demo_world.alice_org, "Warm homes")
    entry = SearchEntry.objects.get(kind="objective", object_id=objective.pk)
    first, last = index.id_range("objective")
    assert first <= entry.id <= last and entry.id >> index.KIND_SHIFT == 2
    assert [index.id_range(source.kind)[0] >> index.KIND_SHIFT for source in index.SOURCES] == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]


def test_words_are_read_safely():
    assert services.terms_of('  "Apprentice" OR carers* (NEAR) -x \'; DROP') == [
        "apprentice",
        "or",
        "carers",
        "near",
        "x",
        "drop",
    ]
    assert services.terms_of("***") == []


@pytest.mark.parametrize("query", ['"carers', "a' OR 1=1 --", "NEAR(x", "x*", "é", "a_b"])
def test_awkward_queries_answer_without_error(demo_world, query):
    services.search(Actor.for_user(demo_world.admin), query)


def test_nothing_to_search_for_is_refused_with_a_sentence(demo_world):
    with pytest.raises(Exception, match="Enter a word or number"):
        services.search(Actor.for_user(demo_world.admin), "  ?! ")


def test_the_excerpt_is_cut_around_the_first_word_found():
    body = "Start of the text. " + "filler " * 60 + "the apprentices began in May. " + "more " * 60
    text = services.excerpt(body, ["apprentic"])
    assert "apprentices began" in text and text.startswith("… ") and text.endswith(" …")
    assert len(text) <= services.EXCERPT + 4
    assert services.excerpt("Short note", ["note"]) == "Short note"


def test_the_excerpt_reads_markdown_as_text():
    story = "## What happened\nMr B had a **fall** at home.\n- one visit\n1. a first step"
    assert services.excerpt(story, ["fall"]) == (
        "What happened Mr B had a fall at home. one visit a first step"
    )
    assert services.excerpt("3 * 4 = 12, a-b", ["a"]) == "3 * 4 = 12, a-b"


def test_a_rebuild_writes_what_the_triggers_kept(demo_world):
    _objective(demo_world.alice_org, "Warm homes", "Insulation")
    evidence(demo_world.alice_org, note="Loft insulation")
    p = parties()
    contract_between(p)
    kept = set(SearchEntry.objects.values_list("kind", "object_id", "organisation_id", "title"))
    assert index.rebuild() == len(kept)
    assert (
        set(SearchEntry.objects.values_list("kind", "object_id", "organisation_id", "title"))
        == kept
    )
    assert _found(demo_world.admin, "loft") != {}


def test_remaking_the_text_index_finds_what_it_found_and_keeps_following_changes(demo_world):
    objective = _objective(demo_world.alice_org, "Apprenticeships for young carers", "Twelve")
    evidence(demo_world.alice_org, note="Loft insulation")
    before = {query: _found(demo_world.admin, query) for query in ("a", "appren", "loft", "twelve")}
    index.remake_text_index()
    assert {query: _found(demo_world.admin, query) for query in before} == before
    assert before["appren"] == {"objective": ["Apprenticeships for young carers"]}
    # The remade index still follows every write: an update and a delete leave nothing behind.
    Objective.objects.filter(pk=objective.pk).update(title="Traineeships for young carers")
    assert _found(demo_world.admin, "appren") == {}
    assert _found(demo_world.admin, "trainee") == {"objective": ["Traineeships for young carers"]}
    objective.delete()
    assert _found(demo_world.admin, "trainee") == {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index.FTS_TABLE])
            assert "prefix='1 2 3 4 5 6 7 8'" in cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO {index.FTS_TABLE} ({index.FTS_TABLE}) VALUES ('integrity-check')"
            )


def test_a_trigger_a_migration_took_away_is_put_back(demo_world):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER search_objective_insert ON planning_objective")
        else:
            cursor.execute("DROP TRIGGER search_objective_insert")
    assert index.missing_triggers() == ["search_objective_insert"]
    restore_triggers(sender=None)
    assert index.missing_triggers() == []
    _objective(demo_world.alice_org, "Warm homes")
    assert _found(demo_world.admin, "warm") == {"objective": ["Warm homes"]}


# ---------------------------------------------------------------- the page and the API


def test_the_page_groups_results_by_kind_with_links(client, demo_world):
    objective = _objective(
        demo_world.alice_org, "Apprenticeships for young carers", "Twelve a year"
    )
    client.force_login(demo_world.admin)
    page = client.get("/search/", {"q": "apprentic"}).content.decode()
    assert "1 record matching “apprentic”" in page
    assert f'href="/plan/objectives/{objective.pk}/"' in page
    assert "<mark>Apprenticeships</mark>" not in page  # titles are plain; excerpts are marked
    page = client.get("/search/", {"q": "twelve"}).content.decode()
    assert "<mark>Twelve</mark> a year" in page


def test_the_page_lists_one_kind_a_page_at_a_time(client, demo_world):
    for n in range(25):
        _objective(demo_world.alice_org, f"Volunteering goal {n:02d}")
    client.force_login(demo_world.admin)
    first = client.get("/search/", {"q": "volunteer", "kind": "objective"}).content.decode()
    assert "25 objectives matching" in first and "Page 1 of 2." in first
    second = client.get("/search/", {"q": "volunteer", "kind": "objective", "page": 2})
    assert second.content.decode().count('class="sv-search-hit"') == 5


def test_the_page_names_the_field_of_an_empty_or_wordless_search(client, demo_world):
    client.force_login(demo_world.admin)
    assert 'id="id_q"' in client.get("/search/").content.decode()  # no search yet, no error
    for query in ("", "?!"):
        page = client.get("/search/", {"q": query}).content.decode()
        assert 'class="govuk-error-summary' in page and 'href="#id_q"' in page
    page = client.get("/search/", {"q": "x", "kind": "nonsense"}).content.decode()
    assert 'href="#id_kind"' in page


def test_every_signed_in_page_has_the_search_box(client, demo_world):
    client.force_login(demo_world.admin)
    page = client.get("/to-do/").content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page
    client.logout()
    assert 'action="/search/"' not in client.get("/sign-in/").content.decode()


def test_the_api_answers_groups_and_refuses_what_it_cannot_read(client, demo_world):
    _objective(demo_world.alice_org, "Apprenticeships for young carers")
    answer = client.get("/api/v1/search", {"q": "apprentic"}, **bearer(demo_world.admin))
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 1 and body["counts"] == {"objective": 1}
    item = body["groups"][0]["items"][0]
    assert item["title"] == "Apprenticeships for young carers" and item["link"].startswith("/plan/")
    refused = client.get("/api/v1/search", {"q": "!!"}, **bearer(demo_world.admin))
    assert refused.status_code == 400 and "q" in refused.json()["detail"]
    refused = client.get("/api/v1/search", {"q": "a", "kind": "x"}, **bearer(demo_world.admin))
    assert refused.status_code == 400 and "kind" in refused.json()["detail"]
    outsider = client.get("/api/v1/search", {"q": "apprentic"}, **bearer(demo_world.outsider))
    assert outsider.json()["total"] == 0


def test_dates_do_not_matter_to_the_index(demo_world):
    """Evidence of any period is found: the index holds words, not dates."""
    record = evidence(demo_world.alice_org, month=9, note="September fair")
    assert record.period_start == dt.date(2025, 9, 1)
    assert _found(demo_world.admin, "september") != {}
