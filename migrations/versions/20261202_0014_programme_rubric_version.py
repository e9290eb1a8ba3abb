"""a programme chooses the rubric version its recordings are scored against

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the review screen showed until now, written out so the migration never changes
# with the app: of the programme's rubrics in title order (the order the rubrics list
# gives), the first with a published version, and its newest published version.
CHOOSE = """
UPDATE programme SET rubric_version_id = (
    SELECT rubric_version.id
    FROM rubric_version JOIN rubric ON rubric.id = rubric_version.rubric_id
    WHERE rubric.programme_id = programme.id AND rubric_version.status = 'published'
    ORDER BY rubric.title, rubric.id, rubric_version.version DESC
    LIMIT 1
)
"""


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("rubric_version_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_programme_rubric_version_id_rubric_version",
            "rubric_version",
            ["rubric_version_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(CHOOSE)


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.drop_constraint("fk_programme_rubric_version_id_rubric_version", type_="foreignkey")
        batch.drop_column("rubric_version_id")
