"""The queue's four moves: enqueue (in the caller's transaction), claim, finish, fail."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlmodel import Session, col

from app.db import insert_or_merge
from app.logs import current_request_id
from app.models import Job
from app.models.base import utcnow

# Where a job keeps the id of the request that queued it.
REQUEST_ID_KEY = "request_id"

# A job that keeps failing is retried after 1, 2, 4, 8 minutes, then left failed.
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    run_after: datetime | None = None,
) -> uuid.UUID | None:
    """Queue a job in the caller's transaction: it exists exactly when their change does.
    With a `dedupe_key` already queued, nothing is added and None is returned."""
    payload = dict(payload or {})
    request_id = current_request_id()
    if request_id is not None:
        # The worker logs under the id of the request that queued the work (app/logs.py).
        payload[REQUEST_ID_KEY] = request_id
    values = {
        "id": uuid.uuid4(),
        "kind": kind,
        "payload": payload,
        "dedupe_key": dedupe_key,
        "run_after": run_after or utcnow(),
        "attempts": 0,
        "created_at": utcnow(),
    }
    statement = (
        insert_or_merge(db, Job)
        .values(values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(col(Job.id))
    )
    return db.execute(statement).scalar_one_or_none()


def claim(
    engine: Engine, *, worker: str, lease: timedelta, dedupe_key: str | None = None
) -> Claimed | None:
    """The next waiting job (or the one with this key), now held by `worker` until the
    lease ends."""
    now = utcnow()
    waiting = select(col(Job.id)).where(
        col(Job.finished_at).is_(None),
        col(Job.failed_at).is_(None),
        col(Job.run_after) <= now,
        # Never held, or held by a worker whose lease ended (it died or hung).
        or_(col(Job.locked_until).is_(None), col(Job.locked_until) < now),
    )
    if dedupe_key is not None:
        waiting = waiting.where(col(Job.dedupe_key) == dedupe_key)
    waiting = waiting.order_by(col(Job.run_after), col(Job.id)).limit(1)
    if engine.dialect.name == "postgresql":
        # Two workers never wait on, or take, the same row.
        waiting = waiting.with_for_update(skip_locked=True)
    statement = (
        update(Job)
        .where(col(Job.id) == waiting.scalar_subquery())
        .values(locked_by=worker, locked_until=now + lease, attempts=col(Job.attempts) + 1)
        .returning(col(Job.id), col(Job.kind), col(Job.payload), col(Job.attempts))
    )
    # The UPDATE is the first statement of its transaction: on SQLite it holds the write
    # lock from its first read, so the row it picks is still waiting when it takes it.
    with Session(engine) as db:
        row = db.execute(statement).first()
        db.commit()
    return Claimed(*row) if row is not None else None


def finish(engine: Engine, job: Claimed, *, worker: str) -> None:
    _settle(engine, job, worker=worker, values={"finished_at": utcnow()})


def fail(engine: Engine, job: Claimed, error: BaseException, *, worker: str) -> None:
    """Try again later, sooner first; after MAX_ATTEMPTS leave it failed for a person."""
    now = utcnow()
    values: dict[str, Any] = {"last_error": type(error).__name__}
    if job.attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
    else:
        values["run_after"] = now + FIRST_RETRY * 2 ** (job.attempts - 1)
    _settle(engine, job, worker=worker, values=values)


def _settle(engine: Engine, job: Claimed, *, worker: str, values: dict[str, Any]) -> None:
    # Only while still ours: a worker whose lease ended and was taken over says nothing.
    statement = (
        update(Job)
        .where(col(Job.id) == job.id, col(Job.locked_by) == worker)
        .values(locked_by=None, locked_until=None, **values)
    )
    with Session(engine) as db:
        db.execute(statement)
        db.commit()


def forget_finished(db: Session, *, before: datetime) -> int:
    """Finished jobs are history nobody reads: the purge removes them after a week."""
    statement = delete(Job).where(col(Job.finished_at) < before)
    return int(db.execute(statement).rowcount)  # type: ignore[attr-defined]
