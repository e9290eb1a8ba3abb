from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent
from tests.factories import PASSWORD, make_organisation, make_user, token_for


def test_password_grant_returns_bearer_token_usable_on_me(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    user = make_user(db, organisation)
    response = client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert me.json()["memberships"][0]["organisation_id"] == str(organisation.id)


def test_wrong_password_is_401_with_generic_message(client: TestClient, db: Session) -> None:
    user = make_user(db)
    wrong = client.post("/api/v1/auth/token", data={"username": user.email, "password": "nope" * 4})
    unknown = client.post(
        "/api/v1/auth/token", data={"username": "nobody@example.org", "password": "nope" * 4}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["message"] == "Incorrect email or password."


def test_logout_revokes_the_token(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = token_for(client, user)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "invalid_token"


def test_refresh_token_rotates_and_old_one_stops_working(client: TestClient, db: Session) -> None:
    user = make_user(db)
    first = client.post("/api/v1/auth/token", data={"username": user.email, "password": PASSWORD})
    old_refresh = first.json()["refresh_token"]
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": old_refresh})
    assert refreshed.status_code == 200
    new_access = refreshed.json()["access_token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new_access}"}).is_success
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": old_refresh})
    assert reused.status_code == 401


def test_tampered_token_is_rejected(client: TestClient, db: Session) -> None:
    user = make_user(db)
    token = token_for(client, user)["Authorization"]
    # Another character in the signature (not the last: its low bits are padding).
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert tampered != token
    assert client.get("/api/v1/me", headers={"Authorization": tampered}).status_code == 401


def test_sign_in_is_audited(client: TestClient, db: Session) -> None:
    user = make_user(db)
    token_for(client, user)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.sign_in")).all()
    assert [event.actor_user_id for event in events] == [user.id]
    assert events[0].request_id
