"""notifications, their preferences and Web Push subscriptions

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a notification may be about: each goes with its notifications (CASCADE).
RESOURCES = {
    "recording_id": "recording",
    "comment_id": "recording_comment",
    "observation_id": "observation",
    "reflection_id": "reflection",
    "objective_id": "learning_objective",
}


def _foreign_key(column: str, table: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_user_id", sa.Uuid(), nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        *(sa.Column(column, sa.Uuid(), nullable=True) for column in RESOURCES),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        _foreign_key("organisation_id", "notification", "organisation", "CASCADE"),
        _foreign_key("recipient_user_id", "notification", "user_account", "CASCADE"),
        _foreign_key("actor_user_id", "notification", "user_account", "SET NULL"),
        *(
            _foreign_key(column, "notification", referred, "CASCADE")
            for column, referred in RESOURCES.items()
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification") as batch:
        for column in ("organisation_id", "recipient_user_id", *RESOURCES):
            batch.create_index(batch.f(f"ix_notification_{column}"), [column], unique=False)
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email_digest", sa.Boolean(), nullable=False),
        sa.Column("web_push", sa.Boolean(), nullable=False),
        sa.Column("last_digest_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        _foreign_key("user_id", "notification_preference", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preference")),
    )
    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("p256dh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("auth", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        _foreign_key("user_id", "push_subscription", "user_account", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscription_endpoint")),
    )
    with op.batch_alter_table("push_subscription") as batch:
        batch.create_index(batch.f("ix_push_subscription_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("push_subscription")
    op.drop_table("notification_preference")
    op.drop_table("notification")
