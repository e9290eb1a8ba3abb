"""Login throttling: guessing stays slow however it is spread, and only the address that
guesses is locked out; strangers, colleagues and old typos never lock the owner out."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import throttle
from app.config import Settings
from app.models import LoginThrottle
from app.models.base import utcnow
from tests.auth.conftest import WRONG, ClientAt, attempt, let_throttle_time_pass
from tests.factories import PASSWORD, make_user

# Longer than the longest slowdown (a minute), far shorter than the decay window.
A_MINUTE = timedelta(seconds=61)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Lower limits than the defaults (3, 20, 10): each attempt costs an argon2 check.
    return settings.model_copy(
        update={
            "login_slowdown_after": 2,
            "login_address_slowdown_after": 6,
            "login_lockout_after": 4,
        }
    )


def test_failures_slow_down_with_a_clear_error(client: TestClient, db: Session) -> None:
    user = make_user(db)
    # Two failures are free, then each attempt must wait longer.
    assert [attempt(client, user.email, WRONG) for _ in range(2)] == [401, 401]
    throttled = client.post("/api/v1/auth/token", data={"username": user.email, "password": WRONG})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "login_throttled"
    assert int(throttled.headers["retry-after"]) >= 1
    # Even the right password waits: the throttle is checked before the password.
    assert attempt(client, user.email, PASSWORD) == 429


def test_ten_failures_lock_that_address_out_of_the_account(
    client_at: ClientAt, db: Session, settings: Settings
) -> None:
    user = make_user(db)
    with client_at("198.51.100.1") as guesser:
        for _ in range(settings.login_lockout_after):
            assert attempt(guesser, user.email, WRONG) == 401
            let_throttle_time_pass(db, A_MINUTE)
        locked = guesser.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "login_locked"
    assert "locked" in locked.json()["error"]["message"]
    retry_after = int(locked.headers["retry-after"])
    assert 13 * 60 < retry_after <= settings.login_lockout_minutes * 60


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(
    client_at: ClientAt, db: Session, settings: Settings
) -> None:
    owner = make_user(db)
    with client_at("203.0.113.66") as attacker:
        for _ in range(settings.login_lockout_after):
            assert attempt(attacker, owner.email, WRONG) == 401
            let_throttle_time_pass(db, A_MINUTE)
        assert attempt(attacker, owner.email, PASSWORD) == 429
    with client_at("192.0.2.10") as owners_laptop:
        assert attempt(owners_laptop, owner.email, PASSWORD) == 200
    with client_at("203.0.113.66") as attacker:
        assert attempt(attacker, owner.email, PASSWORD) == 429  # still locked there


def test_typos_spread_over_weeks_never_add_up(client_at: ClientAt, db: Session) -> None:
    colleagues = [make_user(db) for _ in range(6)]
    owner = colleagues[0]
    with client_at("192.0.2.20") as office:
        for person in colleagues:  # a typo now and then, each fixed at once
            assert attempt(office, person.email, WRONG) == 401
            assert attempt(office, person.email, PASSWORD) == 200
            let_throttle_time_pass(db, timedelta(days=2))
        for _ in range(6):  # the owner's own typos, days apart, never followed up
            assert attempt(office, owner.email, WRONG) == 401
            let_throttle_time_pass(db, timedelta(days=2))
        assert attempt(office, owner.email, WRONG) == 401
        assert attempt(office, owner.email, PASSWORD) == 200


def test_a_successful_sign_in_clears_its_pair(
    client_at: ClientAt, db: Session, settings: Settings
) -> None:
    user = make_user(db)
    with client_at("192.0.2.30") as client:
        for _ in range(2):
            for _ in range(settings.login_lockout_after - 1):
                assert attempt(client, user.email, WRONG) == 401
                let_throttle_time_pass(db, A_MINUTE)
            assert attempt(client, user.email, PASSWORD) == 200
    keys = throttle.keys_for(email=user.email, address="192.0.2.30")
    db.expire_all()
    assert db.get(LoginThrottle, keys.pair) is None


def test_many_people_at_one_address_are_not_locked_out_by_each_other(
    client_at: ClientAt, db: Session
) -> None:
    # Monday morning, everyone at once, below the address's own (higher) slowdown limit.
    colleagues = [make_user(db) for _ in range(5)]
    with client_at("192.0.2.40") as office:
        for person in colleagues:
            assert attempt(office, person.email, WRONG) == 401
            assert attempt(office, person.email, PASSWORD) == 200


def test_one_address_trying_many_accounts_is_slowed_and_no_other(
    client_at: ClientAt, settings: Settings
) -> None:
    with client_at("198.51.100.2") as sprayer:
        for number in range(settings.login_address_slowdown_after):
            assert attempt(sprayer, f"guess{number}@example.org", WRONG) == 401
        refused = sprayer.post(
            "/api/v1/auth/token", data={"username": "one-more@example.org", "password": WRONG}
        )
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "login_throttled"
    assert int(refused.headers["retry-after"]) >= 1
    with client_at("198.51.100.3") as elsewhere:
        assert attempt(elsewhere, "one-more@example.org", WRONG) == 401


def test_one_account_guessed_from_many_addresses_is_slowed(
    client_at: ClientAt, db: Session, settings: Settings
) -> None:
    user = make_user(db)
    for number in range(settings.login_slowdown_after):
        with client_at(f"198.51.100.{10 + number}") as guesser:
            assert attempt(guesser, user.email, WRONG) == 401
    with client_at("198.51.100.99") as another:
        assert attempt(another, user.email, WRONG) == 429


def test_failures_are_forgotten_after_a_quiet_window(app: FastAPI, settings: Settings) -> None:
    engine = app.state.engine
    keys = throttle.keys_for(email="someone@example.org", address="192.0.2.50")
    start = utcnow()
    for _ in range(settings.login_lockout_after - 1):
        throttle.record_failure(engine, keys, settings, now=start)
    quiet = start + timedelta(minutes=settings.login_failure_window_minutes)
    throttle.check_allowed(engine, keys, settings, now=quiet)
    throttle.record_failure(engine, keys, settings, now=quiet)  # the first again, not the tenth
    throttle.check_allowed(engine, keys, settings, now=quiet + timedelta(seconds=1))
    with Session(engine) as db:
        counts = {key: db.get(LoginThrottle, key) for key in keys.all()}
        assert {key: row.failures for key, row in counts.items() if row} == dict.fromkeys(
            keys.all(), 1
        )


def test_simultaneous_failures_all_count(app: FastAPI, settings: Settings) -> None:
    engine = app.state.engine
    keys = throttle.keys_for(email="busy@example.org", address="192.0.2.60")
    start = threading.Barrier(8)

    def fail() -> None:
        start.wait()
        throttle.record_failure(engine, keys, settings)

    with ThreadPoolExecutor(8) as pool:
        for done in [pool.submit(fail) for _ in range(8)]:
            done.result()  # none failed on a key another inserted first
    with Session(engine) as db:
        pair = db.get(LoginThrottle, keys.pair)
        assert pair is not None and pair.failures == 8


def test_stale_counters_are_removed_as_failures_come(app: FastAPI, settings: Settings) -> None:
    engine = app.state.engine
    old = throttle.keys_for(email="long-ago@example.org", address="192.0.2.70")
    throttle.record_failure(engine, old, settings, now=utcnow() - timedelta(days=3))
    fresh = throttle.keys_for(email="today@example.org", address="192.0.2.71")
    throttle.record_failure(engine, fresh, settings)
    with Session(engine) as db:
        assert all(db.get(LoginThrottle, key) is None for key in old.all())
        assert all(db.get(LoginThrottle, key) is not None for key in fresh.all())
