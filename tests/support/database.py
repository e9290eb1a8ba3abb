"""Test databases built by the real Alembic migrations, emptied between tests."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from app.models import metadata

ALEMBIC_INI = "alembic.ini"


def alembic_config(database_url: str) -> Config:
    config = Config(ALEMBIC_INI)
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def migrate(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
            return
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
