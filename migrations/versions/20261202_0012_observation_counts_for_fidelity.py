"""observation.counts_for_fidelity: the observation that counts for its recording, stored
when it can change instead of chosen again by every fidelity figure and report
(app/review/counting.py)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule as it stands at this revision, written out so the migration never changes
# with the app: per recording and programme, the gold standard, else the primary rater's,
# else the earliest submitted; second ratings only where the programme counts them as
# feedback; never an observation without a weighted percent (every criterion N/A).
CHOOSE = """
UPDATE observation SET counts_for_fidelity = TRUE WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (
            PARTITION BY recording_id, programme_id
            ORDER BY is_gold_standard DESC,
                     CASE WHEN rater_role = 'primary' THEN 0 ELSE 1 END,
                     submitted_at, id
        ) AS preference
        FROM observation
        WHERE status = 'submitted'
          AND weighted_percent IS NOT NULL
          AND (rater_role = 'primary' OR programme_id IN (
              SELECT programme_id FROM review_settings
              WHERE second_ratings_are_feedback = TRUE))
    ) AS ranked
    WHERE preference = 1
)
"""


def upgrade() -> None:
    op.add_column(
        "observation",
        sa.Column("counts_for_fidelity", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(CHOOSE)


def downgrade() -> None:
    with op.batch_alter_table("observation") as batch:
        batch.drop_column("counts_for_fidelity")
