"""The few SQL functions the time report needs that SQLite and PostgreSQL spell
differently, each written once for both."""

from typing import Any

from sqlalchemy import ColumnElement, Date, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class duration(FunctionElement[Any]):  # noqa: N801 (an SQL function's name)
    """The time from the first instant to the second, in a form that sums: an interval on
    PostgreSQL, days as a real number on SQLite. `whole_minutes` reads a sum of them."""

    type = Float()
    inherit_cache = True


class whole_minutes(FunctionElement[int]):  # noqa: N801
    """A `duration` (or a sum of them) in whole minutes, rounded to the nearest."""

    type = Integer()
    inherit_cache = True


class days_between(FunctionElement[int]):  # noqa: N801
    """Days from the first date to the second (0 for the same day)."""

    type = Integer()
    inherit_cache = True


class later(FunctionElement[Any]):  # noqa: N801
    """The later of two dates."""

    type = Date()
    inherit_cache = True


class earlier(FunctionElement[Any]):  # noqa: N801
    """The earlier of two dates."""

    type = Date()
    inherit_cache = True


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(argument, **kw) for argument in element.clauses]


@compiles(duration, "sqlite")
def _duration_sqlite(element: duration, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arguments(element, compiler, **kw)
    return f"(julianday({end}) - julianday({start}))"


@compiles(duration, "postgresql")
def _duration_postgresql(element: duration, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arguments(element, compiler, **kw)
    return f"({end} - {start})"


@compiles(whole_minutes, "sqlite")
def _minutes_sqlite(element: whole_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    (days,) = _arguments(element, compiler, **kw)
    return f"CAST(ROUND({days} * 1440) AS INTEGER)"


@compiles(whole_minutes, "postgresql")
def _minutes_postgresql(element: whole_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    (interval,) = _arguments(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM {interval}) / 60) AS INTEGER)"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, last = _arguments(element, compiler, **kw)
    return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, last = _arguments(element, compiler, **kw)
    return f"({last} - {first})"


@compiles(later, "sqlite")
def _later_sqlite(element: later, compiler: SQLCompiler, **kw: Any) -> str:
    return "max({}, {})".format(*_arguments(element, compiler, **kw))


@compiles(later, "postgresql")
def _later_postgresql(element: later, compiler: SQLCompiler, **kw: Any) -> str:
    return "GREATEST({}, {})".format(*_arguments(element, compiler, **kw))


@compiles(earlier, "sqlite")
def _earlier_sqlite(element: earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return "min({}, {})".format(*_arguments(element, compiler, **kw))


@compiles(earlier, "postgresql")
def _earlier_postgresql(element: earlier, compiler: SQLCompiler, **kw: Any) -> str:
    return "LEAST({}, {})".format(*_arguments(element, compiler, **kw))


def day_count(first: ColumnElement[Any], last: ColumnElement[Any]) -> ColumnElement[int]:
    """Days from `first` to `last`, both included."""
    return days_between(first, last) + 1
