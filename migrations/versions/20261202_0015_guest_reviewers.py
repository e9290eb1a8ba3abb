"""guest reviewers: access grants that expire

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The guest role needs no change here: roles are stored as strings without a check
# constraint (membership_role.role, invitation.roles).


def upgrade() -> None:
    with op.batch_alter_table("recording_access_grant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # Grants with an end would last for ever without it: they go with the column.
    op.execute("DELETE FROM recording_access_grant WHERE expires_at IS NOT NULL")
    with op.batch_alter_table("recording_access_grant", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
