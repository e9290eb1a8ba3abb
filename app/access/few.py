"""`among_few`: a key column within a set of ids known to be small, the set found first.

PostgreSQL plans `id IN (subquery)` as a semi-join and may scan the whole table to do it,
testing the rest of a rule on every row: the blind rule (observations.py) read the
organisation's 50,000 recordings that way in every report statement (30-50 ms each), to
keep none of them for a lead. `id = ANY(ARRAY(subquery))` makes the subquery an InitPlan
run once, then the table is probed by its primary key for those few ids, and the rest of
the rule is tested on them alone. SQLite already plans `IN` that way.
"""

from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class _among_few(FunctionElement[bool]):  # noqa: N801 (an SQL construct's name)
    # No Boolean type: SQLite, without a native one, would compare the whole test to 1
    # and no longer plan `IN` as a lookup.
    inherit_cache = True


def among_few(
    column: ColumnElement[Any] | Mapped[Any], ids: Select[Any] | CompoundSelect[Any]
) -> ColumnElement[bool]:
    """`column IN (ids)`, written so that PostgreSQL finds `ids` before the table's rows."""
    return _among_few(column, ids.scalar_subquery())


def _arguments(element: _among_few, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    column, ids = (compiler.process(argument, **kw) for argument in element.clauses)
    return column, ids


@compiles(_among_few)
def _among_few_default(element: _among_few, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = _arguments(element, compiler, **kw)
    return f"({column} IN {ids})"


@compiles(_among_few, "postgresql")
def _among_few_postgresql(element: _among_few, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = _arguments(element, compiler, **kw)
    return f"({column} = ANY(ARRAY{ids}))"
