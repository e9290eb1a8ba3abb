"""an index holding each score's criterion and level, for the weakest criteria

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_observation_score_levels"


def upgrade() -> None:
    op.create_index(
        INDEX, "observation_score", ["observation_id", "criterion_id", "level", "not_applicable"]
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="observation_score")
