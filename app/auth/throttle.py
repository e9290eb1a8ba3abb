"""Login throttling: after a few failures an account or address slows down, then locks.

Counters live in the database so every app process sees them, and are written in their
own transaction so the failed request's rollback does not erase them.
"""

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.errors import TooManyRequests
from app.models import LoginThrottle
from app.models.base import utcnow

SLOWDOWN_CAP_SECONDS = 60


def throttle_keys(*, email: str, address: str | None) -> list[str]:
    keys = [f"account:{email.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


def _delay_seconds(failures: int, settings: Settings) -> int:
    excess = failures - settings.login_slowdown_after
    if excess < 0:
        return 0
    return int(min(2**excess, SLOWDOWN_CAP_SECONDS))


def _refuse(until: datetime, *, locked: bool) -> TooManyRequests:
    wait = max(1, int((until - utcnow()).total_seconds()) + 1)
    if locked:
        message = f"Too many failed sign-ins: this account is locked. Try again in {wait} seconds."
        return TooManyRequests(message, code="login_locked", headers={"Retry-After": str(wait)})
    message = f"Too many failed sign-ins. Wait {wait} seconds before trying again."
    return TooManyRequests(message, code="login_throttled", headers={"Retry-After": str(wait)})


def check_allowed(engine: Engine, keys: list[str], settings: Settings) -> None:
    now = utcnow()
    with Session(engine) as session:
        for key in keys:
            row = session.get(LoginThrottle, key)
            if row is None:
                continue
            if row.locked_until and row.locked_until > now:
                raise _refuse(row.locked_until, locked=True)
            next_allowed = row.last_failure_at + timedelta(
                seconds=_delay_seconds(row.failures, settings)
            )
            if next_allowed > now:
                raise _refuse(next_allowed, locked=False)


def record_failure(engine: Engine, keys: list[str], settings: Settings) -> None:
    now = utcnow()
    with Session(engine) as session:
        for key in keys:
            row = session.get(LoginThrottle, key, with_for_update=True)
            if row is None or (row.locked_until and row.locked_until <= now):
                row = row or LoginThrottle(key=key, last_failure_at=now)
                row.failures, row.locked_until = 0, None
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= settings.login_lockout_after:
                row.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            session.add(row)
        session.commit()


def clear(engine: Engine, keys: list[str]) -> None:
    with Session(engine) as session:
        for key in keys:
            row = session.get(LoginThrottle, key)
            if row is not None:
                session.delete(row)
        session.commit()
