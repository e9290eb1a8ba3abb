"""The suite runs once per database: `pytest --db=sqlite` and `pytest --db=postgresql`."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app, reset_state
from tests.support.database import empty_all_tables, migrate
from tests.support.postgres import PostgresCluster, start_cluster

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database the suite runs against",
    )


# Browser journeys (and the other tests marked `once_on_postgresql`) exercise the same API
# whatever the database; the API tests run on both, these once, on PostgreSQL, to keep
# `make test` inside its time.
ONCE_ON_POSTGRESQL = ("e2e", "once_on_postgresql")
# What only one database has (SQLite's planner statistics): not run on the other.
ONLY_ON_SQLITE = ("only_on_sqlite",)


# Where every test is one of those, not even collected on SQLite: importing the browser
# tests and building Schemathesis's cases took a third of each worker's collection there.
ONCE_ON_POSTGRESQL_PATHS = ("e2e", "test_schemathesis.py")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if config.getoption("--db") == "sqlite" and collection_path.name in ONCE_ON_POSTGRESQL_PATHS:
        return True
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other = ONLY_ON_SQLITE if config.getoption("--db") == "postgresql" else ONCE_ON_POSTGRESQL
    apart = [item for item in items if any(item.get_closest_marker(m) for m in other)]
    if apart:
        config.hook.pytest_deselected(items=apart)
        items[:] = [item for item in items if item not in apart]
    # The long tests first (stable otherwise): the workers then end on short API tests
    # together, instead of one waiting while the other finishes a server-killing test.
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in ONCE_ON_POSTGRESQL))


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.config.getoption("--db")
    return kind


@pytest.fixture(scope="session")
def postgres_cluster(db_kind: str) -> Iterator[PostgresCluster | None]:
    if db_kind != "postgresql":
        yield None
        return
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def fresh_database_url(
    postgres_cluster: PostgresCluster | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """A factory of empty databases of the kind under test (for migration tests)."""
    counter = iter(range(10_000))

    def make() -> str:
        name = f"tandem_{next(counter)}"
        if postgres_cluster is not None:
            return postgres_cluster.create_database(name)
        return f"sqlite:///{tmp_path_factory.mktemp('db') / (name + '.sqlite3')}"

    yield make


@pytest.fixture(scope="session")
def database_url(fresh_database_url: object) -> str:
    url: str = fresh_database_url()  # type: ignore[operator]
    migrate(url)
    return url


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def base_settings(database_url: str, media_root: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        media_dir=media_root,
        public_url="http://localhost",
        log_level="WARNING",
    )


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    """The test's settings; a conftest may override this with changed ones."""
    return base_settings


@pytest.fixture(scope="session")
def apps_by_settings() -> Iterator[dict[str, FastAPI]]:
    """One app per test process and settings: FastAPI works out each route's state on an
    app's first request (about a second for ours), which every test would otherwise pay
    again."""
    apps: dict[str, FastAPI] = {}
    yield apps
    for application in apps.values():
        application.state.engine.dispose()


@pytest.fixture
def app(
    settings: Settings, media_root: Path, apps_by_settings: dict[str, FastAPI]
) -> Iterator[FastAPI]:
    """The app as a fresh process would find it: after each test its tables and media
    folder are emptied and its per-process state (settings, turns, clients) made anew."""
    key = settings.model_dump_json()
    if key not in apps_by_settings:
        apps_by_settings[key] = create_app(settings)
    application = apps_by_settings[key]
    try:
        yield application
    finally:
        empty_all_tables(application.state.engine)
        application.state.engine.dispose()
        reset_state(application, settings)
        for entry in media_root.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    """A session for arranging and inspecting data directly, committed by the test."""
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session
