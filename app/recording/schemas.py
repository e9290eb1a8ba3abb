"""Request and response shapes of recordings and uploads."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, ValidationError

from app.errors import Unprocessable
from app.models.recording import ConsentMethod, ConsentScope
from app.request_guard import require_storable
from app.schemas import NOT_BLANK, StrictModel, Trimmed, UtcMoment

CONSENT_REQUIRED = (
    "A recording needs the family's consent: send consent=obtained and consent_scope "
    "(coaching or coaching_and_training), and optionally consent_method (written or verbal)."
)


class RecordingIntent(BaseModel):
    """What the uploader tells us about a new recording (tus Upload-Metadata or form fields)."""

    organisation_id: uuid.UUID | None = None
    title: Annotated[str, StringConstraints(max_length=200, pattern=NOT_BLANK), Trimmed]
    filename: str | None = Field(default=None, max_length=500)
    filetype: str | None = Field(default=None, max_length=200)
    consent: Literal["obtained"]
    consent_scope: ConsentScope
    consent_method: ConsentMethod | None = None
    # A date, or a date and time; without a zone it is read in the organisation's zone.
    recorded_at: datetime | date | None = None
    programme_id: uuid.UUID | None = None

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> "RecordingIntent":
        """Validate raw string fields, refusing a missing consent with a clear message."""
        require_storable(fields, "metadata")
        if fields.get("consent") != "obtained" or not fields.get("consent_scope"):
            raise Unprocessable(CONSENT_REQUIRED, code="consent_required")
        values: dict[str, str] = {key: value for key, value in fields.items() if value != ""}
        if "title" not in values:
            values["title"] = values.get("filename") or "Untitled recording"
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
                for item in error.errors()
            )
            raise Unprocessable(problems, code="invalid_metadata") from None


class ConsentRead(BaseModel):
    obtained_by: uuid.UUID | None
    obtained_at: datetime
    method: str | None
    scope: str
    withdrawn_at: datetime | None


class AccessGrantCreate(StrictModel):
    """A grant, or new terms for the person's grant if they hold one already."""

    user_id: uuid.UUID
    # Required when a lead grants themselves access: the practitioner is shown it.
    reason: str = Field(default="", max_length=500)
    expires_at: UtcMoment | None = Field(
        default=None,
        description="When the access ends: required for a guest reviewer, optional for "
        "coaches and leads; in the future and at most 365 days ahead.",
    )


class AccessGrantRead(BaseModel):
    id: uuid.UUID
    recording_id: uuid.UUID
    user_id: uuid.UUID
    granted_by_user_id: uuid.UUID | None
    reason: str
    # After this moment the grant counts as none (null: until a lead removes it).
    expires_at: datetime | None
    created_at: datetime


class PersonName(BaseModel):
    user_id: uuid.UUID
    name: str


class RecordingRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    owner_user_id: uuid.UUID
    programme_id: uuid.UUID | None
    title: str
    recorded_at: datetime | None
    status: str
    rejection_reason: str | None
    size_bytes: int | None
    sha256: str | None
    media_type: str | None
    container: str | None
    video_codec: str | None
    audio_codec: str | None
    duration_seconds: float | None
    width: int | None
    height: int | None
    has_video: bool | None
    has_audio: bool | None
    consent: ConsentRead | None = Field(
        description="The family's consent as recorded (null for a guest reviewer)."
    )
    created_at: datetime
    uploaded_at: datetime | None
    retention_until: datetime | None
    deleted_at: datetime | None = None
    deleted_reason: str | None = Field(
        default=None,
        description="Why the media were erased: `consent_withdrawn`, `deleted` (by the "
        "practitioner or a lead) or `retention`.",
    )
    # Whether this caller may play the media and see the poster frame.
    can_view_media: bool
    media_url: str | None
    poster_url: str | None
    # Who else a lead let watch the media, and why: shown to the practitioner and leads
    # (None for everyone else).
    access_grants: list[AccessGrantRead] | None = None
    # When the caller's own access grant to this recording ends (None: they hold no grant,
    # or one without an end). A guest reviewer's access ends then.
    grant_expires_at: datetime | None = None
    practitioner_name: str | None = Field(
        default=None, description="Whose recording it is (not told to guest reviewers)."
    )
    coaches: list[PersonName] | None = Field(
        default=None,
        description="The practitioner's coaches, alphabetically (not told to guest reviewers).",
    )
    unread_comments: int | None = Field(
        default=None,
        description="Comments by others the caller may read and has not seen since they last "
        "opened the recording (PUT .../seen); null when they take no part in its conversation.",
    )


class SeenRead(BaseModel):
    recording_id: uuid.UUID
    # Comments by others made after this moment are unread for the caller.
    seen_at: datetime


class ConsentWithdrawal(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class UploadRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    offset: int
    length: int
    expires_at: datetime
    completed: bool
    # Set once every byte has arrived; follow it to see processing (status) and the media.
    recording_id: uuid.UUID | None
