"""each person's first comment on each recording, kept for the turnaround report

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What app/review/first_comments.py keeps from here on: per recording and author, the
# earliest comment not deleted, of an account that still exists.
FILL = """
INSERT INTO first_comment (recording_id, author_user_id, organisation_id, first_at)
SELECT recording_id, author_user_id, organisation_id, min(created_at)
FROM recording_comment
WHERE deleted_at IS NULL AND author_user_id IS NOT NULL
GROUP BY recording_id, author_user_id, organisation_id
"""


def upgrade() -> None:
    op.create_table(
        "first_comment",
        sa.Column("recording_id", sa.Uuid(), nullable=False),
        sa.Column("author_user_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("first_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_first_comment_author_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_first_comment_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_first_comment_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recording_id", "author_user_id", name=op.f("pk_first_comment")),
    )
    with op.batch_alter_table("first_comment") as batch:
        batch.create_index(
            batch.f("ix_first_comment_author_user_id"), ["author_user_id"], unique=False
        )
        batch.create_index(
            batch.f("ix_first_comment_organisation_id"), ["organisation_id"], unique=False
        )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("first_comment")
