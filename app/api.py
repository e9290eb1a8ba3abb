"""The API: every domain router, included once under /api/v1."""

from fastapi import APIRouter, FastAPI

from app.auth.oidc_router import router as oidc_router
from app.auth.password_reset_router import router as password_reset_router
from app.auth.router import router as auth_router
from app.booking.availability_router import router as availability_router
from app.booking.calendar_router import router as calendar_router
from app.booking.router import router as booking_router
from app.notifications.router import router as notifications_router
from app.organisation.router import me_router
from app.organisation.router import router as organisation_router
from app.programme.router import router as programme_router
from app.recording.router import link_router as media_link_router
from app.recording.router import router as recording_router
from app.recording.tus import router as upload_router
from app.reports.coverage.router import router as coverage_report_router
from app.reports.equity.router import router as equity_report_router
from app.reports.fidelity.router import router as fidelity_report_router
from app.reports.rater_agreement.router import router as agreement_report_router
from app.reports.router import router as unknown_report_router
from app.reports.turnaround.router import router as turnaround_report_router
from app.review.agreement_report.router import router as agreement_router
from app.review.calibration.router import router as calibration_router
from app.review.comments_router import router as comments_router
from app.review.fidelity.router import router as fidelity_router
from app.review.objectives.router import router as objectives_router
from app.review.observations.router import router as observations_router
from app.review.reflections_router import router as reflections_router
from app.review.settings.router import router as review_settings_router
from app.ringfenced.router import router as ringfenced_router
from app.routing import API_PREFIX
from app.rubric.router import router as rubric_router

# In the order a request tries them.
DOMAIN_ROUTERS: tuple[APIRouter, ...] = (
    auth_router,
    password_reset_router,
    oidc_router,
    me_router,
    organisation_router,
    programme_router,
    rubric_router,
    recording_router,
    media_link_router,
    upload_router,
    comments_router,
    reflections_router,
    observations_router,
    review_settings_router,
    fidelity_router,
    objectives_router,
    agreement_router,
    calibration_router,
    calendar_router,
    booking_router,
    availability_router,
    ringfenced_router,
    notifications_router,
    turnaround_report_router,
    agreement_report_router,
    coverage_report_router,
    equity_report_router,
    fidelity_report_router,
    # Last: a report name no router above answers is a 404 naming the reports there are.
    unknown_report_router,
)


def include_api(app: FastAPI) -> None:
    """Each domain router straight into the app under the prefix, not into an /api/v1
    router included in turn: FastAPI totals the versions of every router below the one
    it matches in on each request, so one router holding the others made every request
    walk all their routes twice (~10 % of `/me`, bench/README "Routes found without the
    walk")."""
    for router in DOMAIN_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
