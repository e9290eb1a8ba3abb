"""The conversation around a recording: time-stamped comments and the practitioner's reflection."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class Comment(SQLModel, table=True):
    """A note at a moment of a recording, or a reply in its thread (replies are one level deep).

    A thread's root carries the moment, span, criterion and resolution; a reply carries
    only its body. A deleted root that still has replies stays as a tombstone.
    """

    __tablename__ = "recording_comment"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recording_id: uuid.UUID = Field(foreign_key="recording.id", index=True, ondelete="CASCADE")
    parent_id: uuid.UUID | None = Field(
        default=None, foreign_key="recording_comment.id", index=True, ondelete="CASCADE"
    )
    # SET NULL: a thread stays readable when its author's account goes.
    author_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    start_ms: int | None = Field(default=None)
    end_ms: int | None = Field(default=None)
    criterion_code: str | None = Field(default=None, max_length=40)
    body: str = Field(default="", max_length=4000)
    created_at: datetime = created_at_field()
    edited_at: datetime | None = timestamp_field()
    deleted_at: datetime | None = timestamp_field()
    resolved_at: datetime | None = timestamp_field()
    resolved_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class Reflection(SQLModel, table=True):
    """The recording owner's structured reflection: private until they share it."""

    __tablename__ = "reflection"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    # One reflection per recording; its author is always the recording's owner.
    recording_id: uuid.UUID = Field(foreign_key="recording.id", unique=True, ondelete="CASCADE")
    went_well: str = Field(default="", max_length=8000)
    do_differently: str = Field(default="", max_length=8000)
    want_help: str = Field(default="", max_length=8000)
    notes: str = Field(default="", max_length=8000)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    shared_at: datetime | None = timestamp_field()
    # Set only by edits after sharing, so the coach can tell the text changed since.
    edited_at: datetime | None = timestamp_field()


class ReflectionReply(SQLModel, table=True):
    """One message in the thread under a shared reflection."""

    __tablename__ = "reflection_reply"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    reflection_id: uuid.UUID = Field(foreign_key="reflection.id", index=True, ondelete="CASCADE")
    author_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    body: str = Field(max_length=4000)
    created_at: datetime = created_at_field()


class RecordingSeen(SQLModel, table=True):
    """When a person last opened a recording's conversation: comments by others made after
    it are unread for them (all of them, without a row)."""

    __tablename__ = "recording_seen"

    # One marker per person and recording, moved forward each time they open it; the key
    # (person first) also serves the lists, which read one person's markers for a page.
    user_id: uuid.UUID = Field(primary_key=True, foreign_key="user_account.id", ondelete="CASCADE")
    recording_id: uuid.UUID = Field(
        primary_key=True, foreign_key="recording.id", index=True, ondelete="CASCADE"
    )
    organisation_id: uuid.UUID = organisation_field()
    seen_at: datetime = timestamp_field(nullable=False)


class FirstComment(SQLModel, table=True):
    """When a person first commented on a recording (a thread or a reply) among their
    comments not deleted: kept as comments are written and deleted
    (app/review/first_comments.py), for the turnaround report."""

    __tablename__ = "first_comment"

    recording_id: uuid.UUID = Field(
        primary_key=True, foreign_key="recording.id", ondelete="CASCADE"
    )
    # CASCADE where comments SET NULL: of an account that is gone nothing is counted.
    author_user_id: uuid.UUID = Field(
        primary_key=True, foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    organisation_id: uuid.UUID = organisation_field()
    first_at: datetime = timestamp_field(nullable=False)
