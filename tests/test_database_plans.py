"""Statements are planned for the values they run with, however often they run
(app/db.py, PLAN_CACHE_MODE), and for reading every row, even through a cursor
(CURSOR_TUPLE_FRACTION)."""

import uuid

import pytest
from sqlalchemy import text
from sqlmodel import Session

pytestmark = pytest.mark.once_on_postgresql


def test_a_statement_run_again_and_again_is_planned_for_its_own_values(db: Session) -> None:
    """A prepared statement (psycopg prepares one from its sixth run on a connection)
    is planned for the organisation it is run for, never once for any organisation: a
    plan blind to the values took the turnaround report from 0.6 s to over 30 s."""
    db.execute(
        text(
            "PREPARE recordings_of(uuid) AS "
            "SELECT count(*) FROM recording WHERE organisation_id = $1"
        )
    )
    organisation = uuid.uuid4()
    try:
        for _ in range(8):
            db.execute(text(f"EXECUTE recordings_of('{organisation}')"))
        explained = db.execute(text(f"EXPLAIN EXECUTE recordings_of('{organisation}')"))
        plan = "\n".join(explained.scalars())
    finally:
        # The connection goes back to the pool: it keeps nothing of this test.
        db.execute(text("DEALLOCATE recordings_of"))
    assert str(organisation) in plan
    assert "$1" not in plan


def test_a_cursor_is_planned_for_reading_every_row(db: Session) -> None:
    """A report streamed as CSV reads its statement through a server-side cursor, to the
    end: it is planned as the same statement is for JSON, not for its first rows soon
    (PostgreSQL's default)."""
    # A join of two tables of 100,000 rows, one indexed on the key: read whole, hashing
    # one side first is cheaper; read for its first tenth, looking each row up in the
    # index is (PostgreSQL's default plan for a cursor here).
    for table, order in (("left_side", "n"), ("right_side", "random()")):
        db.execute(
            text(
                f"CREATE TEMPORARY TABLE {table} AS SELECT n AS key, md5(n::text) AS word "
                f"FROM generate_series(1, 100000) AS n ORDER BY {order}"
            )
        )
    try:
        db.execute(text("CREATE INDEX ON right_side (key)"))
        db.execute(text("ANALYZE left_side"))
        db.execute(text("ANALYZE right_side"))
        query = (
            "SELECT left_side.word, right_side.word FROM left_side "
            "JOIN right_side ON right_side.key = left_side.key"
        )
        whole = db.execute(text(f"EXPLAIN {query}")).scalars().first()
        cursor = db.execute(text(f"EXPLAIN DECLARE rows CURSOR FOR {query}")).scalars().first()
    finally:
        db.execute(text("DROP TABLE left_side, right_side"))
    assert whole is not None and whole.startswith("Hash Join")
    assert cursor is not None and cursor.startswith("Hash Join")


def test_a_costly_statement_is_never_compiled(db: Session) -> None:
    """However large PostgreSQL estimates a report, it runs it without first compiling it
    to machine code (seconds where the reports take a fraction of one)."""
    costly = "SELECT count(*) FROM generate_series(1, 1000) a, generate_series(1, 1000000) b"
    plan = db.execute(text(f"EXPLAIN (FORMAT JSON) {costly}")).scalar_one()
    total_cost = plan[0]["Plan"]["Total Cost"]
    assert total_cost > float(db.execute(text("SHOW jit_above_cost")).scalar_one())
    assert "JIT" not in plan[0], plan[0].get("JIT")
