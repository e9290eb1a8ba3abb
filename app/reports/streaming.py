"""Every row of a report, read from the database while the CSV is being sent, a batch at
a time, so 50,000 rows take the memory of one batch.

The request's session is closed once the endpoint returns, before the body is sent, so
the rows are read in a session of their own, opened when the first row is wanted and
closed after the last (or when the client goes away). Everything that can refuse the
request (filters, scope, period) is checked before: the statement handed over here is
complete and runs as it is.

On PostgreSQL `yield_per` reads through a server-side cursor (psycopg's named cursor):
the server sends BATCH_ROWS rows at a time. SQLite has no such cursor and needs none:
its driver steps through the statement as rows are fetched, so it never holds the
result either; SQLAlchemy fetches BATCH_ROWS at a time from it.
"""

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Row, Select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

BATCH_ROWS = 1000

RowModel = TypeVar("RowModel", bound=BaseModel)


def streamed_rows(
    db: Session, statement: Select[Any], *, shape: Callable[[Row[Any]], RowModel]
) -> Iterator[RowModel]:
    """The statement's rows as models, read lazily in a session of their own on the
    request's database (for `csv_response`)."""
    return _rows(db.get_bind(), statement, shape)


def _rows(
    bind: Engine | Connection, statement: Select[Any], shape: Callable[[Row[Any]], RowModel]
) -> Iterator[RowModel]:
    with Session(bind) as session:
        result = session.execute(statement, execution_options={"yield_per": BATCH_ROWS})
        for row in result:
            yield shape(row)
