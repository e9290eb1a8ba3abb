"""Login throttling that bounds guessing without letting a stranger lock the owner out.

Three counters of recent failures: per account (from any address), per address (for any
account) and per account from one address. The first two only slow attempts down (1, 2,
4 ... s, at most a minute), so guessing stays slow however it is spread, while an attacker
elsewhere, or colleagues behind the same office address, can delay a sign-in but never
prevent it. Only the account-and-address pair locks: the lock stops whoever is guessing
from there. A counter forgets its failures after `login_failure_window_minutes` without
another, so ordinary typos never add up. A successful sign-in clears its pair only:
clearing the address or the account would let anyone with an account of their own, or
the owner's own sign-ins, reset the counters between guesses.

Counters live in the database so every app process sees them, and are written in their
own short transactions so the failed request's rollback does not erase them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from app.config import Settings
from app.db import insert_or_merge
from app.errors import TooManyRequests
from app.models import LoginThrottle
from app.models.base import utcnow

SLOWDOWN_CAP_SECONDS = 60
# Stale counters removed per recorded failure: keeps the table small under a spray of
# made-up accounts, at a bounded cost per request.
STALE_ROWS_PER_CLEANUP = 100


@dataclass(frozen=True)
class ThrottleKeys:
    account: str
    address: str | None
    pair: str

    def all(self) -> list[str]:
        # One order for every request, so concurrent failures lock rows without deadlock.
        return sorted(key for key in (self.account, self.address, self.pair) if key)


def keys_for(*, email: str, address: str | None) -> ThrottleKeys:
    account = email.strip().lower()
    return ThrottleKeys(
        account=f"account:{account}",
        address=f"address:{address}" if address else None,
        pair=f"pair:{account}|{address or 'unknown'}",
    )


def check_allowed(
    engine: Engine, keys: ThrottleKeys, settings: Settings, *, now: datetime | None = None
) -> None:
    """Refuse (429 with Retry-After) an attempt that comes while its pair is locked or
    before the account's or the address's slowdown has passed."""
    now = now or utcnow()
    with Session(engine) as session:
        statement = select(LoginThrottle).where(col(LoginThrottle.key).in_(keys.all()))
        rows = {row.key: row for row in session.exec(statement)}
    pair = rows.get(keys.pair)
    if pair is not None and pair.locked_until is not None and pair.locked_until > now:
        raise _refuse(pair.locked_until, now, locked=True)
    address = rows.get(keys.address) if keys.address else None
    waits = [
        _next_allowed(rows.get(keys.account), settings.login_slowdown_after, settings, now),
        _next_allowed(address, settings.login_address_slowdown_after, settings, now),
    ]
    latest = max((wait for wait in waits if wait is not None), default=None)
    if latest is not None and latest > now:
        raise _refuse(latest, now, locked=False)


def record_failure(
    engine: Engine, keys: ThrottleKeys, settings: Settings, *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    with Session(engine) as session:
        _insert_missing(session, keys.all(), now)
        statement = (
            select(LoginThrottle)
            .where(col(LoginThrottle.key).in_(keys.all()))
            .order_by(col(LoginThrottle.key))
            .with_for_update()
        )
        for row in session.exec(statement).all():
            expired_lock = row.locked_until is not None and row.locked_until <= now
            if expired_lock or _recent_failures(row, settings, now) == 0:
                row.failures, row.locked_until = 0, None
            row.failures += 1
            row.last_failure_at = now
            if row.key == keys.pair and row.failures >= settings.login_lockout_after:
                row.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            session.add(row)
        session.flush()
        _remove_stale(session, settings, now)
        session.commit()


def record_success(engine: Engine, keys: ThrottleKeys) -> None:
    with Session(engine) as session:
        if session.get(LoginThrottle, keys.pair) is not None:
            session.exec(delete(LoginThrottle).where(col(LoginThrottle.key) == keys.pair))
            session.commit()


def _recent_failures(row: LoginThrottle, settings: Settings, now: datetime) -> int:
    window = timedelta(minutes=settings.login_failure_window_minutes)
    return row.failures if row.last_failure_at + window > now else 0


def _next_allowed(
    row: LoginThrottle | None, free_failures: int, settings: Settings, now: datetime
) -> datetime | None:
    if row is None:
        return None
    excess = _recent_failures(row, settings, now) - free_failures
    if excess < 0:
        return None
    return row.last_failure_at + timedelta(seconds=min(2**excess, SLOWDOWN_CAP_SECONDS))


def _refuse(until: datetime, now: datetime, *, locked: bool) -> TooManyRequests:
    wait = max(1, int((until - now).total_seconds()) + 1)
    headers = {"Retry-After": str(wait)}
    if locked:
        message = (
            "Too many failed sign-ins to this account from your address: it is locked here. "
            f"Try again in {wait} seconds."
        )
        return TooManyRequests(message, code="login_locked", headers=headers)
    message = f"Too many failed sign-ins. Wait {wait} seconds before trying again."
    return TooManyRequests(message, code="login_throttled", headers=headers)


def _insert_missing(session: Session, keys: list[str], now: datetime) -> None:
    # Two first failures at once must not both insert the same key (the loser would fail).
    rows = [{"key": key, "failures": 0, "last_failure_at": now} for key in keys]
    session.exec(insert_or_merge(session, LoginThrottle).values(rows).on_conflict_do_nothing())


def _remove_stale(session: Session, settings: Settings, now: datetime) -> None:
    # A counter past its window and lock counts as nothing; rows another request holds are
    # skipped, never waited for.
    cutoff = now - timedelta(minutes=settings.login_failure_window_minutes)
    stale = (
        select(LoginThrottle.key)
        .where(col(LoginThrottle.last_failure_at) < cutoff)
        .where(col(LoginThrottle.locked_until).is_(None) | (col(LoginThrottle.locked_until) < now))
        .limit(STALE_ROWS_PER_CLEANUP)
        .with_for_update(skip_locked=True)
    )
    statement = delete(LoginThrottle).where(col(LoginThrottle.key).in_(stale))
    session.exec(statement.execution_options(synchronize_session=False))
