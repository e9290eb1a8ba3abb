"""The kinds of job, what queues each, and what runs it."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.jobs.queue import enqueue
from app.models.base import utcnow
from app.storage import Storage


@dataclass(frozen=True)
class JobContext:
    """What every job runs with: the worker's engine, storage and settings."""

    engine: Engine
    storage: Storage
    settings: Settings


Handler = Callable[[JobContext, dict[str, Any]], object]

PROCESS_RECORDING = "process_recording"
PURGE = "purge"
SEND_DIGESTS = "send_digests"


def processing_key(recording_id: uuid.UUID) -> str:
    return f"{PROCESS_RECORDING}:{recording_id}"


def queue_processing(db: Session, recording_id: uuid.UUID) -> None:
    """In the transaction that moves the recording to processing."""
    enqueue(
        db,
        PROCESS_RECORDING,
        {"recording_id": str(recording_id)},
        dedupe_key=processing_key(recording_id),
    )


def _process_recording(context: JobContext, payload: dict[str, Any]) -> None:
    from app.recording.processing import process_recording

    recording_id = uuid.UUID(payload["recording_id"])
    process_recording(context.engine, context.storage, context.settings, recording_id)


def _purge(context: JobContext, _: dict[str, Any]) -> None:
    from app.recording.retention import purge

    purge(context.engine, context.storage, context.settings, now=utcnow())


def _send_digests(context: JobContext, _: dict[str, Any]) -> None:
    from app.notifications.digest import send_digests

    send_digests(context.settings)


HANDLERS: dict[str, Handler] = {
    PROCESS_RECORDING: _process_recording,
    PURGE: _purge,
    SEND_DIGESTS: _send_digests,
}


@dataclass(frozen=True)
class Periodic:
    kind: str
    dedupe_key: str
    run_after: datetime


def periodic_due(now: datetime, settings: Settings) -> Iterator[Periodic]:
    """The periodic jobs whose period has begun: the purge each hour, the digests each day
    from TANDEM_DIGEST_HOUR (UTC). Every worker asks; each period's key keeps one job."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    yield Periodic(PURGE, f"{PURGE}:{hour:%Y-%m-%dT%H}", hour)
    digest_time = datetime.combine(now.date(), time(settings.digest_hour), tzinfo=now.tzinfo)
    if settings.smtp_host and now >= digest_time:
        yield Periodic(SEND_DIGESTS, f"{SEND_DIGESTS}:{now:%Y-%m-%d}", digest_time)


def lease_of(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.job_lease_minutes)
