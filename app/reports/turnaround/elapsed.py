"""Whole seconds between two instants, the same on SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class elapsed_seconds(FunctionElement[int]):  # noqa: N801 (an SQL function's name)
    """Seconds from the first instant to the second, rounded to the nearest: whole numbers
    rank and divide exactly on both databases, where fractions of a day would not."""

    type = BigInteger()
    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(argument, **kw) for argument in element.clauses]


@compiles(elapsed_seconds, "sqlite")
def _seconds_sqlite(element: elapsed_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arguments(element, compiler, **kw)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


@compiles(elapsed_seconds, "postgresql")
def _seconds_postgresql(element: elapsed_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arguments(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"
