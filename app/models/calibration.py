"""Calibration exercises: several raters score one master recording blind, and their
agreement (with each other and with a gold standard) shows who needs recalibrating.

A rater's scoring is an ordinary observation (rater role `calibration`), so the review
screen, drafts, submission and revisions work as they do for any recording; it never
counts as feedback to the practitioner whose recording it is.
"""

import enum
import uuid
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class CalibrationStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class CalibrationExercise(SQLModel, table=True):
    __tablename__ = "calibration_exercise"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    title: str = Field(max_length=200)
    recording_id: uuid.UUID = Field(foreign_key="recording.id", index=True, ondelete="CASCADE")
    rubric_version_id: uuid.UUID = Field(foreign_key="rubric_version.id", ondelete="CASCADE")
    # The observation the raters are measured against, when the lead chose one.
    gold_observation_id: uuid.UUID | None = Field(
        default=None, foreign_key="observation.id", ondelete="SET NULL"
    )
    status: str = Field(default=CalibrationStatus.open, max_length=20)
    created_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()
    closed_at: datetime | None = timestamp_field()


class CalibrationRater(SQLModel, table=True):
    """A rater asked to score the exercise's recording, and their observation once begun."""

    __tablename__ = "calibration_rater"
    __table_args__ = (
        UniqueConstraint("exercise_id", "rater_user_id", name="uq_calibration_rater"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    exercise_id: uuid.UUID = Field(
        foreign_key="calibration_exercise.id", index=True, ondelete="CASCADE"
    )
    rater_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    observation_id: uuid.UUID | None = Field(
        default=None, foreign_key="observation.id", unique=True, ondelete="SET NULL"
    )
