"""rubric versions choose how the weighted percent is computed

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Versions made before the choice keep the form their observations were scored with.
    with op.batch_alter_table("rubric_version") as batch:
        batch.add_column(
            sa.Column(
                "scoring_formula",
                sqlmodel.sql.sqltypes.AutoString(length=30),
                nullable=False,
                server_default="normalised",
            )
        )
    with op.batch_alter_table("rubric_version") as batch:
        batch.alter_column("scoring_formula", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("rubric_version") as batch:
        batch.drop_column("scoring_formula")
