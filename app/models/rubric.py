"""Observation rubrics of a programme: versions (draft, published, retired) and criteria."""

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class RubricStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    retired = "retired"


class Rubric(SQLModel, table=True):
    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("programme_id", "title"),)

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    programme_id: uuid.UUID = Field(foreign_key="programme.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    created_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class RubricVersion(SQLModel, table=True):
    """One version of a rubric. Once published it never changes; edits make a new version."""

    __tablename__ = "rubric_version"
    __table_args__ = (
        UniqueConstraint("rubric_id", "version"),
        Index("ix_rubric_version_organisation_rubric", "organisation_id", "rubric_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    rubric_id: uuid.UUID = Field(foreign_key="rubric.id", index=True, ondelete="CASCADE")
    version: int
    status: str = Field(default=RubricStatus.draft, max_length=20)
    # Ordered list of {"level": int, "label": str}, consecutive levels (0-3, 1-5...).
    scale: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    fidelity_threshold_percent: float
    # How the weighted percent is computed (app/rubric/scoring.py, ScoringFormula).
    scoring_formula: str = Field(default="percent_of_maximum", max_length=30)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    published_at: datetime | None = timestamp_field()
    retired_at: datetime | None = timestamp_field()


class RubricCriterion(SQLModel, table=True):
    __tablename__ = "rubric_criterion"
    __table_args__ = (
        UniqueConstraint("rubric_version_id", "code", name="uq_rubric_criterion_version_code"),
        UniqueConstraint(
            "rubric_version_id", "position", name="uq_rubric_criterion_version_position"
        ),
        Index("ix_rubric_criterion_organisation_version", "organisation_id", "rubric_version_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    rubric_version_id: uuid.UUID = Field(
        foreign_key="rubric_version.id", index=True, ondelete="CASCADE"
    )
    position: int
    section: str = Field(default="", max_length=200)
    code: str = Field(max_length=40)
    title: str = Field(max_length=300)
    guidance: str = Field(default="", max_length=4000)
    weight: float
    min_level: int | None = Field(default=None)
    na_allowed: bool = Field(default=False)
    # One descriptor per scale level, in scale order.
    level_descriptors: list[str] = Field(default_factory=list, sa_type=JSON)
