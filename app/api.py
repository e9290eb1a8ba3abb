"""The /api/v1 router: every domain router, included once."""

from fastapi import APIRouter

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
from app.rubric.router import router as rubric_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth_router)
api_router.include_router(password_reset_router)
api_router.include_router(oidc_router)
api_router.include_router(me_router)
api_router.include_router(organisation_router)
api_router.include_router(programme_router)
api_router.include_router(rubric_router)
api_router.include_router(recording_router)
api_router.include_router(media_link_router)
api_router.include_router(upload_router)
api_router.include_router(comments_router)
api_router.include_router(reflections_router)
api_router.include_router(observations_router)
api_router.include_router(review_settings_router)
api_router.include_router(fidelity_router)
api_router.include_router(objectives_router)
api_router.include_router(agreement_router)
api_router.include_router(calibration_router)
api_router.include_router(calendar_router)
api_router.include_router(booking_router)
api_router.include_router(availability_router)
api_router.include_router(ringfenced_router)
api_router.include_router(notifications_router)
api_router.include_router(turnaround_report_router)
api_router.include_router(agreement_report_router)
api_router.include_router(coverage_report_router)
api_router.include_router(equity_report_router)
api_router.include_router(fidelity_report_router)
# Last: a report name no router above answers is a 404 naming the reports there are.
api_router.include_router(unknown_report_router)
