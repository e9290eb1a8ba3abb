"""Recordings: list, plain upload, details, media, poster, consent and second raters."""

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlmodel import Session

from app.access import member_of
from app.access.recordings import (
    RecordingAccessDep,
    RecordingConversationDep,
    RecordingManagerDep,
    recording_access,
)
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.metrics import Metrics
from app.models import User
from app.recording import erasure, grants, playback, service, unread
from app.recording.deps import StreamingUser, processing_task
from app.recording.filters import RecordingFiltersDep
from app.recording.form_upload import receive_form
from app.recording.schemas import (
    AccessGrantCreate,
    AccessGrantRead,
    ConsentWithdrawal,
    RecordingRead,
    SeenRead,
)
from app.recording.streaming import blocking
from app.request_guard import reads_own_body
from app.routing import TandemRouter
from app.schemas import NOT_BLANK, PageDep
from app.storage import StorageDep

router = TandemRouter(prefix="/recordings", tags=["recordings"])
# The short-lived links /media redirects to (media_links.py): no sign-in, the link is
# the credential.
link_router = TandemRouter(prefix="/media", tags=["recordings"])

FORM_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["consent", "consent_scope", "file"],
                    "properties": {
                        "organisation_id": {"type": "string", "format": "uuid"},
                        "title": {"type": "string", "maxLength": 200, "pattern": NOT_BLANK},
                        "consent": {"type": "string", "enum": ["obtained"]},
                        "consent_scope": {
                            "type": "string",
                            "enum": ["coaching", "coaching_and_training"],
                        },
                        "consent_method": {"type": "string", "enum": ["written", "verbal"]},
                        "recorded_at": {"type": "string"},
                        "programme_id": {"type": "string", "format": "uuid"},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


def _media_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    binary = {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types
    }
    text = {"schema": {"type": "string"}}
    return {
        200: {"description": "The whole file.", "content": binary},
        206: {
            "description": "The bytes a Range header asked for.",
            "content": binary,
            "headers": {"Content-Range": {**text, "required": True}},
        },
        307: {
            "description": "On S3, or with `redirect=true`: a short-lived URL to fetch the "
            "file from, with Range support, for the many requests of one viewing.",
            "headers": {"Location": {**text, "required": True}},
        },
        **error_responses(400, 403, 409, 410, 416),
    }


@router.get("", response_model=list[RecordingRead], responses=error_responses(404))
def list_recordings(
    organisation_id: uuid.UUID,
    user: CurrentUser,
    db: SessionDep,
    filters: RecordingFiltersDep,
    page: PageDep,
) -> list[RecordingRead]:
    """Recordings of an organisation the caller may see, newest first: their own, those of
    the practitioners they coach or supervise, those shared with them; leads see all.
    Narrowed by `status`, `practitioner_user_id`, `programme_id`, the days recorded on
    (`from`, `to`, both included, in the organisation's calendar) and `search` (words in the
    title). Each names its practitioner and coaches and counts the caller's unread comments."""
    member = member_of(db, user=user, organisation_id=organisation_id)
    return service.list_recordings(db, member=member, filters=filters, page=page)


@router.post(
    "",
    status_code=201,
    response_model=RecordingRead,
    openapi_extra=FORM_SCHEMA,
    responses=error_responses(403, 404, 415, 507),
)
@reads_own_body()
async def upload_recording(
    request: Request, user: StreamingUser, storage: StorageDep, settings: SettingsDep
) -> Response:
    """Upload a small recording in one multipart/form-data request (fields before the
    file; consent=obtained and consent_scope are required). Large files: use tus."""
    engine = request.app.state.engine
    metrics: Metrics = request.app.state.metrics
    with metrics.uploads_receiving.track_inprogress():
        recording = await receive_form(
            request, engine=engine, storage=storage, settings=settings, user=user
        )
    metrics.upload_bytes.inc(recording.size_bytes or 0)
    body = await _read_one(engine, user, recording.id)
    return Response(
        body.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/api/v1/recordings/{recording.id}"},
        background=processing_task(request, storage, recording.id),
    )


async def _read_one(engine: Any, user: User, recording_id: uuid.UUID) -> RecordingRead:
    def read() -> RecordingRead:
        with Session(engine) as db:
            access = recording_access(db, user=user, recording_id=recording_id)
            return service.access_read(db, access)

    return await blocking(read)


@router.get("/{recording_id}", response_model=RecordingRead)
def read_recording(access: RecordingAccessDep, db: SessionDep) -> RecordingRead:
    """A recording's details: status, size, sha256, media type, duration, consent."""
    return service.access_read(db, access)


@router.get(
    "/{recording_id}/media",
    response_class=Response,
    responses=_media_responses("video/*", "audio/*", "application/octet-stream"),
)
def read_media(
    access: RecordingAccessDep,
    request: Request,
    db: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    redirect: Annotated[
        bool,
        Query(
            description="Redirect (307) to a short-lived link rather than stream from here: "
            "a player's seeks then skip the sign-in and access checks. Always so on S3."
        ),
    ] = False,
) -> Response:
    """The media: streamed with Range support, or a redirect to a short-lived URL."""
    return playback.media_response(
        db, storage, settings, access=access, request=request, redirect=redirect
    )


@link_router.get(
    "/{token}",
    response_class=Response,
    responses={
        **{
            status: answer
            for status, answer in _media_responses("video/*", "audio/*").items()
            if status in (200, 206, 400, 416)
        },
        **error_responses(403, 404, 410),
    },
)
async def read_linked_media(token: str, storage: StorageDep, settings: SettingsDep) -> Response:
    """The media a short-lived link from `/recordings/{id}/media?redirect=true` names,
    with Range support, until the link expires (then 403 `link_expired`: ask for the
    media again). Async: it needs no database and no thread, so seeks stay cheap."""
    return playback.linked_media_response(token, storage, settings)


@router.get(
    "/{recording_id}/poster", response_class=Response, responses=_media_responses("image/jpeg")
)
def read_poster(
    access: RecordingAccessDep,
    request: Request,
    db: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> Response:
    """A JPEG frame from the video, for lists and players."""
    return playback.media_response(
        db, storage, settings, access=access, request=request, poster=True
    )


@router.put("/{recording_id}/seen", response_model=SeenRead)
def mark_seen(access: RecordingConversationDep, db: SessionDep) -> SeenRead:
    """The caller has read the recording's conversation up to now: its comments stop
    counting as unread for them (the review screen calls this when it opens)."""
    return SeenRead(recording_id=access.recording.id, seen_at=unread.mark_seen(db, access=access))


@router.post(
    "/{recording_id}/consent/withdraw", response_model=RecordingRead, responses=error_responses(409)
)
def withdraw_consent(
    access: RecordingAccessDep,
    body: ConsentWithdrawal,
    context: AuditContextDep,
    db: SessionDep,
    storage: StorageDep,
) -> RecordingRead:
    """The family withdrew consent: the media are erased now; the record stays (owner or
    lead)."""
    erasure.withdraw_consent(db, storage, access=access, reason=body.reason, context=context)
    return service.access_read(db, access)


@router.delete("/{recording_id}", response_model=RecordingRead, responses=error_responses(409))
def delete_recording(
    access: RecordingAccessDep, context: AuditContextDep, db: SessionDep, storage: StorageDep
) -> RecordingRead:
    """Delete a recording: the media are erased now; the record of the session stays,
    marked deleted (owner or lead)."""
    erasure.delete_recording(db, storage, access=access, context=context)
    return service.access_read(db, access)


@router.get(
    "/{recording_id}/access-grants",
    response_model=list[AccessGrantRead],
    responses=error_responses(403),
)
def list_access_grants(
    access: RecordingAccessDep, db: SessionDep, page: PageDep
) -> list[AccessGrantRead]:
    """Who else may see this recording's media, oldest grant first (leads)."""
    rows = grants.list_grants(db, access=access, page=page)
    return [AccessGrantRead.model_validate(row, from_attributes=True) for row in rows]


@router.post(
    "/{recording_id}/access-grants",
    response_model=AccessGrantRead,
    status_code=201,
    responses={
        200: {"model": AccessGrantRead, "description": "The person's grant, with new terms."},
        **error_responses(409),
    },
)
def grant_access(
    access: RecordingManagerDep,
    body: AccessGrantCreate,
    context: AuditContextDep,
    db: SessionDep,
    response: Response,
) -> AccessGrantRead:
    """Let a coach, lead or guest reviewer see this recording's media (leads), until
    `expires_at` if given (a guest's must be). A lead granting themselves access gives a
    reason, which the practitioner is shown. Granting someone who holds a grant already
    sets its new end and reason (200): that is how access is extended."""
    grant, created = grants.grant_access(db, access=access, body=body, context=context)
    if not created:
        response.status_code = 200
    return AccessGrantRead.model_validate(grant, from_attributes=True)


@router.delete("/{recording_id}/access-grants", status_code=204)
def revoke_access(
    access: RecordingAccessDep, user_id: uuid.UUID, context: AuditContextDep, db: SessionDep
) -> Response:
    """Take a person's access to this recording's media away again (leads)."""
    grants.revoke_access(db, access=access, user_id=user_id, context=context)
    return Response(status_code=204)
