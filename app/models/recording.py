"""Recordings of practitioners' sessions, their consent, tus uploads and access grants."""

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class RecordingStatus(enum.StrEnum):
    uploading = "uploading"
    processing = "processing"
    ready = "ready"
    rejected = "rejected"
    deleted = "deleted"


class ConsentScope(enum.StrEnum):
    coaching = "coaching"
    coaching_and_training = "coaching_and_training"


class ConsentMethod(enum.StrEnum):
    written = "written"
    verbal = "verbal"


class Recording(SQLModel, table=True):
    """One recording. The row outlives its media: erased media leave a tombstone."""

    __tablename__ = "recording"
    # The recordings list, newest first, page by page.
    __table_args__ = (Index("ix_recording_organisation_created", "organisation_id", "created_at"),)

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    owner_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    programme_id: uuid.UUID | None = Field(
        default=None, foreign_key="programme.id", index=True, ondelete="SET NULL"
    )
    title: str = Field(max_length=200)
    recorded_at: datetime | None = timestamp_field()
    status: str = Field(default=RecordingStatus.uploading, max_length=20, index=True)
    rejection_reason: str | None = Field(default=None, max_length=500)
    declared_type: str | None = Field(default=None, max_length=200)
    size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    sha256: str | None = Field(default=None, max_length=64)
    media_type: str | None = Field(default=None, max_length=100)
    container: str | None = Field(default=None, max_length=100)
    video_codec: str | None = Field(default=None, max_length=50)
    audio_codec: str | None = Field(default=None, max_length=50)
    duration_seconds: float | None = Field(default=None)
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    has_video: bool | None = Field(default=None)
    has_audio: bool | None = Field(default=None)
    # Server-generated object keys (recordings/{org}/{recording}/...), never user filenames.
    storage_key: str = Field(max_length=300)
    poster_key: str | None = Field(default=None, max_length=300)
    created_at: datetime = created_at_field()
    uploaded_at: datetime | None = timestamp_field()
    processing_started_at: datetime | None = timestamp_field()
    processed_at: datetime | None = timestamp_field()
    # Set by reviews; the retention basis "last_review" counts from here.
    last_reviewed_at: datetime | None = timestamp_field()
    deleted_at: datetime | None = timestamp_field()
    deleted_reason: str | None = Field(default=None, max_length=40)
    # Set once the bytes are confirmed gone from storage; purge retries until then.
    media_erased_at: datetime | None = timestamp_field()


class ConsentRecord(SQLModel, table=True):
    """The family's consent to a recording: no recording without one."""

    __tablename__ = "consent_record"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recording_id: uuid.UUID = Field(foreign_key="recording.id", unique=True, ondelete="CASCADE")
    obtained_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    obtained_at: datetime = timestamp_field(nullable=False)
    method: str | None = Field(default=None, max_length=20)
    scope: str = Field(max_length=40)
    withdrawn_at: datetime | None = timestamp_field()
    withdrawn_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class Upload(SQLModel, table=True):
    """A tus upload. All of its state is here, so any app process can take the next PATCH."""

    __tablename__ = "upload"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    uploader_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    recording_id: uuid.UUID = Field(foreign_key="recording.id", unique=True, ondelete="CASCADE")
    length: int = Field(sa_type=BigInteger)
    offset: int = Field(default=0, sa_column=Column("upload_offset", BigInteger, nullable=False))
    # The Upload-Metadata header as sent, echoed back on HEAD.
    raw_metadata: str = Field(default="", max_length=8000)
    storage_key: str = Field(max_length=300)
    # The storage's multipart handle (the S3 UploadId), its finished parts and the tail:
    # bytes short of a full part, kept as a temporary object until the next PATCH.
    multipart_id: str = Field(max_length=1024)
    parts: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    tail_key: str | None = Field(default=None, max_length=300)
    tail_size: int = Field(default=0, sa_type=BigInteger)
    expires_at: datetime = timestamp_field(nullable=False, index=True)
    completed_at: datetime | None = timestamp_field()
    # A lease: one PATCH (or sweep) at a time, across processes, renewed while bytes arrive.
    lock_token: str | None = Field(default=None, max_length=64)
    lock_until: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()


class RecordingAccessGrant(SQLModel, table=True):
    """Someone a lead allowed to see one recording's media. It counts only while they hold a
    role that may receive grants (coach, lead or guest) and until it expires, and ends when
    they leave."""

    __tablename__ = "recording_access_grant"
    __table_args__ = (UniqueConstraint("recording_id", "user_id"),)

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recording_id: uuid.UUID = Field(foreign_key="recording.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    granted_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # Why the lead gave access; required when leads grant themselves, and shown to the
    # practitioner whose recording it is.
    reason: str = Field(default="", max_length=500)
    # From this moment the grant counts as none (app/access/relations.py); always set for
    # a guest, optional for coaches and leads.
    expires_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()
