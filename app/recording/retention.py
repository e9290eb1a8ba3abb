"""`python -m app purge`: retention, abandoned uploads, leftovers, unfinished processing.

Safe from cron on several machines at once: recordings are claimed with conditional
UPDATEs, uploads with their lease, and every storage deletion is idempotent.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.context import SYSTEM
from app.config import Settings
from app.db import make_engine, refresh_planner_statistics
from app.errors import Conflict, Locked, NotFound
from app.jobs.queue import forget_finished
from app.models import Organisation, Recording, RecordingStatus, Upload
from app.models.base import utcnow
from app.models.organisation import RetentionBasis
from app.recording import uploads
from app.recording.erasure import erase_recording_media
from app.recording.leftovers import remove_leftovers
from app.recording.processing import (
    pending_recording_ids,
    process_recording,
    unfinished_complete_uploads,
)
from app.storage import Storage, get_storage

# Finished jobs are kept a week, for whoever looks into what the workers did.
FINISHED_JOBS_KEPT = timedelta(days=7)


@dataclass
class PurgeReport:
    recordings_expired: int = 0
    media_erased: int = 0
    uploads_swept: int = 0
    leftovers_removed: int = 0
    recordings_processed: int = 0
    jobs_forgotten: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def run_purge(settings: Settings, *, now: datetime | None = None) -> PurgeReport:
    """`purge` with an engine and storage of its own, for the command line."""
    engine = make_engine(settings.database_url)
    try:
        return purge(engine, get_storage(settings), settings, now=now or utcnow())
    finally:
        engine.dispose()


def purge(engine: Engine, storage: Storage, settings: Settings, *, now: datetime) -> PurgeReport:
    """Delete media past retention, sweep abandoned uploads and leftovers, finish processing."""
    report = PurgeReport()
    report.recordings_expired = expire_recordings(engine, now=now)
    report.media_erased = erase_pending(engine, storage)
    report.uploads_swept = sweep_uploads(engine, storage, settings, now=now)
    report.leftovers_removed = remove_leftovers(engine, storage, settings, now=now)
    report.recordings_processed = process_pending(engine, storage, settings)
    with Session(engine) as db:
        report.jobs_forgotten = forget_finished(db, before=now - FINISHED_JOBS_KEPT)
        db.commit()
    # The daily run keeps SQLite's planner statistics as current as the data.
    refresh_planner_statistics(engine)
    return report


def _retention_start(basis: str) -> Any:
    uploaded = func.coalesce(Recording.uploaded_at, Recording.created_at)
    if basis == RetentionBasis.last_review:
        return func.coalesce(Recording.last_reviewed_at, uploaded)
    return uploaded


def expire_recordings(engine: Engine, *, now: datetime) -> int:
    """Mark recordings past their organisation's retention as deleted (tombstones)."""
    expired = 0
    with Session(engine) as db:
        organisations = db.exec(
            select(Organisation).where(col(Organisation.retention_days).is_not(None))
        ).all()
        for organisation in organisations:
            assert organisation.retention_days is not None
            cutoff = now - timedelta(days=organisation.retention_days)
            start = _retention_start(organisation.retention_basis)
            statement = (
                update(Recording)
                .where(
                    col(Recording.organisation_id) == organisation.id,
                    col(Recording.status) == RecordingStatus.ready,
                    start < cutoff,
                )
                .values(status=RecordingStatus.deleted, deleted_at=now, deleted_reason="retention")
                .execution_options(synchronize_session=False)
            )
            expired += db.execute(statement).rowcount  # type: ignore[attr-defined]
        db.commit()
    return expired


def erase_pending(engine: Engine, storage: Storage) -> int:
    """Erase the bytes of every deleted or rejected recording not yet confirmed erased."""
    with Session(engine, expire_on_commit=False) as db:
        statement = select(Recording).where(
            col(Recording.status).in_([RecordingStatus.deleted, RecordingStatus.rejected]),
            col(Recording.media_erased_at).is_(None),
        )
        waiting = list(db.exec(statement))
    for recording in waiting:
        erase_recording_media(storage, recording)
        _confirm_erased(engine, recording)
    return len(waiting)


def _confirm_erased(engine: Engine, recording: Recording) -> None:
    with Session(engine) as db:
        changed = db.execute(
            update(Recording)
            .where(col(Recording.id) == recording.id, col(Recording.media_erased_at).is_(None))
            .values(media_erased_at=utcnow(), poster_key=None)
        ).rowcount  # type: ignore[attr-defined]
        if changed:  # only the purger that confirmed it writes the audit event
            audit.record(
                db,
                action="recording.media_erased",
                resource_type="recording",
                resource_id=recording.id,
                organisation_id=recording.organisation_id,
                details={"reason": recording.deleted_reason or recording.status},
            )
        db.commit()


def sweep_uploads(engine: Engine, storage: Storage, settings: Settings, *, now: datetime) -> int:
    """Abandoned uploads: their bytes, rows and recordings go; finished ones are forgotten."""
    with Session(engine) as db:
        expired = list(
            db.exec(
                select(Upload.id).where(
                    col(Upload.completed_at).is_(None), col(Upload.expires_at) < now
                )
            )
        )
        forgotten = now - timedelta(hours=settings.upload_expiry_hours)
        db.execute(
            Upload.__table__.delete().where(  # type: ignore[attr-defined]
                col(Upload.completed_at).is_not(None), col(Upload.completed_at) < forgotten
            )
        )
        db.commit()
    swept = 0
    for upload_id in expired:
        swept += _sweep_one(engine, storage, settings, upload_id)
    return swept


def _sweep_one(engine: Engine, storage: Storage, settings: Settings, upload_id: uuid.UUID) -> int:
    try:
        lease = uploads.acquire(engine, upload_id=upload_id, seconds=settings.upload_lock_seconds)
    except Locked:
        return 0  # a PATCH or another purger holds it right now (or it is gone)
    snapshot = lease.upload
    try:
        # Listed as expired when the purge began, but a PATCH may have renewed it since.
        if not snapshot.expired:
            return 0
        uploads.terminate(
            engine, storage, snapshot=snapshot, actor=None, context=SYSTEM, reason="expired"
        )
    except (Conflict, NotFound):
        return 0  # completed or removed by someone else meanwhile
    else:
        return 1
    finally:
        # Whatever happened, the phone's next PATCH must not wait out the lease.
        uploads.release(engine, upload_id=upload_id, token=lease.token)


def process_pending(engine: Engine, storage: Storage, settings: Settings) -> int:
    """Finish what a stopped process left: complete uploads, then process recordings."""
    for upload in unfinished_complete_uploads(engine):
        try:
            lease = uploads.acquire(
                engine, upload_id=upload.id, seconds=settings.upload_lock_seconds
            )
        except Locked:
            continue
        try:
            if lease.upload.completed_at is None:
                uploads.finish(
                    engine, storage, snapshot=lease.upload, token=lease.token, context=SYSTEM
                )
        finally:
            uploads.release(engine, upload_id=upload.id, token=lease.token)
    processed = 0
    for recording_id in pending_recording_ids(engine):
        process_recording(engine, storage, settings, recording_id)
        processed += 1
    return processed
