from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.deps import CSRF_HEADER, SESSION_COOKIE
from app.models import Role
from tests.factories import PASSWORD, make_organisation, make_user


def sign_in(client: TestClient, email: str) -> str:
    response = client.post("/api/v1/auth/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


def test_cookie_is_httponly_lax_and_not_secure_on_localhost(
    client: TestClient, db: Session
) -> None:
    user = make_user(db, make_organisation(db))
    response = client.post("/api/v1/auth/session", json={"email": user.email, "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert client.get("/api/v1/me").json()["email"] == user.email


def test_cookie_is_secure_outside_localhost(app: FastAPI, db: Session) -> None:
    user = make_user(db)
    with TestClient(app, base_url="https://tandem.example.org") as remote:
        response = remote.post(
            "/api/v1/auth/session", json={"email": user.email, "password": PASSWORD}
        )
    assert "Secure" in response.headers["set-cookie"]


def test_state_changing_request_needs_csrf_token(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    csrf = sign_in(client, lead.email)
    url = f"/api/v1/organisations/{organisation.id}/programmes"
    refused = client.post(url, json={"name": "Parenting"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    wrong = client.post(url, json={"name": "Parenting"}, headers={CSRF_HEADER: "guess"})
    assert wrong.status_code == 403
    accepted = client.post(url, json={"name": "Parenting"}, headers={CSRF_HEADER: csrf})
    assert accepted.status_code == 201
    assert client.get(url).json()[0]["name"] == "Parenting"


def test_session_read_returns_csrf_after_reload(client: TestClient, db: Session) -> None:
    user = make_user(db)
    csrf = sign_in(client, user.email)
    assert client.get("/api/v1/auth/session").json()["csrf_token"] == csrf


def test_sign_out_ends_the_cookie_session(client: TestClient, db: Session) -> None:
    user = make_user(db)
    csrf = sign_in(client, user.email)
    stolen_cookie = client.cookies.get(SESSION_COOKIE)
    assert client.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    client.cookies.set(SESSION_COOKIE, stolen_cookie or "")
    replay = client.get("/api/v1/me")
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "session_expired"


def test_unauthenticated_request_is_401_with_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"
