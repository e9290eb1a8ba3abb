"""Test databases built by the real Alembic migrations, emptied between tests."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.models import metadata

ALEMBIC_INI = "alembic.ini"
GAVE_WAY = (
    "deadlock detected",
    "lock timeout",
    "violates foreign key constraint",
    "FOREIGN KEY constraint failed",
)


def alembic_config(database_url: str) -> Config:
    config = Config(ALEMBIC_INI)
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def migrate(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def empty_all_tables(engine: Engine) -> None:
    """Every table emptied, children first. DELETE rather than TRUNCATE: a test leaves a
    few rows, and TRUNCATE makes every table's files anew (about 45 ms a test on
    PostgreSQL against 10). On PostgreSQL a live server may still be finishing a request
    the browser abandoned, on more than one connection (a sign-in's use is written in a
    transaction of its own); the emptying can then deadlock with it, or wait on a request
    that itself waits on it. Either way ours gives way (deadlock detection or a lock
    timeout releases its locks), the request finishes, and the next attempt goes through;
    so does a row such a request wrote under a parent already emptied (a foreign key
    violation rolls the attempt back)."""
    for attempt in range(10):
        try:
            _empty(engine)
            return
        except (OperationalError, IntegrityError) as error:
            gave_way = any(sign in str(error) for sign in GAVE_WAY)
            if not gave_way or attempt == 9:
                raise


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL lock_timeout = '2s'"))
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
