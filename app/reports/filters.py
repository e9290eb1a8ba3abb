"""What every report is asked for: its days, the people and programme it is narrowed to,
and the format. A query parameter the report does not know is refused (422), so a typo in
a filter never passes for a report of everyone."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.access.reports import PeopleFilters
from app.errors import Unprocessable
from app.reports.csv import wants_csv
from app.schemas import IsoDate

FirstDay = Annotated[IsoDate | None, Query(alias="from", description="First day (included).")]
LastDay = Annotated[IsoDate | None, Query(alias="to", description="Last day (included).")]
Format = Annotated[
    Literal["json", "csv"] | None,
    Query(alias="format", description="csv: every row as CSV (or send Accept: text/csv)."),
]


@dataclass(frozen=True)
class ReportFilters(PeopleFilters):
    first_day: IsoDate | None = None
    last_day: IsoDate | None = None
    csv: bool = False


async def _report_filters(
    request: Request,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    programme_id: uuid.UUID | None = None,
    supervisor_user_id: uuid.UUID | None = None,
    coach_user_id: uuid.UUID | None = None,
    practitioner_user_id: uuid.UUID | None = None,
    report_format: Format = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> ReportFilters:
    # async: reading parameters needs no trip to the thread pool.
    refuse_unknown_parameters(request)
    return ReportFilters(
        programme_id=programme_id,
        supervisor_user_id=supervisor_user_id,
        coach_user_id=coach_user_id,
        practitioner_user_id=practitioner_user_id,
        first_day=first_day,
        last_day=last_day,
        csv=wants_csv(report_format, accept),
    )


ReportFiltersDep = Annotated[ReportFilters, Depends(_report_filters)]


def refuse_unknown_parameters(request: Request, *, of: str = "this report") -> None:
    """422 for a query parameter the route does not declare (`of`: what the message calls
    the list it filters)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Unprocessable(
            f"{unknown[0]}: not a filter of {of}; it takes {', '.join(sorted(known))}.",
            code="unknown_filter",
        )


def _query_names(route: APIRoute) -> frozenset[str]:
    """The query parameters the route declares, its dependencies' included (worked out
    on the route's first request and kept on it)."""
    known: frozenset[str] | None = getattr(route, "known_query_names", None)
    if known is None:
        known = _declared_query_names(route)
        route.known_query_names = known  # type: ignore[attr-defined]
    return known


def _declared_query_names(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)
