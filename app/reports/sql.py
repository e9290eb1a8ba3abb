"""SQL the reports share: tables of constants (months of a range, categories) and the
few functions SQLite and PostgreSQL spell differently, each written once for both."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Float,
    Integer,
    String,
    and_,
    case,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine
from sqlmodel import col

from app.models import ObservationScore
from app.models.base import UTCDateTime
from app.reports.period import DateRange, month_end


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


def constants(
    name: str, columns: Sequence[tuple[str, TypeEngine[Any]]], rows: Iterable[Sequence[Any]]
) -> CTE:
    """A small table of constants, written as SELECTs joined by UNION ALL (which SQLite and
    PostgreSQL both read; VALUES with column names they do not)."""
    selects = [
        select(
            *(
                literal(value, kind).label(column)
                for (column, kind), value in zip(columns, row, strict=True)
            )
        )
        for row in rows
    ]
    if len(selects) == 1:
        return selects[0].cte(name)
    return union_all(*selects).cte(name)


def _month_rows(days: DateRange) -> list[tuple[str, Any, Any]]:
    """(YYYY-MM, first instant, instant after the last) of each month the range touches,
    cut at the organisation's midnights."""
    rows = []
    first = days.first
    while first <= days.last:
        last = min(days.last, month_end(first))
        within = DateRange(first, last, days.zone)
        rows.append((first.strftime("%Y-%m"), within.starts_at, within.ends_at))
        first = last + timedelta(days=1)
    return rows


def months_of(days: DateRange, name: str = "report_month") -> CTE:
    """The calendar months a range touches, in the organisation's zone: `month` (YYYY-MM),
    and the instants `starts_at` (included) and `ends_at` (excluded) that bound its days
    within the range. Join an instant to it with `starts_at <= t < ends_at`: a month is
    cut by the organisation's midnights, whatever the clocks did, on both databases
    (neither needs to know the zone)."""
    return constants(
        name,
        [("month", String()), ("starts_at", UTCDateTime()), ("ends_at", UTCDateTime())],
        _month_rows(days),
    )


def month_of(days: DateRange, instant: ColumnElement[Any]) -> ColumnElement[str]:
    """The month (YYYY-MM, as `months_of` names it) of an instant within the range's days,
    as a CASE over the months' ends: the months are consecutive from the range's start, so
    the first that ends after the instant holds it. Grouping a period's 50,000 rows by it
    costs a third of a join to `months_of`, which compares every row with every month."""
    return case(
        *((instant < ends_at, literal(month, String())) for month, _, ends_at in _month_rows(days))
    )


def one_if(condition: ColumnElement[Any]) -> ColumnElement[int]:
    """1 where the condition holds, else 0: a flag that sums to a count on both databases."""
    return case((condition, 1), else_=0)


def level_given(score: type[ObservationScore]) -> ColumnElement[bool]:
    """A score that is a level given: neither N/A nor left unscored. `score`: the
    ObservationScore class or an alias of it."""
    return and_(col(score.level).is_not(None), col(score.not_applicable).is_(False))
