"""access rules: grant reasons, second ratings as feedback

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recording_access_grant") as batch:
        batch.add_column(
            sa.Column(
                "reason",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("review_settings") as batch:
        batch.add_column(
            sa.Column(
                "second_ratings_are_feedback",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("review_settings") as batch:
        batch.drop_column("second_ratings_are_feedback")
    with op.batch_alter_table("recording_access_grant") as batch:
        batch.drop_column("reason")
