"""observation.counts_for_fidelity chosen again: a calibration rater's score of a master
recording counted as the practitioner's fidelity in programmes that make second ratings
feedback; only second raters' do (app/access/observations.py)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule of 0012, written out again with the setting narrowed to second raters; every
# recording is chosen for again, so one whose calibration score counted falls back to the
# observation that should have.
CLEAR = "UPDATE observation SET counts_for_fidelity = FALSE"
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
          AND (rater_role = 'primary' OR (rater_role = 'second' AND programme_id IN (
              SELECT programme_id FROM review_settings
              WHERE second_ratings_are_feedback = TRUE)))
    ) AS ranked
    WHERE preference = 1
)
"""


def upgrade() -> None:
    op.execute(CLEAR)
    op.execute(CHOOSE)


def downgrade() -> None:
    # The choice before this revision was a leak; nothing to go back to.
    pass
