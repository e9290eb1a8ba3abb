"""Base shapes shared by every domain's request and response models."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
)
from sqlalchemy.sql.selectable import GenerativeSelect

# A list's offset: beyond any real list, and far inside a 64-bit integer (the database's).
MAX_OFFSET = 1_000_000
PageOffset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]

# Every list answers one page: a JSON array of at most `limit` items from `offset` on. A
# page shorter than `limit` is the last one.
MAX_PAGE_SIZE = 500
PageLimit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description="At most this many items; page on with offset."),
]
DEFAULT_PAGE_SIZE = 100

Statement = TypeVar("Statement", bound=GenerativeSelect)


@dataclass(frozen=True)
class Page:
    """One page of a list: at most `limit` items from `offset` on."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    def of(self, statement: Statement) -> Statement:
        """The statement limited to this page; it must be ordered by a unique key."""
        return statement.limit(self.limit).offset(self.offset)


async def _page(limit: PageLimit = DEFAULT_PAGE_SIZE, offset: PageOffset = 0) -> Page:
    # async: two numbers need no trip to the thread pool.
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(_page)]


class StrictModel(BaseModel):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# A body's numbers and booleans are JSON's own: pydantic's lax mode would also take "3",
# 3.0 or true for 3, and 0, 1, "yes" or "off" for a boolean, none of which the schema allows.
JsonInt = Annotated[int, Strict()]
JsonFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
JsonBool = Annotated[bool, Strict()]


def _in_utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # past year 9999 in UTC: the range check refuses it, naming the field
        return moment


# A moment sent with an offset, taken in UTC as it is stored and answered: an answer
# built straight from what was sent otherwise echoes the sender's offset (+01:00, +05:30)
# where every later read says UTC.
UtcMoment = Annotated[AwareDatetime, AfterValidator(_in_utc)]

# Far beyond any recording, and still inside a 32-bit integer column on every database.
MAX_MS = 2**31 - 1
Milliseconds = Annotated[JsonInt, Field(ge=0, le=MAX_MS)]

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: object) -> object:
    # Lax mode reads 0 and "0" as 1970-01-01 and takes a date-time for a date.
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


# A date as JSON Schema's `format: date` writes it (RFC 3339 full-date), in a body or a query.
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]

# Text stored trimmed. Its limits count the text as sent, as the schema says, and text of
# whitespace alone is refused by a pattern the schema shows too. The pattern and the trim
# share one set of whitespace, which JSON Schema, Python and pydantic's regex engine read
# alike (their \s differ at the edges).
WHITESPACE = " \t\n\r\f\v"
NOT_BLANK = r"[^ \t\n\r\f\v]"


def _trim(value: str) -> str:
    return value.strip(WHITESPACE)


Trimmed = AfterValidator(_trim)


def left_out() -> Any:
    """The default of an update's field that may be left out but never sent as null (what
    it holds cannot be cleared): the schema gives its type alone, and a field left out is
    not in `model_fields_set`."""
    return Field(default=None, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
