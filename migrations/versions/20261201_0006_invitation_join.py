"""invitation join: an invitation holds the email, roles and champion flag; no account

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

invitation = sa.table(
    "invitation",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("email", sa.String()),
    sa.column("display_name", sa.String()),
    sa.column("roles", sa.JSON()),
    sa.column("is_champion", sa.Boolean()),
    sa.column("used_at", sa.DateTime()),
)
user_account = sa.table(
    "user_account", sa.column("id", sa.Uuid()), sa.column("email"), sa.column("display_name")
)
identity = sa.table("identity", sa.column("user_id", sa.Uuid()))
membership = sa.table(
    "membership",
    sa.column("id", sa.Uuid()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("is_champion", sa.Boolean()),
)
membership_role = sa.table(
    "membership_role", sa.column("membership_id", sa.Uuid()), sa.column("role")
)


def upgrade() -> None:
    with op.batch_alter_table("invitation") as batch:
        batch.add_column(
            sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "display_name",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("is_champion", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _carry_over_account_invitations()
    with op.batch_alter_table("invitation") as batch:
        batch.alter_column(
            "email", existing_type=sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False
        )
        batch.create_index(batch.f("ix_invitation_email"), ["email"], unique=False)
        batch.drop_index(batch.f("ix_invitation_user_id"))
        batch.drop_constraint(batch.f("fk_invitation_user_id_user_account"), type_="foreignkey")
        batch.drop_column("user_id")


def _carry_over_account_invitations() -> None:
    """Links sent before this revision named an account whose membership was made at once:
    they keep working for that membership. A link whose membership is gone is withdrawn."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            invitation.c.id,
            invitation.c.used_at,
            user_account.c.email,
            user_account.c.display_name,
            membership.c.id.label("membership_id"),
            membership.c.is_champion,
        )
        .join(user_account, user_account.c.id == invitation.c.user_id)
        .outerjoin(
            membership,
            sa.and_(
                membership.c.organisation_id == invitation.c.organisation_id,
                membership.c.user_id == invitation.c.user_id,
            ),
        )
    ).all()
    for row in rows:
        if row.membership_id is None and row.used_at is None:
            bind.execute(sa.delete(invitation).where(invitation.c.id == row.id))
            continue
        roles = bind.execute(
            sa.select(membership_role.c.role).where(
                membership_role.c.membership_id == row.membership_id
            )
        ).scalars()
        bind.execute(
            sa.update(invitation)
            .where(invitation.c.id == row.id)
            .values(
                email=row.email,
                display_name=row.display_name,
                roles=sorted(roles),
                is_champion=bool(row.is_champion),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation") as batch:
        batch.add_column(sa.Column("user_id", sa.Uuid(), nullable=True))
    _withdraw_what_the_old_rule_would_misuse()
    with op.batch_alter_table("invitation") as batch:
        batch.alter_column("user_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_foreign_key(
            batch.f("fk_invitation_user_id_user_account"),
            "user_account",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(batch.f("ix_invitation_user_id"), ["user_id"], unique=False)
        batch.drop_index(batch.f("ix_invitation_email"))
        batch.drop_column("is_champion")
        batch.drop_column("roles")
        batch.drop_column("display_name")
        batch.drop_column("email")


def _withdraw_what_the_old_rule_would_misuse() -> None:
    """The old rule sets the password of whoever the link names and assumes a membership:
    an unused link for an account that can sign in, or for no membership, is removed."""
    bind = op.get_bind()
    bind.execute(
        sa.update(invitation).values(
            user_id=sa.select(user_account.c.id)
            .where(user_account.c.email == invitation.c.email)
            .scalar_subquery()
        )
    )
    can_sign_in = sa.exists().where(identity.c.user_id == invitation.c.user_id)
    is_member = sa.exists().where(
        membership.c.organisation_id == invitation.c.organisation_id,
        membership.c.user_id == invitation.c.user_id,
    )
    bind.execute(
        sa.delete(invitation).where(
            sa.or_(
                invitation.c.user_id.is_(None),
                sa.and_(invitation.c.used_at.is_(None), sa.or_(can_sign_in, ~is_member)),
            )
        )
    )
