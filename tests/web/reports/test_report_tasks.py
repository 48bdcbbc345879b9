"""Report runs on the task queue: queued after commit, built by the task, and never left running
when the worker building one dies (heartbeat bound, reaper, read paths), plus file retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from socialvalue.web.files import storage as stored
from socialvalue.web.reports import registry, services
from socialvalue.web.reports.models import WORKER_STOPPED, ReportRun
from socialvalue.web.reports.tasks import (
    build_report_run,
    recover_stale_report_runs,
    remove_expired_report_files,
)
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.web.reports.factories import FIGURES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def figures_report():
    registry.register(FIGURES)


def _dead_run(world, *, attempts: int, silent_for: timedelta = timedelta(minutes=10)) -> ReportRun:
    """A run a worker started and then died in: running, an old heartbeat, half its files written."""
    then = timezone.now() - silent_for
    run = ReportRun.objects.create(
        organisation=world.alice_org,
        requested_by=world.admin,
        report=FIGURES.name,
        parameters={"year": "2024"},
        status=ReportRun.Status.RUNNING,
        attempts=attempts,
        started_at=then,
        heartbeat_at=then,
        progress=0.4,
        worker="gone-host:4242",
    )
    stored.write(f"{services.run_folder(run)}/report.pdf", b"%PDF half")
    return run


def test_a_long_report_is_queued_after_commit_and_built_by_the_task(
    demo_world, django_capture_on_commit_callbacks
):
    actor = Actor.for_user(demo_world.admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.start_run(
            actor=actor,
            organisation=demo_world.alice_org,
            report=FIGURES,
            raw={"year": 2024},
            wait=False,
        )
        run.refresh_from_db()
        assert run.status == ReportRun.Status.QUEUED  # nothing runs before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task is queued, and the queue's immediate mode runs it
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 1 and run.worker and run.heartbeat_at is not None
    assert services.read_file(run, "pdf").startswith(b"%PDF")


def test_the_task_builds_a_run_once_even_when_delivered_twice(demo_world):
    run = ReportRun.objects.create(
        organisation=demo_world.alice_org,
        requested_by=demo_world.admin,
        report=FIGURES.name,
        parameters={"year": "2024"},
    )
    build_report_run(run.pk)
    run.refresh_from_db()
    finished = run.finished_at
    build_report_run(run.pk)  # a second delivery finds the run taken and leaves it alone
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.attempts == 1
    assert run.finished_at == finished


def test_a_run_whose_worker_died_is_started_again_in_a_fresh_folder(
    demo_world, django_capture_on_commit_callbacks
):
    run = _dead_run(demo_world, attempts=1)
    old_file = f"{services.run_folder(run)}/report.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        recover_stale_report_runs()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 2
    assert not stored.exists(old_file)  # the dead attempt's half-written files are gone
    assert services.read_file(run, "pdf").startswith(b"%PDF")


def test_a_run_whose_worker_died_on_its_last_attempt_fails_with_a_clear_message(demo_world):
    run = _dead_run(demo_world, attempts=2)
    half_written = f"{services.run_folder(run)}/report.pdf"
    recover_stale_report_runs()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.error == WORKER_STOPPED
    assert run.finished_at is not None
    assert not stored.exists(half_written)


def test_the_reaper_run_twice_queues_a_dead_run_once(
    demo_world, django_capture_on_commit_callbacks
):
    run = _dead_run(demo_world, attempts=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.recover_stale_runs()
        second = services.recover_stale_runs()
    assert first == {"restarted": 1, "failed": 0}
    assert second == {"restarted": 0, "failed": 0}
    assert len(callbacks) == 1  # one task queued, not two
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED and run.attempts == 1


def test_a_run_with_a_recent_heartbeat_is_left_running(demo_world, settings):
    settings.SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT = 120
    run = _dead_run(demo_world, attempts=1, silent_for=timedelta(seconds=60))
    assert services.recover_stale_runs() == {"restarted": 0, "failed": 0}
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING and not run.is_stale
    settings.SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT = 30  # the bound is the operator's setting
    assert run.is_stale


def test_a_queued_run_no_worker_picked_up_within_an_hour_fails(demo_world):
    run = ReportRun.objects.create(
        organisation=demo_world.alice_org,
        report=FIGURES.name,
        parameters={"year": "2024"},
        created_at=timezone.now() - timedelta(hours=2),
    )
    assert run.is_stale
    recover_stale_report_runs()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "socialvalue worker" in run.error


def test_the_api_never_shows_running_past_the_heartbeat_bound(client, demo_world):
    run = _dead_run(demo_world, attempts=2)
    answer = client.get(f"/api/v1/reports/runs/{run.pk}", **bearer(demo_world.admin)).json()
    assert answer["status"] == "failed"
    assert answer["error"] == WORKER_STOPPED
    listed = client.get("/api/v1/reports/runs", **bearer(demo_world.admin)).json()
    assert {item["status"] for item in listed["items"]} == {"failed"}


def test_the_progress_page_says_the_worker_stopped_past_the_bound(client, demo_world):
    run = _dead_run(demo_world, attempts=2)
    client.force_login(demo_world.admin)
    page = client.get(reverse("reports:run", args=[run.pk]))
    assert page.status_code == 200
    assert WORKER_STOPPED in page.content.decode()


def test_an_outsider_cannot_recover_or_see_someone_elses_run(client, demo_world):
    run = _dead_run(demo_world, attempts=2)
    answer = client.get(f"/api/v1/reports/runs/{run.pk}", **bearer(demo_world.outsider))
    assert answer.status_code == 404
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING  # the outsider's request touched nothing


def test_an_attempt_the_reaper_took_over_stops_and_leaves_no_files(demo_world):
    """A worker that only looked dead (its heartbeat late) must not overwrite what came after."""

    def build_slowly(*, actor, organisation, progress, year):
        run = ReportRun.objects.get(report="test-slow")
        ReportRun.objects.filter(pk=run.pk).update(
            heartbeat_at=timezone.now() - timedelta(hours=1), attempts=2
        )
        services.recover_stale_runs()  # the reaper fails it while this attempt still builds
        progress(0.5, "Still here")
        went_on.append(True)  # progress must have stopped this superseded attempt
        return FIGURES.build(actor=actor, organisation=organisation, progress=progress, year=year)

    went_on: list[bool] = []

    slow = registry.ReportType(
        name="test-slow",
        title="Slow",
        description="",
        build=build_slowly,
        parameters=(registry.year_parameter(),),
        audience=("provider",),
    )
    registry.register(slow)
    run = ReportRun.objects.create(
        organisation=demo_world.alice_org,
        requested_by=demo_world.admin,
        report="test-slow",
        parameters={"year": "2024"},
    )
    services.execute(run.pk)
    run.refresh_from_db()
    assert went_on == []
    assert run.status == ReportRun.Status.FAILED and run.error == WORKER_STOPPED
    assert not any(stored.walk(services.run_folder(run)))


def test_files_past_retention_are_deleted_and_the_run_stays_listed(client, demo_world, settings):
    settings.SOCIALVALUE_REPORT_RETENTION_DAYS = 90
    actor = Actor.for_user(demo_world.admin)
    old, recent = (
        services.start_run(
            actor=actor,
            organisation=demo_world.alice_org,
            report=FIGURES,
            raw={"year": y},
            wait=True,
        )
        for y in (2023, 2024)
    )
    ReportRun.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=91))
    remove_expired_report_files()  # through the queue, as the daily job runs it
    old.refresh_from_db()
    removed_at = old.files_removed_at
    assert services.remove_expired_files() == 0  # run again, nothing more to do
    old.refresh_from_db()
    assert old.files_removed_at == removed_at
    recent.refresh_from_db()
    assert old.files == {} and old.files_removed_at is not None
    assert not any(stored.walk(services.run_folder(old)))
    assert services.read_file(recent, "pdf") is not None
    client.force_login(demo_world.admin)
    page = client.get(reverse("reports:run", args=[old.pk])).content.decode()
    assert "files were deleted" in page
    download = client.get(f"/api/v1/reports/runs/{old.pk}/download/pdf", **bearer(demo_world.admin))
    assert download.status_code == 404
