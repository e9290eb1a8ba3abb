"""Database engine and the per-request session (one transaction per request)."""

import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool

from app.config import Settings

logger = logging.getLogger("tandem.db")

# How long SQLite waits for another writer before giving up (then 503, app/errors.py).
SQLITE_BUSY_MILLISECONDS = 5000


PLAN_CACHE_MODE = "force_custom_plan"
"""Every statement is planned for the values it runs with. psycopg prepares a statement
it has run five times on a connection, and PostgreSQL may then plan it once for any
values (a generic plan): blind to which organisation, how many days, whose recordings.
Organisations differ a thousandfold in size, so a plan for no one in particular can be
far off for anyone: the turnaround report's took over 30 s where its own took 0.6 s,
from its seventh request on a connection. Planning each time costs the database ~0.1 ms
a statement (a two-table join: 260-290 us with a cached plan, 330-385 us planned
afresh), and the statement's text is still parsed only once."""

CURSOR_TUPLE_FRACTION = 1.0
"""A server-side cursor is planned, like any statement, for reading all of its rows.
The app opens one only to stream every row of a report as CSV (app/reports/streaming.py),
and reads it to the end; PostgreSQL's default (0.1) plans a cursor for reading its first
tenth soon, which for a join of large tables means a row-by-row index lookup where a hash
is cheaper in all. On the benchmark's 50,000-row fidelity CSV statement, in process:
618-857 ms against 697-860 with the default, three runs each (the machine's noise is as
large); the turnaround statement's plan differs too, with no time measurably apart."""

JIT = "off"
"""No compiling of a statement to machine code. PostgreSQL compiles one whose estimated
cost passes `jit_above_cost` (100,000), and compiling takes seconds where the reports
run in a fraction of one: a variant of the turnaround statement whose join PostgreSQL
misjudged (6 million rows estimated for 53,000) spent 2.5 s compiling and 1.2 s running
(0.9 s with no compiling). The reports' estimated costs are 22,000-63,000 on the
benchmark's organisation today; an organisation a few times larger would cross the line
and pay the compiling on every report, for queries that read tens of thousands of rows,
not the hundreds of millions compiling pays off for."""


def make_engine(database_url: str, *, concurrency: int = 16, wait_seconds: float = 2.0) -> Engine:
    """One connection for each of the process's turns (app/admission.py), as many again
    for the short sessions of uploads and sign-in counters, and a bounded wait: a pool
    with nothing free answers 503 within `wait_seconds`, never after a long stall."""
    pool = {"pool_size": concurrency, "max_overflow": concurrency, "pool_timeout": wait_seconds}
    # A database error's message must never carry what people wrote (reflections,
    # comments, emails) into the logs: the parameters stay out of it.
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MILLISECONDS / 1000},
            hide_parameters=True,
            **pool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        database_url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={
            "options": f"-c plan_cache_mode={PLAN_CACHE_MODE}"
            f" -c cursor_tuple_fraction={CURSOR_TUPLE_FRACTION}"
            f" -c jit={JIT}"
        },
        **pool,
    )


def refresh_planner_statistics(engine: Engine) -> None:
    """SQLite plans by the statistics only ANALYZE gathers (PostgreSQL's autovacuum keeps
    its own): without them it reads an organisation's every observation to find one
    rater's, and the reports at scale took half as long again. Every row is read (about
    0.7 s for a million): sampled statistics (`analysis_limit`) read only the first rows
    of each index, judged one organisation's 38,000 sessions to be 31, and planned the
    equity report to run for minutes. Run as the app starts and by `python -m app purge`,
    the daily maintenance. An optimisation, so never a reason for either to fail: a
    database busy or away then is logged and left for the next time."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    except SQLAlchemyError:
        logger.warning("SQLite's planner statistics were not gathered this time", exc_info=True)


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MILLISECONDS}")
    cursor.close()


def insert_or_merge(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT for `table` (a model or a Table) that can say what to do on a conflict
    (`on_conflict_do_nothing` / `_do_update`): both databases have it, each in its own
    dialect's construct."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# The app's settings ride on a session, for work a service leaves until after the commit
# (Web Push, app/notifications/push.py) without every service taking them.
SETTINGS_INFO = "tandem.settings"


def settings_of(session: Session) -> Settings | None:
    """The settings a session was opened with; None outside a request unless given."""
    settings = session.info.get(SETTINGS_INFO)
    return settings if isinstance(settings, Settings) else None


# The request's session, for the route's worker thread to commit (app/routing.py).
_request_session: ContextVar[Session | None] = ContextVar("request_session", default=None)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Commit when the route returns normally, roll back when it raises.

    Waits for the request's turn first (app/admission.py). Async, so that waiting and
    opening the session cost no trip to a worker thread; the session itself is used by
    the route's thread, one thread at a time. A plain (sync) route commits in its own
    thread (`commit_request_session`), so here only closing is left."""
    async with request.app.state.admission.turn():
        session = Session(
            request.app.state.engine,
            expire_on_commit=False,
            info={SETTINGS_INFO: request.app.state.settings},
        )
        _request_session.set(session)
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_end, session, commit=False)
            raise
        if session.in_transaction():
            await run_in_threadpool(_end, session, commit=True)
        else:
            # Nothing left to write, and no connection held: closing touches no database.
            session.close()


def commit_request_session() -> None:
    """Commit the request's session, from the thread the route ran in."""
    session = _request_session.get()
    if session is not None and session.in_transaction():
        session.commit()


def _end(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


# scope="function": commit before the response is sent, so a client never sees
# success for a transaction that later fails.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
