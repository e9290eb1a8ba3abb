"""What a recordings list is narrowed to: status, practitioner, programme, the days it was
recorded on and words in its title. Every filter only narrows the list the access rule
gives (app/access/recordings.py), so none can show a recording the caller may not see; a
query parameter the list does not know is refused (422), so a typo never passes for
"everything"."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, func
from sqlmodel import col

from app.models import Recording, RecordingStatus
from app.reports.filters import FirstDay, LastDay, refuse_unknown_parameters
from app.reports.period import check_days, local_midnight
from app.schemas import WHITESPACE


@dataclass(frozen=True)
class RecordingFilters:
    status: RecordingStatus | None = None
    practitioner_user_ids: tuple[uuid.UUID, ...] = ()
    programme_id: uuid.UUID | None = None
    # Days of the organisation's calendar, both included.
    first_day: date | None = None
    last_day: date | None = None
    search: str | None = None


async def _recording_filters(
    request: Request,
    status: RecordingStatus | None = None,
    practitioner_user_id: Annotated[
        uuid.UUID | None, Query(description="Only this practitioner's recordings.")
    ] = None,
    owner_user_id: Annotated[
        uuid.UUID | None,
        Query(description="The same as practitioner_user_id (its former name).", deprecated=True),
    ] = None,
    programme_id: Annotated[
        uuid.UUID | None, Query(description="Only recordings of this programme.")
    ] = None,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    search: Annotated[
        str | None,
        Query(max_length=200, description="Words in the title (case does not matter)."),
    ] = None,
) -> RecordingFilters:
    # async: reading parameters needs no trip to the thread pool.
    refuse_unknown_parameters(request, of="the recordings list")
    check_days(first_day, last_day)
    practitioners = tuple({p for p in (practitioner_user_id, owner_user_id) if p is not None})
    return RecordingFilters(
        status=status,
        practitioner_user_ids=practitioners,
        programme_id=programme_id,
        first_day=first_day,
        last_day=last_day,
        search=(search or "").strip(WHITESPACE) or None,
    )


RecordingFiltersDep = Annotated[RecordingFilters, Depends(_recording_filters)]


def conditions(filters: RecordingFilters, zone: ZoneInfo) -> list[ColumnElement[bool]]:
    """The filters as SQL on Recording; days are read in the organisation's zone `zone`."""
    wanted: list[ColumnElement[bool]] = []
    if filters.status is not None:
        wanted.append(col(Recording.status) == filters.status)
    # Two names for the practitioner that disagree name nobody: both apply.
    wanted += [col(Recording.owner_user_id) == p for p in filters.practitioner_user_ids]
    if filters.programme_id is not None:
        wanted.append(col(Recording.programme_id) == filters.programme_id)
    # The day a list shows: when it was recorded, or else when it was uploaded.
    day = func.coalesce(col(Recording.recorded_at), col(Recording.created_at))
    if filters.first_day is not None:
        wanted.append(day >= local_midnight(filters.first_day, zone))
    if filters.last_day is not None:
        wanted.append(day < local_midnight(filters.last_day + timedelta(days=1), zone))
    if filters.search is not None:
        wanted.append(col(Recording.title).icontains(filters.search, autoescape=True))
    return wanted
