"""Forgotten passwords: a one-time, short-lived link by email; the same answer whether or
not the address is known; the reset ends every sign-in of that person."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from app.config import Settings
from app.models import AuditEvent, AuthSession, PasswordReset, Role, User
from app.models.base import utcnow
from tests.factories import PASSWORD, make_organisation, make_user, token_for
from tests.support.smtp import Inbox, running_inbox

NEW_PASSWORD = "a brand new and long password"
LINK = re.compile(r"(http://\S+/#/reset-password/(\S+))")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_starttls": False}
    )


def ask(client: TestClient, email: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/password-resets", json={"email": email})
    assert answer.status_code == 202, answer.text
    body: dict[str, str] = answer.json()
    return body


def token_from(inbox: Inbox, count: int = 1) -> str:
    message = inbox.wait_for(count)[-1]
    found = LINK.search(message.get_payload(decode=True).decode())
    assert found is not None
    return found.group(2)


def sign_in(client: TestClient, email: str, password: str) -> int:
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    return answer.status_code


def test_a_forgotten_password_is_reset_by_the_emailed_link(
    client: TestClient, db: Session, inbox: Inbox, settings: Settings
) -> None:
    user = make_user(db, make_organisation(db), Role.coach, email="cora@example.org")
    phone = token_for(client, user)  # signed in elsewhere, e.g. a lost phone

    asked = ask(client, "Cora@Example.org")
    assert "cora@example.org" in asked["message"].lower()
    [message] = inbox.wait_for(1)
    assert message["To"] == "cora@example.org"
    assert message["Subject"] == "Choose a new Tandem password"
    assert f"{settings.public_url}/#/reset-password/" in message.get_payload(decode=True).decode()
    token = token_from(inbox)

    preview = client.get(f"/api/v1/auth/password-resets/{token}")
    assert preview.status_code == 200, preview.text
    assert preview.json()["email"] == "cora@example.org"
    chosen = client.post(f"/api/v1/auth/password-resets/{token}", json={"password": NEW_PASSWORD})
    assert chosen.status_code == 204, chosen.text

    assert sign_in(client, "cora@example.org", PASSWORD) == 401
    assert sign_in(client, "cora@example.org", NEW_PASSWORD) == 200
    # Every sign-in from before the reset has ended.
    assert client.get("/api/v1/me", headers=phone).status_code == 401
    again = client.post(f"/api/v1/auth/password-resets/{token}", json={"password": NEW_PASSWORD})
    assert (again.status_code, again.json()["error"]["code"]) == (410, "reset_used")
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.resource_id == str(user.id)))
    assert {"auth.password_reset_requested", "auth.password_reset"} <= set(actions)


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(
    client: TestClient, db: Session, inbox: Inbox
) -> None:
    make_user(db, make_organisation(db), Role.coach, email="known@example.org")
    sso_only = make_user(db, make_organisation(db), Role.coach, password=False)

    unknown = ask(client, "nobody@example.org")
    known = ask(client, "known@example.org")
    assert unknown["message"].replace("nobody", "known") == known["message"]
    ask(client, sso_only.email)  # signs in through the identity provider: no link
    [message] = inbox.wait_for(1)
    assert message["To"] == "known@example.org"
    assert db.exec(select(PasswordReset)).all()[0].user_id != sso_only.id
    assert len(db.exec(select(PasswordReset)).all()) == 1


def test_a_new_link_replaces_the_last_and_links_expire(
    client: TestClient, db: Session, inbox: Inbox
) -> None:
    make_user(db, make_organisation(db), Role.coach, email="pat@example.org")
    ask(client, "pat@example.org")
    first = token_from(inbox)
    ask(client, "pat@example.org")  # pressed twice: nothing more is sent within a minute
    db.exec(update(PasswordReset).values(created_at=utcnow() - timedelta(minutes=2)))
    db.commit()
    ask(client, "pat@example.org")
    second = token_from(inbox, 2)
    assert len(inbox.messages) == 2

    replaced = client.get(f"/api/v1/auth/password-resets/{first}")
    assert (replaced.status_code, replaced.json()["error"]["code"]) == (404, "reset_not_found")
    db.exec(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    expired = client.post(f"/api/v1/auth/password-resets/{second}", json={"password": NEW_PASSWORD})
    assert (expired.status_code, expired.json()["error"]["code"]) == (410, "reset_expired")
    assert sign_in(client, "pat@example.org", PASSWORD) == 200  # unchanged


def test_a_weak_password_is_refused_and_the_link_still_works(
    client: TestClient, db: Session, inbox: Inbox
) -> None:
    user = make_user(db, make_organisation(db), Role.coach, email="sam@example.org")
    session_before = token_for(client, user)
    ask(client, "sam@example.org")
    token = token_from(inbox)

    weak = client.post(f"/api/v1/auth/password-resets/{token}", json={"password": "password1234"})
    assert weak.status_code == 422
    assert weak.json()["error"]["fields"][0]["field"] == "password"
    assert client.get("/api/v1/me", headers=session_before).status_code == 200  # nothing ended
    assert client.get(f"/api/v1/auth/password-resets/{token}").status_code == 200
    for bad in ({}, {"email": "not an address"}):
        refused = client.post("/api/v1/auth/password-resets", json=bad)
        assert refused.status_code == 422
        assert refused.json()["error"]["fields"][0]["field"] == "email"
    db.expire_all()
    revoked = db.exec(
        select(AuthSession).where(
            col(AuthSession.user_id) == user.id, col(AuthSession.revoked_at).is_not(None)
        )
    ).all()
    assert revoked == []
    assert db.get(User, user.id) is not None
