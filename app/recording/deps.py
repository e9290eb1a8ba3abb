"""Dependencies of the streaming routes (tus and the plain upload)."""

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.background import BackgroundTask

from app.auth.deps import bearer_scheme, get_caller
from app.config import SettingsDep
from app.jobs.kinds import JobContext, processing_key
from app.jobs.worker import run_after_response
from app.models import User
from app.storage import Storage


def streaming_user(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> User:
    """The caller, checked in a short transaction of its own: an upload may run for hours
    and must not hold a database connection all that time."""
    with Session(request.app.state.engine, expire_on_commit=False) as db:
        user = get_caller(request, db, settings, token).user
        db.commit()
    return user


StreamingUser = Annotated[User, Depends(streaming_user)]


def processing_task(
    request: Request, storage: Storage, recording_id: uuid.UUID
) -> BackgroundTask | None:
    """Processing after the response, so the client hears "complete" at once: the job the
    completing transaction queued (app/jobs), run here unless this process leaves its jobs
    to the workers."""
    settings = request.app.state.settings
    if not settings.work_after_response:
        return None
    context = JobContext(request.app.state.engine, storage, settings)
    return BackgroundTask(run_after_response, context, processing_key(recording_id))
