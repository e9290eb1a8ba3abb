"""Stored bytes that no row accounts for: what a crash between storage and database left.

Only leftovers older than a grace period go, so a request that has just written an
object and is about to commit its row is never robbed.
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import Recording, RecordingStatus, Upload
from app.storage import Storage

GRACE = timedelta(hours=1)
LIVE_STATUSES = (RecordingStatus.uploading, RecordingStatus.processing, RecordingStatus.ready)


def _id_at(key: str, index: int) -> uuid.UUID | None:
    parts = key.split("/")
    try:
        return uuid.UUID(parts[index])
    except (IndexError, ValueError):
        return None


def remove_leftovers(engine: Engine, storage: Storage, settings: Settings, *, now: datetime) -> int:
    removed = _stray_tails(engine, storage, now=now)
    removed += _stray_recording_objects(engine, storage, now=now)
    removed += _stray_multiparts(engine, storage, settings, now=now)
    return removed


def _stray_tails(engine: Engine, storage: Storage, *, now: datetime) -> int:
    """Tail objects of uploads that are gone, or that the upload no longer names."""
    with Session(engine) as db:
        named = {
            upload_id: tail_key
            for upload_id, tail_key in db.exec(select(Upload.id, Upload.tail_key)).all()
        }
    removed = 0
    for item in storage.list("uploads/"):
        upload_id = _id_at(item.key, 1)
        in_use = upload_id in named and named[upload_id] == item.key
        if not in_use and item.modified_at < now - GRACE:
            storage.delete(item.key)
            removed += 1
    return removed


def _stray_recording_objects(engine: Engine, storage: Storage, *, now: datetime) -> int:
    """Objects of recordings that do not exist, or whose media were erased."""
    with Session(engine) as db:
        live = set(
            db.exec(select(Recording.id).where(col(Recording.status).in_(LIVE_STATUSES))).all()
        )
        known = set(db.exec(select(Recording.id)).all())
    removed = 0
    for item in storage.list("recordings/"):
        recording_id = _id_at(item.key, 2)
        if recording_id in live:
            continue
        # A missing row may be a plain upload about to commit it: wait out the grace period.
        if recording_id in known or item.modified_at < now - GRACE:
            storage.delete(item.key)
            removed += 1
    return removed


def _stray_multiparts(
    engine: Engine, storage: Storage, settings: Settings, *, now: datetime
) -> int:
    """Unfinished multipart writes no upload owns (a plain upload runs for hours at most)."""
    with Session(engine) as db:
        owned = set(db.exec(select(Upload.multipart_id)).all())
    cutoff = now - timedelta(hours=settings.upload_expiry_hours)
    removed = 0
    for pending in storage.list_multiparts():
        if pending.multipart_id not in owned and pending.started_at < cutoff:
            storage.abort_multipart(pending.key, pending.multipart_id)
            removed += 1
    return removed
