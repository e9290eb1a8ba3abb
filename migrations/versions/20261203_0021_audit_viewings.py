"""an index for finding whether a viewing of a recording was audited already

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_audit_event_actor_resource_created"


def upgrade() -> None:
    op.create_index(INDEX, "audit_event", ["actor_user_id", "resource_id", "created_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="audit_event")
