"""The job queue (app/jobs): work is queued with the change that needs it, taken by one
worker at a time, taken again when its worker dies, retried when it fails, and the
periodic jobs are queued once per period however many workers ask."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.config import Settings
from app.jobs import queue
from app.jobs.kinds import PURGE, JobContext
from app.jobs.worker import Worker
from app.main import create_app
from app.models import Job
from app.models.base import utcnow
from app.storage import get_storage

LEASE = timedelta(minutes=5)


def _jobs(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.exec(select(Job).order_by(col(Job.created_at))))


def _worker(app: FastAPI, settings: Settings) -> Worker:
    return Worker(JobContext(app.state.engine, get_storage(settings), settings))


def test_a_job_exists_exactly_when_the_change_that_needs_it_does(db: Session) -> None:
    queue.enqueue(db, "process_recording", {"recording_id": str(uuid.uuid4())})
    db.rollback()
    assert _jobs(db) == []
    queue.enqueue(db, "process_recording", {"recording_id": "kept"})
    db.commit()
    [job] = _jobs(db)
    assert (job.kind, job.payload, job.attempts) == (
        "process_recording",
        {"recording_id": "kept"},
        0,
    )


def test_a_period_is_queued_once_however_many_ask(db: Session) -> None:
    first = queue.enqueue(db, PURGE, dedupe_key="purge:2026-12-02T07")
    again = queue.enqueue(db, PURGE, dedupe_key="purge:2026-12-02T07")
    db.commit()
    assert first is not None
    assert again is None
    assert [job.id for job in _jobs(db)] == [first]


def test_workers_racing_for_jobs_never_take_the_same_one(app: FastAPI, db: Session) -> None:
    for number in range(24):
        queue.enqueue(db, "process_recording", {"n": number})
    db.commit()
    taken: list[list[uuid.UUID]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def take_all(mine: list[uuid.UUID]) -> None:
        start.wait()
        while (job := queue.claim(app.state.engine, worker=str(id(mine)), lease=LEASE)) is not None:
            mine.append(job.id)

    threads = [threading.Thread(target=take_all, args=(mine,)) for mine in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [job_id for mine in taken for job_id in mine]
    assert len(everything) == 24
    assert set(everything) == {job.id for job in _jobs(db)}
    assert all(job.attempts == 1 for job in _jobs(db))


def test_a_dead_workers_job_is_taken_again_when_its_lease_ends(app: FastAPI, db: Session) -> None:
    engine = app.state.engine
    queue.enqueue(db, "process_recording", {"recording_id": "one"})
    db.commit()
    held = queue.claim(engine, worker="alive", lease=LEASE)
    assert held is not None
    # Held: nobody else gets it while the lease runs.
    assert queue.claim(engine, worker="other", lease=LEASE) is None

    queue.enqueue(db, "process_recording", {"recording_id": "two"})
    db.commit()
    dead = queue.claim(engine, worker="dead", lease=timedelta(0))  # its lease is already over
    assert dead is not None and dead.payload == {"recording_id": "two"}
    again = queue.claim(engine, worker="successor", lease=LEASE)
    assert again is not None and (again.id, again.attempts) == (dead.id, 2)

    # The dead worker coming back to life settles nothing: the job is the successor's.
    queue.finish(engine, dead, worker="dead")
    job = db.get(Job, dead.id)
    assert job is not None
    db.refresh(job)
    assert (job.finished_at, job.locked_by) == (None, "successor")
    queue.finish(engine, again, worker="successor")
    db.refresh(job)
    assert job.finished_at is not None and job.locked_by is None


def test_a_failing_job_is_retried_later_and_then_left_failed(
    app: FastAPI, db: Session, settings: Settings
) -> None:
    queue.enqueue(db, "a_kind_from_a_newer_version", {})
    db.commit()
    worker = _worker(app, settings)
    delays = []
    for _ in range(queue.MAX_ATTEMPTS):
        before = utcnow()
        assert worker.run_one() is True
        [job] = _jobs(db)
        assert job.last_error == "UnknownJobKind"
        if job.failed_at is None:
            delays.append(round((job.run_after - before).total_seconds() / 60))
            # Not due yet: nothing to take.
            assert worker.run_one() is False
            # As if the delay had passed.
            db.execute(update(Job).values(run_after=utcnow()))
            db.commit()
    [job] = _jobs(db)
    assert delays == [1, 2, 4, 8]
    assert job.failed_at is not None and job.attempts == queue.MAX_ATTEMPTS
    assert worker.run_one() is False


def test_every_worker_asks_for_the_hourly_purge_and_it_runs_once(
    app: FastAPI, db: Session, settings: Settings
) -> None:
    first, second = _worker(app, settings), _worker(app, settings)
    assert first.drain() == 1
    assert second.drain() == 0
    [job] = _jobs(db)
    assert job.kind == PURGE
    assert job.dedupe_key == f"purge:{utcnow():%Y-%m-%dT%H}"
    assert job.finished_at is not None and job.last_error is None


@pytest.mark.parametrize("smtp_host", [None, "127.0.0.1"])
def test_digests_are_queued_daily_from_their_hour_only_when_email_is_set_up(
    app: FastAPI, db: Session, settings: Settings, smtp_host: str | None
) -> None:
    now = utcnow()
    # The digest hour has begun today (or is this hour).
    configured = settings.model_copy(update={"smtp_host": smtp_host, "digest_hour": now.hour})
    worker = _worker(app, configured)
    worker.schedule()
    kinds = {job.kind: job.dedupe_key for job in _jobs(db)}
    expected = {PURGE: f"purge:{now:%Y-%m-%dT%H}"}
    if smtp_host:
        expected["send_digests"] = f"send_digests:{now:%Y-%m-%d}"
    assert kinds == expected


def test_the_embedded_worker_runs_the_queue_inside_the_app_and_stops_with_it(
    app: FastAPI, db: Session, settings: Settings
) -> None:
    # `make run`: one process is the whole service, its worker a thread of the app.
    embedded = settings.model_copy(update={"embedded_worker": True, "worker_poll_seconds": 0.1})
    application = create_app(embedded)
    try:
        with TestClient(application):
            deadline = time.monotonic() + 30
            while not any(job.finished_at for job in _jobs(db)):
                assert time.monotonic() < deadline, "the embedded worker never ran the purge"
                time.sleep(0.05)
            assert "tandem-worker" in {thread.name for thread in threading.enumerate()}
        assert "tandem-worker" not in {thread.name for thread in threading.enumerate()}
    finally:
        application.state.engine.dispose()
    [job] = _jobs(db)
    assert job.kind == PURGE
