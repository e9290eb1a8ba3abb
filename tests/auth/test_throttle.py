from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import LoginThrottle
from app.models.base import utcnow
from tests.factories import PASSWORD, make_user

WRONG = "definitely the wrong password"


def attempt(client: TestClient, email: str, password: str) -> int:
    return client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    ).status_code


def test_failures_slow_down_then_lock_with_a_clear_error(client: TestClient, db: Session) -> None:
    user = make_user(db)
    # Defaults: three failures are free, then each attempt must wait longer.
    assert [attempt(client, user.email, WRONG) for _ in range(3)] == [401, 401, 401]
    throttled = client.post("/api/v1/auth/token", data={"username": user.email, "password": WRONG})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "login_throttled"
    assert int(throttled.headers["retry-after"]) >= 1
    # Even the right password waits: the throttle is checked before the password.
    assert attempt(client, user.email, PASSWORD) == 429


def test_lockout_after_repeated_failures(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for number in range(9):
        key = f"account:{user.email}"
        db.merge(
            LoginThrottle(
                key=key, failures=number + 1, last_failure_at=utcnow() - timedelta(minutes=5)
            )
        )
        db.commit()
    assert attempt(client, user.email, WRONG) == 401  # the tenth failure
    locked = client.post("/api/v1/auth/token", data={"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "login_locked"
    assert "locked" in locked.json()["error"]["message"]


def test_success_resets_the_account_counter(client: TestClient, db: Session) -> None:
    user = make_user(db)
    assert attempt(client, user.email, WRONG) == 401
    assert attempt(client, user.email, PASSWORD) == 200
    db.expire_all()
    assert db.get(LoginThrottle, f"account:{user.email}") is None
