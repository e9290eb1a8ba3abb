"""list indexes: each page of a list, and the rows read for it, found through an index

Lists read their rows' children (scores, criteria, versions, objective links) with one
`organisation_id = ? AND parent IN (...)` query per page; with single-column indexes only,
SQLite takes the organisation's and walks all of its rows. Three lists page newest first.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_observation_score_organisation_observation", "observation_score", "observation_id"),
    ("ix_rubric_criterion_organisation_version", "rubric_criterion", "rubric_version_id"),
    ("ix_rubric_version_organisation_rubric", "rubric_version", "rubric_id"),
    ("ix_objective_criterion_organisation_objective", "objective_criterion", "objective_id"),
    ("ix_objective_evidence_organisation_objective", "objective_evidence", "objective_id"),
    (
        "ix_objective_progress_note_organisation_objective",
        "objective_progress_note",
        "objective_id",
    ),
    ("ix_observation_organisation_updated", "observation", "updated_at"),
    ("ix_recording_organisation_created", "recording", "created_at"),
    ("ix_audit_event_organisation_created", "audit_event", "created_at"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, ["organisation_id", column], unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
