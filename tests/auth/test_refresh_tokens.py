"""Refresh tokens form one family per sign-in: each works once, and a spent one presented
again ends the sign-in, with every token it gave out."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, AuthSession, User
from tests.factories import PASSWORD, make_user


def sign_in(client: TestClient, user: User) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def refresh(client: TestClient, refresh_token: str) -> tuple[int, dict[str, Any]]:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    return response.status_code, response.json()


def me(client: TestClient, tokens: dict[str, str]) -> int:
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    return client.get("/api/v1/me", headers=headers).status_code


def test_reusing_a_rotated_refresh_token_ends_the_sign_in(client: TestClient, db: Session) -> None:
    user = make_user(db)
    first = sign_in(client, user)
    elsewhere = sign_in(client, user)  # the same person on another device
    status, second = refresh(client, first["refresh_token"])
    assert status == 200
    assert me(client, second) == 200

    status, replay = refresh(client, first["refresh_token"])
    assert status == 401
    assert replay["error"] == {
        "code": "refresh_token_reused",
        "message": "This refresh token had already been used, so this sign-in has been ended "
        "to protect the account. Sign in again.",
    }
    # Whoever holds the newest tokens, thief or owner, is out too, at once.
    assert me(client, second) == 401
    assert refresh(client, second["refresh_token"])[0] == 401
    # The person's other sign-ins carry on.
    assert me(client, elsewhere) == 200
    assert refresh(client, elsewhere["refresh_token"])[0] == 200
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "auth.refresh_token_reused")
    ).all()
    assert [event.resource_id for event in events] == [str(user.id)]


def test_simultaneous_refreshes_with_one_token_give_exactly_one_success(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    refresh_token = sign_in(client, user)["refresh_token"]
    start = threading.Barrier(8)

    def race(_: int) -> int:
        start.wait()
        return refresh(client, refresh_token)[0]

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(race, range(8)))
    assert statuses == [200] + [401] * 7
    # The seven that came second presented a spent token, so the sign-in ended: two
    # holders of one token never both go on.
    auth_session = db.exec(select(AuthSession)).one()
    assert auth_session.revoked_at is not None


def test_a_browser_session_is_not_a_refresh_token(client: TestClient, db: Session) -> None:
    user = make_user(db)
    client.post("/api/v1/auth/session", json={"email": user.email, "password": PASSWORD})
    cookie = client.cookies.get("tandem_session")
    assert cookie
    status, body = refresh(client, cookie)
    assert (status, body["error"]) == (
        401,
        {"code": "invalid_token", "message": "The refresh token is invalid or has expired."},
    )
    assert client.get("/api/v1/me").status_code == 200  # and the session goes on
