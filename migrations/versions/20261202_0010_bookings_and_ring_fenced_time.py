"""bookings and ring-fenced time: bookings with stored occurrences, participants and
recordings to review; coaches' availability and booking rules; calendar feeds;
allocations, logged time and signed-off periods; the organisation's erosion tolerance

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "availability_exception",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("coach_user_id", sa.Uuid(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_user_id"],
            ["user_account.id"],
            name=op.f("fk_availability_exception_coach_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_availability_exception_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_exception")),
    )
    with op.batch_alter_table("availability_exception", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availability_exception_coach_user_id"), ["coach_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_availability_exception_on_date"), ["on_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_availability_exception_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "availability_window",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("coach_user_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coach_user_id"],
            ["user_account.id"],
            name=op.f("fk_availability_window_coach_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_availability_window_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_window")),
    )
    with op.batch_alter_table("availability_window", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availability_window_coach_user_id"), ["coach_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_availability_window_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "booking",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("organiser_user_id", sa.Uuid(), nullable=False),
        sa.Column("rrule", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("time_zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("video_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("self_booked", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_booking_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_organiser_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_booking_organiser_user_id"), ["organiser_user_id"], unique=False
        )

    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("secret_seed", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_feed_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feed_secret_hash")),
    )
    op.create_table(
        "coach_booking_rules",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("coach_user_id", sa.Uuid(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("max_per_day", sa.Integer(), nullable=True),
        sa.Column("max_per_week", sa.Integer(), nullable=True),
        sa.Column("min_notice_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_user_id"],
            ["user_account.id"],
            name=op.f("fk_coach_booking_rules_coach_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_coach_booking_rules_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "coach_user_id", name=op.f("pk_coach_booking_rules")
        ),
    )
    op.create_table(
        "time_allocation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_user_id", sa.Uuid(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_until", sa.Date(), nullable=True),
        sa.Column("set_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_time_allocation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_allocation_practitioner_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_allocation_set_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_allocation")),
    )
    with op.batch_alter_table("time_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_allocation_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_time_allocation_practitioner",
            ["organisation_id", "practitioner_user_id"],
            unique=False,
        )

    op.create_table(
        "time_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_user_id", sa.Uuid(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_entry_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_time_entry_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_entry_practitioner_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entry")),
    )
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_entry_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_time_entry_practitioner_date",
            ["organisation_id", "practitioner_user_id", "on_date"],
            unique=False,
        )

    op.create_table(
        "time_sign_off",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_user_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("signed_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("signed_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reopened_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("reopen_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_time_sign_off_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_sign_off_practitioner_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_sign_off_reopened_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_time_sign_off_signed_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_sign_off")),
    )
    with op.batch_alter_table("time_sign_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_time_sign_off_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_time_sign_off_practitioner",
            ["organisation_id", "practitioner_user_id"],
            unique=False,
        )

    op.create_table(
        "booking_occurrence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("original_starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("cancelled_by_organisation", sa.Boolean(), nullable=False),
        sa.Column("completed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_occurrence_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_occurrence_cancelled_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_booking_occurrence_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_occurrence")),
        sa.UniqueConstraint("booking_id", "original_starts_at", name="uq_booking_occurrence_start"),
    )
    with op.batch_alter_table("booking_occurrence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_occurrence_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_booking_occurrence_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_booking_occurrence_organisation_starts",
            ["organisation_id", "starts_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_booking_occurrence_status"), ["status"], unique=False)

    op.create_table(
        "booking_participant",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_participant_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_booking_participant_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_participant_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", "user_id", name=op.f("pk_booking_participant")),
    )
    with op.batch_alter_table("booking_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_participant_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_booking_participant_user", ["user_id", "booking_id"], unique=False
        )

    op.create_table(
        "booking_recording",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("recording_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_recording_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_booking_recording_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_booking_recording_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", "recording_id", name=op.f("pk_booking_recording")),
    )
    with op.batch_alter_table("booking_recording", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_recording_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_tolerance_percent", sa.Float(), nullable=False, server_default="80")
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("time_tolerance_percent")

    with op.batch_alter_table("booking_recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_recording_organisation_id"))

    op.drop_table("booking_recording")
    with op.batch_alter_table("booking_participant", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_participant_user")
        batch_op.drop_index(batch_op.f("ix_booking_participant_organisation_id"))

    op.drop_table("booking_participant")
    with op.batch_alter_table("booking_occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_occurrence_status"))
        batch_op.drop_index("ix_booking_occurrence_organisation_starts")
        batch_op.drop_index(batch_op.f("ix_booking_occurrence_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_booking_occurrence_booking_id"))

    op.drop_table("booking_occurrence")
    with op.batch_alter_table("time_sign_off", schema=None) as batch_op:
        batch_op.drop_index("ix_time_sign_off_practitioner")
        batch_op.drop_index(batch_op.f("ix_time_sign_off_organisation_id"))

    op.drop_table("time_sign_off")
    with op.batch_alter_table("time_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entry_practitioner_date")
        batch_op.drop_index(batch_op.f("ix_time_entry_organisation_id"))

    op.drop_table("time_entry")
    with op.batch_alter_table("time_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_time_allocation_practitioner")
        batch_op.drop_index(batch_op.f("ix_time_allocation_organisation_id"))

    op.drop_table("time_allocation")
    op.drop_table("coach_booking_rules")
    op.drop_table("calendar_feed")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_organiser_user_id"))
        batch_op.drop_index(batch_op.f("ix_booking_organisation_id"))

    op.drop_table("booking")
    with op.batch_alter_table("availability_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_window_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_availability_window_coach_user_id"))

    op.drop_table("availability_window")
    with op.batch_alter_table("availability_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_exception_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_availability_exception_on_date"))
        batch_op.drop_index(batch_op.f("ix_availability_exception_coach_user_id"))

    op.drop_table("availability_exception")
