"""member attributes: attributes of a member that the organisation defines (locality,
service...), one value per name per member, for the equity report

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_attribute",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_member_attribute_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_member_attribute_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_attribute")),
        sa.UniqueConstraint(
            "membership_id", "name", name=op.f("uq_member_attribute_membership_id")
        ),
    )
    with op.batch_alter_table("member_attribute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_attribute_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_member_attribute_organisation_name",
            ["organisation_id", "name", "value"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("member_attribute", schema=None) as batch_op:
        batch_op.drop_index("ix_member_attribute_organisation_name")
        batch_op.drop_index(batch_op.f("ix_member_attribute_organisation_id"))

    op.drop_table("member_attribute")
