"""calibration exercises: raters score one master recording blind; programmes may flag
raters below an agreement threshold for recalibration

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_settings") as batch:
        batch.add_column(sa.Column("recalibration_below_percent", sa.Float(), nullable=True))
    op.create_table(
        "calibration_exercise",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recording_id", sa.Uuid(), nullable=False),
        sa.Column("rubric_version_id", sa.Uuid(), nullable=False),
        sa.Column("gold_observation_id", sa.Uuid(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_calibration_exercise_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["gold_observation_id"],
            ["observation.id"],
            name=op.f("fk_calibration_exercise_gold_observation_id_observation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_calibration_exercise_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_calibration_exercise_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_version_id"],
            ["rubric_version.id"],
            name=op.f("fk_calibration_exercise_rubric_version_id_rubric_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_exercise")),
    )
    with op.batch_alter_table("calibration_exercise") as batch:
        batch.create_index(
            batch.f("ix_calibration_exercise_organisation_id"), ["organisation_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_calibration_exercise_recording_id"), ["recording_id"], unique=False
        )
    op.create_table(
        "calibration_rater",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("exercise_id", sa.Uuid(), nullable=False),
        sa.Column("rater_user_id", sa.Uuid(), nullable=False),
        sa.Column("observation_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["calibration_exercise.id"],
            name=op.f("fk_calibration_rater_exercise_id_calibration_exercise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_calibration_rater_observation_id_observation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_calibration_rater_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rater_user_id"],
            ["user_account.id"],
            name=op.f("fk_calibration_rater_rater_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_rater")),
        sa.UniqueConstraint("exercise_id", "rater_user_id", name="uq_calibration_rater"),
        sa.UniqueConstraint("observation_id", name=op.f("uq_calibration_rater_observation_id")),
    )
    with op.batch_alter_table("calibration_rater") as batch:
        batch.create_index(
            batch.f("ix_calibration_rater_exercise_id"), ["exercise_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_calibration_rater_organisation_id"), ["organisation_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_calibration_rater_rater_user_id"), ["rater_user_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("calibration_rater")
    op.drop_table("calibration_exercise")
    with op.batch_alter_table("review_settings") as batch:
        batch.drop_column("recalibration_below_percent")
