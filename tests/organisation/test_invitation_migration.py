"""Revision 0006 carries the links sent before it over to invitations that hold their own
email and roles, and its downgrade keeps only links the old rule cannot misuse."""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command

from app.db import make_engine
from app.models.base import UTCDateTime, utcnow
from tests.support.database import alembic_config


def column_type(value: object) -> Any:
    if isinstance(value, uuid.UUID):
        return sa.Uuid()
    if isinstance(value, datetime):
        return UTCDateTime()
    return sa.JSON() if isinstance(value, list) else None


def insert(connection: sa.Connection, table: str, **values: Any) -> uuid.UUID:
    row_id: uuid.UUID = values.setdefault("id", uuid.uuid4())
    columns = [sa.column(name, column_type(value)) for name, value in values.items()]
    connection.execute(sa.insert(sa.table(table, *columns)).values(**values))
    return row_id


def person(
    connection: sa.Connection, organisation: uuid.UUID | None, email: str, *roles: str
) -> uuid.UUID:
    user = insert(
        connection,
        "user_account",
        email=email,
        display_name=email.split("@")[0],
        is_active=True,
        created_at=utcnow(),
    )
    if organisation is not None:
        membership = insert(
            connection,
            "membership",
            organisation_id=organisation,
            user_id=user,
            is_champion=True,
            created_at=utcnow(),
        )
        for role in roles:
            connection.execute(
                sa.insert(
                    sa.table(
                        "membership_role", sa.column("membership_id", sa.Uuid()), sa.column("role")
                    )
                ).values(membership_id=membership, role=role)
            )
    return user


def old_invitation(
    connection: sa.Connection, organisation: uuid.UUID, user: uuid.UUID, *, used: bool = False
) -> uuid.UUID:
    return insert(
        connection,
        "invitation",
        organisation_id=organisation,
        user_id=user,
        token_hash=uuid.uuid4().hex,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=7),
        used_at=utcnow() if used else None,
    )


def test_old_links_become_invitations_and_the_downgrade_drops_what_it_cannot_keep(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            organisation = insert(
                connection,
                "organisation",
                name="Hub",
                slug="hub",
                time_zone="Europe/London",
                retention_basis="upload",
                fidelity_threshold_percent=80.0,
                created_at=utcnow(),
            )
            waiting = person(
                connection, organisation, "waiting@example.org", "coach", "practitioner"
            )
            removed = person(connection, None, "removed@example.org")
            joined = person(connection, organisation, "joined@example.org", "lead")
            kept = old_invitation(connection, organisation, waiting)
            old_invitation(connection, organisation, removed)  # membership gone: withdrawn
            used = old_invitation(connection, organisation, joined, used=True)

        command.upgrade(config, "0006")
        invitation = sa.table(
            "invitation",
            sa.column("id", sa.Uuid()),
            sa.column("email"),
            sa.column("display_name"),
            sa.column("roles", sa.JSON()),
            sa.column("is_champion", sa.Boolean()),
        )
        with engine.begin() as connection:
            rows = {row.id: row for row in connection.execute(sa.select(invitation))}
            assert set(rows) == {kept, used}
            assert rows[kept].email == "waiting@example.org"
            assert rows[kept].display_name == "waiting"
            assert rows[kept].roles == ["coach", "practitioner"]
            assert rows[kept].is_champion is True
            assert rows[used].email == "joined@example.org"
            assert "user_id" not in {
                c["name"] for c in sa.inspect(connection).get_columns("invitation")
            }
            insert(
                connection,
                "invitation",
                organisation_id=organisation,
                email="new@example.org",
                display_name="",
                roles=["coach"],
                is_champion=False,
                token_hash=uuid.uuid4().hex,
                created_at=utcnow(),
                expires_at=utcnow() + timedelta(days=7),
            )

        command.downgrade(config, "0005")
        with engine.begin() as connection:
            old = sa.table(
                "invitation", sa.column("id", sa.Uuid()), sa.column("user_id", sa.Uuid())
            )
            remaining = {row.id: row.user_id for row in connection.execute(sa.select(old))}
            assert remaining == {kept: waiting, used: joined}
    finally:
        engine.dispose()
