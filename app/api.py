"""The /api/v1 router: every domain router, included once."""

from fastapi import APIRouter

from app.auth.oidc_router import router as oidc_router
from app.auth.router import router as auth_router
from app.organisation.router import me_router
from app.organisation.router import router as organisation_router
from app.programme.router import router as programme_router
from app.rubric.router import router as rubric_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth_router)
api_router.include_router(oidc_router)
api_router.include_router(me_router)
api_router.include_router(organisation_router)
api_router.include_router(programme_router)
api_router.include_router(rubric_router)
