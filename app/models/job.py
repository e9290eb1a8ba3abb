"""Work done apart from the request that asked for it (app/jobs): processing a recording
after its upload, and the periodic purge and digests."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, created_at_field, id_field, timestamp_field


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (
        # What a worker asks for: the waiting jobs, soonest first.
        Index(
            "ix_job_waiting",
            "run_after",
            postgresql_where=text("finished_at IS NULL AND failed_at IS NULL"),
            sqlite_where=text("finished_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: uuid.UUID = id_field()
    kind: str = Field(max_length=40)
    # Ids only, never personal text: the table outlives the work and is not audited.
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # A periodic job's period ("purge:2026-12-02T07"): every worker may ask for it, and
    # the unique key keeps one.
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    run_after: datetime = Field(sa_column=Column(UTCDateTime(timezone=True), nullable=False))
    attempts: int = 0
    # The worker holding it, until when: a worker that dies lets go when its lease ends.
    locked_by: str | None = Field(default=None, max_length=100)
    locked_until: datetime | None = timestamp_field()
    finished_at: datetime | None = timestamp_field()
    failed_at: datetime | None = timestamp_field()
    # The exception's class only: its message may quote a statement or a person.
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()
