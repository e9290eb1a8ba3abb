"""Revision 0008 on a database in use: sign-ins made before it stay signed in."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from alembic import command
from sqlmodel import Session

from app.db import make_engine
from app.models import AuthSession
from app.models.base import UTCDateTime, utcnow
from tests.support.database import alembic_config

# The two tables as revision 0007 left them (the models describe head).
USERS = sa.table(
    "user_account",
    sa.column("id", sa.Uuid()),
    sa.column("email", sa.String()),
    sa.column("display_name", sa.String()),
    sa.column("is_active", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
)
SIGN_INS = sa.table(
    "auth_session",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("secret_hash", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("expires_at", UTCDateTime()),
)


def test_earlier_sign_ins_count_as_used_at_the_upgrade(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    config = alembic_config(url)
    command.upgrade(config, "0007")
    engine = make_engine(url)
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    began = utcnow() - timedelta(days=3)
    try:
        with engine.begin() as connection:
            connection.execute(
                USERS.insert().values(
                    id=user_id,
                    email="early@example.org",
                    display_name="",
                    is_active=True,
                    created_at=began,
                )
            )
            connection.execute(
                SIGN_INS.insert().values(
                    id=session_id,
                    user_id=user_id,
                    kind="api",
                    secret_hash="hash",
                    created_at=began,
                    expires_at=began + timedelta(days=14),
                )
            )
        upgraded_at = utcnow()
        command.upgrade(config, "head")
        with Session(engine) as db:
            auth_session = db.get(AuthSession, session_id)
            assert auth_session is not None
            assert auth_session.last_used_at >= upgraded_at - timedelta(seconds=1)
            assert auth_session.previous_secret_hash is None
    finally:
        engine.dispose()
