"""What answers a report name nobody has built: a 404 naming the reports there are.

Each report's own route is registered before this one (app/api.py)."""

from typing import NoReturn

from app.access import MemberDep
from app.errors import NotFound
from app.routing import TandemRouter

REPORTS = ("agreement", "coverage", "equity", "fidelity", "time", "turnaround")

router = TandemRouter(prefix="/organisations/{organisation_id}/reports", tags=["reports"])


@router.get("/{report_name}", include_in_schema=False, response_model=None)
async def unknown_report(report_name: str, member: MemberDep) -> NoReturn:
    raise NotFound(
        f"No report is called {report_name[:40]!r}; the reports are {', '.join(REPORTS)}.",
        code="unknown_report",
    )
