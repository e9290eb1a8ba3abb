"""Review: observations (scoring a recording against a rubric version), their revisions,
second raters and double-coding settings, and learning objectives."""

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class ObservationStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"


class RaterRole(enum.StrEnum):
    primary = "primary"
    second = "second"
    # Scoring a master recording in a calibration exercise (app/models/calibration.py).
    calibration = "calibration"


class ObjectiveStatus(enum.StrEnum):
    open = "open"
    in_progress = "in_progress"
    achieved = "achieved"
    dropped = "dropped"


class EvidenceKind(enum.StrEnum):
    observation = "observation"
    comment = "comment"


class Observation(SQLModel, table=True):
    """One rater's scoring of one recording against one rubric version.

    The practitioner and programme are copied from the recording and rubric so fidelity
    can be aggregated per practitioner per programme without joining five tables.
    """

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint(
            "recording_id", "rubric_version_id", "rater_user_id", name="uq_observation_rater"
        ),
        Index(
            "ix_observation_fidelity",
            "organisation_id",
            "practitioner_user_id",
            "programme_id",
            "submitted_at",
        ),
        # The organisation's observations list, most recently changed first, page by page.
        Index("ix_observation_organisation_updated", "organisation_id", "updated_at"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recording_id: uuid.UUID = Field(foreign_key="recording.id", index=True, ondelete="CASCADE")
    rubric_version_id: uuid.UUID = Field(
        foreign_key="rubric_version.id", index=True, ondelete="CASCADE"
    )
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True, ondelete="CASCADE")
    practitioner_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    rater_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    rater_role: str = Field(default=RaterRole.primary, max_length=20)
    status: str = Field(default=ObservationStatus.draft, max_length=20, index=True)
    revision: int = Field(default=1)
    is_gold_standard: bool = Field(default=False)
    counts_for_fidelity: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """This is the observation that counts for its recording (app/review/counting.py)."""
    weighted_percent: float | None = Field(default=None)
    meets_fidelity: bool | None = Field(default=None)
    summary: str = Field(default="", sa_type=Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    submitted_at: datetime | None = timestamp_field()


class ObservationScore(SQLModel, table=True):
    """A level (or N/A) and evidence for one criterion. A draft may hold evidence only."""

    __tablename__ = "observation_score"
    __table_args__ = (
        UniqueConstraint("observation_id", "criterion_id", name="uq_observation_score_criterion"),
        # Lists read the scores of a page of observations within the organisation; with
        # only single-column indexes SQLite walks every score of the organisation.
        Index("ix_observation_score_organisation_observation", "organisation_id", "observation_id"),
        # The weakest criteria (app/reports/fidelity/criteria.py) count the levels of a
        # period's observations from the index alone, never visiting the rows (which
        # carry the evidence and moments): on SQLite the statement over 540,000 scores
        # takes ~0.6 s rather than ~0.9 s.
        Index(
            "ix_observation_score_levels",
            "observation_id",
            "criterion_id",
            "level",
            "not_applicable",
        ),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    observation_id: uuid.UUID = Field(foreign_key="observation.id", index=True, ondelete="CASCADE")
    criterion_id: uuid.UUID = Field(
        foreign_key="rubric_criterion.id", index=True, ondelete="CASCADE"
    )
    level: int | None = Field(default=None)
    not_applicable: bool = Field(default=False)
    evidence: str = Field(default="", sa_type=Text)
    # Ordered list of {"at_ms": int, "note": str}: moments in the media backing the level.
    moments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)


class ObservationRevision(SQLModel, table=True):
    """The submitted state an amendment replaced, kept so a submission is never lost."""

    __tablename__ = "observation_revision"
    __table_args__ = (
        UniqueConstraint("observation_id", "revision", name="uq_observation_revision_number"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    observation_id: uuid.UUID = Field(foreign_key="observation.id", index=True, ondelete="CASCADE")
    revision: int
    # The replaced scores: [{"criterion_id", "code", "level", "not_applicable", "evidence",
    # "moments"}], and the summary, as they were submitted.
    scores: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    summary: str = Field(default="", sa_type=Text)
    weighted_percent: float | None = Field(default=None)
    meets_fidelity: bool | None = Field(default=None)
    submitted_at: datetime = timestamp_field(nullable=False)
    amended_at: datetime = created_at_field()
    amended_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    reason: str = Field(default="", max_length=2000)


class SecondRaterAssignment(SQLModel, table=True):
    """A rater asked to score a recording independently (double coding)."""

    __tablename__ = "second_rater_assignment"
    __table_args__ = (
        UniqueConstraint("recording_id", "rater_user_id", name="uq_second_rater_recording"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recording_id: uuid.UUID = Field(foreign_key="recording.id", index=True, ondelete="CASCADE")
    rater_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    # None when the programme's double-coding rule chose the rater.
    assigned_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    source: str = Field(default="lead", max_length=20)
    created_at: datetime = created_at_field()


class ReviewSettings(SQLModel, table=True):
    """A programme's review rules. Without a row every default below applies."""

    __tablename__ = "review_settings"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    programme_id: uuid.UUID = Field(foreign_key="programme.id", unique=True, ondelete="CASCADE")
    double_coding_every_nth: int | None = Field(default=None)
    # Second raters score for agreement; only where this is set do their scores count as
    # feedback to the practitioner (shown to them, counted in fidelity status).
    second_ratings_are_feedback: bool = Field(default=False)
    rolling_window: int = Field(default=3)
    drift_consecutive_below: int = Field(default=2)
    drift_window: int = Field(default=3)
    drift_drop_points: float = Field(default=10.0)
    certification_passes: int = Field(default=3)
    recertification_days: int = Field(default=365)
    objective_ready_window: int = Field(default=2)
    # Raters whose exact agreement in a month (with peers, or with gold standards) falls
    # below this percentage are flagged for recalibration; None: nobody is flagged.
    recalibration_below_percent: float | None = Field(default=None)
    # Null until a lead first changes the defaults.
    updated_at: datetime | None = timestamp_field()
    updated_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class LearningObjective(SQLModel, table=True):
    __tablename__ = "learning_objective"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    practitioner_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    created_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_type=Text)
    target_date: date | None = Field(default=None)
    status: str = Field(default=ObjectiveStatus.open, max_length=20, index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    achieved_at: datetime | None = timestamp_field()
    achieved_confirmed_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class ObjectiveCriterion(SQLModel, table=True):
    """A rubric criterion an objective works on, and the level that counts as reached."""

    __tablename__ = "objective_criterion"
    __table_args__ = (
        UniqueConstraint("objective_id", "criterion_id", name="uq_objective_criterion_pair"),
        Index("ix_objective_criterion_organisation_objective", "organisation_id", "objective_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    objective_id: uuid.UUID = Field(
        foreign_key="learning_objective.id", index=True, ondelete="CASCADE"
    )
    criterion_id: uuid.UUID = Field(
        foreign_key="rubric_criterion.id", index=True, ondelete="CASCADE"
    )
    target_level: int


class ObjectiveProgressNote(SQLModel, table=True):
    __tablename__ = "objective_progress_note"
    __table_args__ = (
        Index(
            "ix_objective_progress_note_organisation_objective", "organisation_id", "objective_id"
        ),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    objective_id: uuid.UUID = Field(
        foreign_key="learning_objective.id", index=True, ondelete="CASCADE"
    )
    author_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    body: str = Field(sa_type=Text)
    created_at: datetime = created_at_field()


class ObjectiveEvidence(SQLModel, table=True):
    """A link from an objective to an observation or a comment.

    No foreign key on `ref_id`: comments live in another domain's table and may be
    deleted on their own; a dangling link reads as evidence that is no longer there.
    """

    __tablename__ = "objective_evidence"
    __table_args__ = (
        UniqueConstraint("objective_id", "kind", "ref_id", name="uq_objective_evidence_ref"),
        Index("ix_objective_evidence_organisation_objective", "organisation_id", "objective_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    objective_id: uuid.UUID = Field(
        foreign_key="learning_objective.id", index=True, ondelete="CASCADE"
    )
    kind: str = Field(max_length=20)
    ref_id: uuid.UUID
    note: str = Field(default="", max_length=2000)
    added_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()
