"""sessions and throttle: refresh-token families, idle timeout, throttle counters start over

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_session") as batch:
        batch.add_column(
            sa.Column(
                "previous_secret_hash",
                sqlmodel.sql.sqltypes.AutoString(length=128),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column("last_used_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_index(
            batch.f("ix_auth_session_previous_secret_hash"), ["previous_secret_hash"], unique=False
        )
    # Sign-ins made before count as used at the upgrade, so deploying signs nobody out.
    auth_session = sa.table(
        "auth_session", sa.column("last_used_at", app.models.base.UTCDateTime(timezone=True))
    )
    op.execute(auth_session.update().values(last_used_at=datetime.now(UTC)))
    with op.batch_alter_table("auth_session") as batch:
        batch.alter_column(
            "last_used_at",
            existing_type=app.models.base.UTCDateTime(timezone=True),
            nullable=False,
        )
    # The counters change meaning (account and address keys no longer lock; pairs do):
    # they are short-lived, so start them over rather than translate them.
    op.execute("DELETE FROM login_throttle")


def downgrade() -> None:
    op.execute("DELETE FROM login_throttle")
    with op.batch_alter_table("auth_session") as batch:
        batch.drop_index(batch.f("ix_auth_session_previous_secret_hash"))
        batch.drop_column("last_used_at")
        batch.drop_column("previous_secret_hash")
