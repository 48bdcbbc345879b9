"""The provider's dashboard: value by theme and SDG over time, evidence awaiting verification, review date, case studies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from socialvalue.web.dashboard import services
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.statements import services as statements
from tests.factories import bearer
from tests.reports.chart_geometry import page_charts, problems
from tests.web.casestudies.factories import case_study
from tests.web.planning.factories import ActivityFactory, starter_measure
from tests.web.statements.factories import drafted_statement

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 15)


def _record(organisation, code, start, value, verification="verified", activity=None):
    return Evidence.objects.create(
        organisation=organisation,
        measure=starter_measure(code),
        activity=activity or ActivityFactory(organisation=organisation),
        quantity=Decimal(1),
        period_start=start,
        period_end=start + dt.timedelta(days=27),
        verification=verification,
        value=None if value is None else Decimal(value),
        value_price_year=2024 if value is not None else None,
    )


def test_value_is_summed_by_quarter_theme_and_goal(demo_world):
    org = demo_world.alice_org
    jobs = starter_measure("SV-EMP-01")
    volunteering = starter_measure("SV-VOL-01")
    _record(org, "SV-EMP-01", dt.date(2026, 1, 1), "100.00")
    _record(org, "SV-EMP-01", dt.date(2026, 2, 1), "50.00", verification="self_reported")
    _record(org, "SV-VOL-01", dt.date(2026, 4, 1), "30.00", verification="evidenced")
    _record(org, "SV-VOL-01", dt.date(2026, 4, 1), "999.00", verification="rejected")
    _record(org, "SV-EMP-01", dt.date(2023, 4, 1), "777.00")  # before the window
    _record(org, "SV-LON-01", dt.date(2026, 4, 1), None)  # counted, not valued
    _record(demo_world.other_org, "SV-EMP-01", dt.date(2026, 1, 1), "555.00")

    value = services.value_over_time(org, today=TODAY)

    assert [q.start for q in value.quarters][-2:] == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]
    assert value.total == 180.0 and value.records == 3 and value.price_year == 2024
    assert value.by_theme[jobs.theme.name][-2:] == [150.0, 0.0]
    assert value.by_theme[volunteering.theme.name][-2:] == [0.0, 30.0]
    # SV-EMP-01 serves targets 8.5 and 1.2: its value counts once under goal 8 and once under goal 1.
    goal_8 = next(name for name in value.by_goal if name.startswith("8."))
    goal_1 = next(name for name in value.by_goal if name.startswith("1."))
    assert value.by_goal[goal_1][-2] == 150.0
    assert value.by_goal[goal_8][-2] == 150.0


def test_goals_beyond_the_top_six_are_other_goals_each_record_counted_once():
    # Each goal n has a record worth n of its own; one more record of 10 serves goals 1 and 2.
    contributions = [(0, float(n), frozenset({f"{n}. Goal"})) for n in range(1, 10)]
    contributions.append((1, 10.0, frozenset({"1. Goal", "2. Goal"})))
    by_goal = {f"{n}. Goal": [float(n), 0.0] for n in range(1, 10)}
    by_goal["1. Goal"][1] = by_goal["2. Goal"][1] = 10.0
    shown = services._top_goals(by_goal, 2, contributions)
    assert list(shown)[:6] == [f"{n}. Goal" for n in (2, 1, 9, 8, 7, 6)]
    # Goals 3, 4 and 5 are the rest; the shared record serves none of them.
    assert shown["Other goals"] == [3.0 + 4.0 + 5.0, 0.0]


def test_a_record_serving_two_other_goals_counts_once_in_other_goals():
    # Six goals (3 to 8) are shown by name; one record of 1 serves both of the other two.
    contributions = [(0, float(n), frozenset({f"{n}. Goal"})) for n in range(3, 9)]
    contributions.append((0, 1.0, frozenset({"1. Goal", "2. Goal"})))
    by_goal = {f"{n}. Goal": [float(n), 0.0] for n in range(3, 9)}
    by_goal["1. Goal"] = [1.0, 0.0]
    by_goal["2. Goal"] = [1.0, 0.0]
    shown = services._top_goals(by_goal, 2, contributions)
    assert "3. Goal" in shown and "1. Goal" not in shown
    assert shown["Other goals"] == [1.0, 0.0]


def test_the_goals_chart_sets_goals_side_by_side_with_no_total():
    from socialvalue.reports import charts

    chart = charts.stacked_bar(
        "By goal", ["Q1"], {"1. Goal": [5.0], "8. Goal": [5.0]}, additive=False
    )
    assert [c.heading for c in chart.table.columns] == ["Year", "1. Goal", "8. Goal"]
    assert "not added up" in chart.alt and "Totals" not in chart.alt


def test_quarters_end_with_the_current_one():
    quarters = services.quarters_to(dt.date(2026, 2, 10), count=3)
    assert [q.start for q in quarters] == [
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    ]
    assert quarters[-1].label == "Jan–Mar\n2026"


def test_awaiting_verification_counts_the_levels_and_shows_the_oldest_first(demo_world):
    org = demo_world.alice_org
    activity = ActivityFactory(organisation=org)
    newest = _record(org, "SV-VOL-01", dt.date(2026, 3, 1), "1", "self_reported", activity)
    oldest = _record(org, "SV-VOL-01", dt.date(2025, 6, 1), "1", "evidenced", activity)
    _record(org, "SV-VOL-01", dt.date(2025, 7, 1), "1", "verified", activity)
    _record(org, "SV-VOL-01", dt.date(2025, 7, 1), "1", "rejected", activity)
    awaiting = services.awaiting_verification(org)
    assert awaiting.by_level == {"self_reported": 1, "evidenced": 1} and awaiting.total == 2
    assert awaiting.oldest == [oldest, newest]


def test_provider_home_is_the_dashboard(client, demo_world):
    org = demo_world.alice_org
    _record(org, "SV-EMP-01", timezone.localdate().replace(day=1), "1234.00", "self_reported")
    statement = drafted_statement(org, review_date=timezone.localdate() - dt.timedelta(days=1))
    statements.publish(statement)
    case_study(org, title="Lunch club brings neighbours together")
    client.force_login(demo_world.viewer)
    page = client.get("/").content.decode()
    assert "£1,234" in page
    assert "Value by theme and quarter" in page and "Show the data" in page
    assert "1 self-reported" in page
    assert "was due for review" in page and "Overdue" in page
    assert "Lunch club brings neighbours together" in page
    assert "Charlie" not in page


def test_dashboard_charts_name_each_year_once_with_no_labels_touching(client, demo_world):
    org = demo_world.alice_org
    today = timezone.localdate()
    for months_back in (0, 3, 6, 9, 12, 15, 18, 21):
        day = (today.replace(day=1) - dt.timedelta(days=30 * months_back)).replace(day=1)
        _record(org, "SV-EMP-01", day, "1234.00", "self_reported")
    client.force_login(demo_world.viewer)
    svgs = page_charts(client.get("/").content.decode())
    assert svgs
    for svg in svgs:
        assert problems(svg) == []
        assert svg.count(f">{today:%Y}</text>") == 1  # the year once, beneath its quarters


def test_review_date_in_force_is_the_published_versions(demo_world):
    org = demo_world.alice_org
    in_force = timezone.localdate() + dt.timedelta(days=30)
    statement = drafted_statement(org, review_date=in_force)
    statements.publish(statement)
    statement.review_date = in_force + dt.timedelta(days=365)
    statement.save()
    review = services.statement_review(org)
    assert review.date == in_force and review.due_soon and not review.overdue


def test_empty_dashboard_says_what_to_do_next(client, demo_world):
    client.force_login(demo_world.editor)
    page = client.get("/").content.decode()
    assert "No valued evidence" in page and "Start your statement" in page
    assert "No case studies yet" in page


def test_commissioner_home_is_not_the_provider_dashboard(client, demo_world):
    demo_world.other_org.kind = "commissioner"
    demo_world.other_org.save()
    client.force_login(demo_world.outsider)
    page = client.get("/").content.decode()
    assert "Awaiting verification" not in page


def test_api_gives_the_dashboards_figures(client, demo_world):
    org = demo_world.alice_org
    today = timezone.localdate()
    _record(org, "SV-EMP-01", today.replace(day=1), "200.00", "evidenced")
    statement = drafted_statement(org, review_date=today + dt.timedelta(days=10))
    statements.publish(statement)
    body = client.get("/api/v1/dashboard", **bearer(demo_world.viewer)).json()
    assert body["organisation_id"] == org.pk and body["total_value"] == 200.0
    assert len(body["quarters"]) == services.QUARTERS
    theme = starter_measure("SV-EMP-01").theme.name
    assert {"name": theme, "values": [0.0] * 7 + [200.0]} in body["value_by_theme"]
    assert body["awaiting_verification"] == {"self_reported": 0, "evidenced": 1}
    assert body["statement"]["published_version"] == 1 and body["statement"]["due_soon"]


def test_dashboard_shows_one_team_or_area(client, demo_world):
    org = demo_world.alice_org
    month = timezone.localdate().replace(day=1)
    home_care = ActivityFactory(organisation=org, team="Home care", area="Eastbank")
    community = ActivityFactory(organisation=org, team="Community", area="Millford")
    _record(org, "SV-EMP-01", month, "100.00", "self_reported", home_care)
    _record(org, "SV-EMP-01", month, "40.00", "evidenced", community)
    case_study(org, title="Carers' café", team="Community", area="Millford")
    case_study(org, title="Falls visits", team="Home care", area="Eastbank")

    community_only = services.Scope(team="Community")
    assert services.value_over_time(org, scope=community_only).total == 40.0
    assert services.awaiting_verification(org, scope=community_only).by_level == {
        "self_reported": 0,
        "evidenced": 1,
    }
    assert services.value_over_time(org, scope=services.Scope(area="Eastbank")).total == 100.0

    client.force_login(demo_world.viewer)
    page = client.get("/", {"team": "Community"}).content.decode()
    assert "£40" in page and "Showing Community only" in page
    assert "Carers&#x27; café" in page and "Falls visits" not in page
    everything = client.get("/").content.decode()
    assert "£140" in everything and "Falls visits" in everything
    unknown = client.get("/", {"team": "Nobody"}).content.decode()
    assert "There is a problem" in unknown and "£140" in unknown
    api = client.get("/api/v1/dashboard?area=Eastbank", **bearer(demo_world.viewer)).json()
    assert api["total_value"] == 100.0
