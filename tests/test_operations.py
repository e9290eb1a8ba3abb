import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.models import Role
from app.recording.retention import run_purge
from tests.factories import make_organisation, make_user


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_fails_when_the_database_is_unreachable(settings: Settings) -> None:
    broken = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(broken), base_url="http://localhost") as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_ready"


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_unknown_route_uses_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_request_id_is_echoed_and_logged(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings.model_copy(update={"log_level": "INFO"}))
    client = TestClient(app, base_url="http://localhost")
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = [line for line in lines if line["logger"] == "tandem.access"]
    assert access[0]["request_id"] == "abc123"
    assert access[0]["path"] == "/healthz" and access[0]["status"] == 200


def test_api_responses_are_never_cached(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.headers["cache-control"] == "private, no-store"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_log_lines_are_json() -> None:
    from app.logs import JsonFormatter

    record = logging.LogRecord("tandem.test", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "hello x"


def _sign_in_as_someone(client: TestClient) -> Any:
    return client.post(
        "/api/v1/auth/token",
        data={"username": "someone@example.org", "password": "private-words-here"},
        headers={"X-Request-ID": "failing-request"},
    )


def _carries_the_usual_headers(response: Any) -> None:
    assert response.headers["x-request-id"] == "failing-request"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "private, no-store"


def test_an_unexpected_failure_is_a_500_with_the_usual_headers(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A database without its tables: a bug of ours, not a passing outage.
    broken = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"}
    )
    with TestClient(create_app(broken), base_url="http://localhost") as client:
        response = _sign_in_as_someone(client)
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "Something went wrong."}
    }
    _carries_the_usual_headers(response)
    logged = capsys.readouterr().err
    errors = [json.loads(line) for line in logged.splitlines() if "unhandled error" in line]
    assert errors and errors[0]["request_id"] == "failing-request"
    assert "private-words-here" not in logged and "someone@example.org" not in logged


def test_an_unreachable_database_is_a_503_to_retry(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(unreachable), base_url="http://localhost") as client:
        response = _sign_in_as_someone(client)
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["retry-after"] == "1"
    _carries_the_usual_headers(response)
    assert ready.status_code == 503 and alive.status_code == 200
    logged = capsys.readouterr().err
    assert "database unavailable" in logged
    assert "private-words-here" not in logged and "someone@example.org" not in logged


def test_database_errors_never_carry_their_parameters(app: FastAPI) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as raised, app.state.engine.connect() as connection:
        connection.execute(
            text("SELECT * FROM no_such_table WHERE note = :note"), {"note": "a private note"}
        )
    assert "a private note" not in str(raised.value)


@pytest.mark.only_on_sqlite
def test_sqlite_keeps_planner_statistics(app: FastAPI, db: Session, settings: Settings) -> None:
    """SQLite picks its indexes by statistics only ANALYZE writes (PostgreSQL's autovacuum
    keeps its own): the app gathers them as it starts, and the daily purge again as the
    data grows."""
    organisation = make_organisation(db)
    make_user(db, organisation, Role.coach)
    db.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
    db.commit()

    run_purge(settings)

    analysed = set(db.execute(text("SELECT tbl FROM sqlite_stat1")).scalars())
    assert {"organisation", "membership", "user_account"} <= analysed
