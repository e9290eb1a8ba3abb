"""Helpers for the sign-in tests: callers at chosen addresses, and time passing without
sleeping (the stored timestamps move back instead)."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from app.models import AuthSession, LoginThrottle, Role
from app.models.base import utcnow
from tests.factories import make_organisation, make_user, token_for

WRONG = "definitely the wrong password"
NEW_PASSWORD = "a long enough new password"

ClientAt = Callable[[str], AbstractContextManager[TestClient]]


@pytest.fixture
def client_at(app: FastAPI) -> ClientAt:
    """A client whose requests come from `address` (the throttle keys on it)."""

    @contextmanager
    def make(address: str) -> Iterator[TestClient]:
        with TestClient(app, base_url="http://localhost", client=(address, 50000)) as client:
            yield client

    return make


def attempt(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    return response.status_code


def let_throttle_time_pass(db: Session, delta: timedelta) -> None:
    """Every failure and lock so far happened `delta` earlier."""
    for row in db.exec(select(LoginThrottle)).all():
        row.last_failure_at -= delta
        if row.locked_until is not None:
            row.locked_until -= delta
        db.add(row)
    db.commit()


def age_sign_in(db: Session, *, created: timedelta, last_used: timedelta) -> None:
    """The only sign-in began `created` ago and was last used `last_used` ago."""
    auth_session = db.exec(select(AuthSession)).one()
    now = utcnow()
    db.exec(
        update(AuthSession)
        .where(col(AuthSession.id) == auth_session.id)
        .values(created_at=now - created, last_used_at=now - last_used)
    )
    db.commit()


def invite(client: TestClient, db: Session, **body: object) -> dict[str, object]:
    """A lead of a new organisation invites someone (by default new.person@example.org)."""
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    payload = {"email": "new.person@example.org", "roles": ["practitioner"], **body}
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json=payload,
        headers=token_for(client, lead),
    )
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def token_of(url: object) -> str:
    return str(url).rsplit("/", 1)[-1]
