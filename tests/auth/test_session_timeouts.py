"""Every sign-in, API or browser, ends after its idle time and at its absolute limit;
use is written at most once a minute."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, select, update

from app.auth.sessions import mark_used
from app.config import Settings
from app.models import AuthSession, User
from app.models.base import utcnow
from tests.auth.conftest import age_sign_in
from tests.factories import PASSWORD, make_user

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=2)  # shorter than both kinds' own lifetimes (14 days, 12 hours)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"session_idle_minutes": 30, "session_absolute_hours": 2})


def api_sign_in(client: TestClient, user: User) -> tuple[dict[str, str], str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['access_token']}"}, body["refresh_token"]


def browser_sign_in(client: TestClient, user: User) -> None:
    response = client.post("/api/v1/auth/session", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text


def the_sign_in(db: Session) -> AuthSession:
    db.expire_all()
    return db.exec(select(AuthSession)).one()


def test_an_api_sign_in_ends_after_its_idle_time(client: TestClient, db: Session) -> None:
    headers, refresh_token = api_sign_in(client, make_user(db))
    age_sign_in(db, created=IDLE * 3, last_used=IDLE - timedelta(minutes=1))
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # and that is use
    age_sign_in(db, created=IDLE * 3, last_used=IDLE + timedelta(minutes=1))
    idle = client.get("/api/v1/me", headers=headers)
    assert (idle.status_code, idle.json()["error"]["code"]) == (401, "invalid_token")
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_token")


def test_a_browser_sign_in_ends_after_its_idle_time(client: TestClient, db: Session) -> None:
    browser_sign_in(client, make_user(db))
    age_sign_in(db, created=IDLE * 2, last_used=IDLE + timedelta(minutes=1))
    idle = client.get("/api/v1/me")
    assert (idle.status_code, idle.json()["error"]["code"]) == (401, "session_expired")


def test_use_is_written_at_most_once_a_minute(client: TestClient, db: Session) -> None:
    browser_sign_in(client, make_user(db))
    age_sign_in(db, created=IDLE, last_used=timedelta(minutes=5))
    assert client.get("/api/v1/me").status_code == 200
    assert the_sign_in(db).last_used_at > utcnow() - timedelta(minutes=1)
    age_sign_in(db, created=IDLE, last_used=timedelta(seconds=30))
    noted = the_sign_in(db).last_used_at
    assert client.get("/api/v1/me").status_code == 200
    assert the_sign_in(db).last_used_at == noted  # a read stayed a read


def test_refreshing_is_use(client: TestClient, db: Session) -> None:
    _, refresh_token = api_sign_in(client, make_user(db))
    age_sign_in(db, created=IDLE, last_used=IDLE - timedelta(minutes=1))
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert refreshed.status_code == 200
    assert the_sign_in(db).last_used_at > utcnow() - timedelta(minutes=1)


def test_no_api_sign_in_outlives_the_absolute_limit(client: TestClient, db: Session) -> None:
    headers, refresh_token = api_sign_in(client, make_user(db))
    auth_session = the_sign_in(db)
    assert auth_session.expires_at - auth_session.created_at == ABSOLUTE
    # However busily used and refreshed, and also when the limit was lowered after it began.
    age_sign_in(db, created=ABSOLUTE + timedelta(minutes=1), last_used=timedelta(0))
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert refused.status_code == 401


def test_a_browser_session_and_its_cookie_end_at_the_absolute_limit(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    response = client.post("/api/v1/auth/session", json={"email": user.email, "password": PASSWORD})
    assert f"Max-Age={int(ABSOLUTE.total_seconds())}" in response.headers["set-cookie"]
    auth_session = the_sign_in(db)
    assert auth_session.expires_at - auth_session.created_at == ABSOLUTE
    age_sign_in(db, created=ABSOLUTE + timedelta(minutes=1), last_used=timedelta(0))
    assert client.get("/api/v1/me").status_code == 401


def test_noting_use_locks_nothing_for_the_rest_of_the_request(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    """A request that notes its sign-in's use goes on (a report may take seconds) while
    other requests write, to that very sign-in too: the note is committed at once."""
    api_sign_in(client, make_user(db))
    age_sign_in(db, created=IDLE, last_used=timedelta(minutes=5))
    with Session(app.state.engine) as request_db:
        auth_session = request_db.exec(select(AuthSession)).one()
        mark_used(request_db, auth_session=auth_session)
        assert request_db.exec(select(User)).first() is not None  # the request goes on

        with Session(app.state.engine) as other_request:
            if other_request.get_bind().dialect.name == "postgresql":
                other_request.execute(text("SET LOCAL lock_timeout = '2s'"))
            other_request.exec(
                update(AuthSession)
                .where(col(AuthSession.id) == auth_session.id)
                .values(created_at=utcnow() - IDLE)
            )
            other_request.commit()  # would wait out the lock, then fail

    assert the_sign_in(db).last_used_at > utcnow() - timedelta(minutes=1)
