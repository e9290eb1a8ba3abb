"""Request and response shapes for organisations, members, assignments and programmes."""

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import BaseModel, EmailStr, Field, PrivateAttr, StringConstraints, field_validator

from app.models import Role
from app.models.organisation import AssignmentKind, RetentionBasis
from app.schemas import NOT_BLANK, JsonBool, JsonFloat, JsonInt, StrictModel, Trimmed, left_out

MAX_ATTRIBUTES = 10
"""Attributes a member may carry: enough to describe where they work, few enough to read."""

TEAM = "team"
"""Not an attribute name: the equity report groups by supervisor under this name."""

ATTRIBUTE_NAME = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
"""Lower-case words (letters, then letters or digits) joined by underscores."""
MAX_ATTRIBUTE_NAME = 40

AttributeName = Annotated[
    str, StringConstraints(max_length=MAX_ATTRIBUTE_NAME, pattern=ATTRIBUTE_NAME)
]
AttributeValue = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=NOT_BLANK), Trimmed
]


class MembershipSummary(BaseModel):
    organisation_id: uuid.UUID
    organisation_name: str
    membership_id: uuid.UUID
    roles: list[Role]
    is_champion: bool


class MeRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    memberships: list[MembershipSummary]


class OrganisationRead(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    time_zone: str
    retention_days: int | None
    retention_basis: RetentionBasis
    fidelity_threshold_percent: float
    time_tolerance_percent: float


class OrganisationUpdate(StrictModel):
    """Only the fields sent change; send retention_days as null to keep recordings."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = left_out()
    time_zone: Annotated[str, Field(max_length=64)] = left_out()
    retention_days: Annotated[JsonInt, Field(ge=1, le=36500)] | None = None
    retention_basis: RetentionBasis = left_out()
    fidelity_threshold_percent: Annotated[JsonFloat, Field(ge=0, le=100)] = left_out()
    # Ring-fenced time used below this share of its allocation by a period's end is eroded.
    time_tolerance_percent: Annotated[JsonFloat, Field(ge=0, le=100)] = left_out()

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value


class MemberRead(BaseModel):
    membership_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    roles: list[Role]
    is_champion: bool
    can_sign_in: bool
    attributes: dict[str, str] = Field(
        description="The member's attributes the organisation defines (locality, service...)."
    )


class MemberInvite(StrictModel):
    email: EmailStr
    display_name: str = Field(default="", max_length=200)
    roles: list[Role] = Field(min_length=1)
    is_champion: JsonBool = False


class MemberUpdate(StrictModel):
    roles: list[Role] | None = Field(default=None, min_length=1)
    is_champion: JsonBool | None = None


class MemberAttributes(StrictModel):
    """A member's whole set of attributes: what is sent replaces what was held."""

    attributes: dict[AttributeName, AttributeValue] = Field(
        max_length=MAX_ATTRIBUTES,
        description=f"Up to {MAX_ATTRIBUTES} attributes: names are lower-case words joined by "
        "underscores (at most 40 characters, `team` excepted), values text of at most 100.",
    )

    @field_validator("attributes")
    @classmethod
    def _not_team(cls, attributes: dict[str, str]) -> dict[str, str]:
        if TEAM in attributes:
            raise ValueError(f"{TEAM!r} is not an attribute: the team is who supervises")
        return attributes


class AttributeInUse(BaseModel):
    name: str
    values: list[str] = Field(description="The values members hold, in alphabetical order.")


class InvitationRead(BaseModel):
    """A pending invitation as the lead sees it: what they chose, never whether the email
    already has an account elsewhere."""

    id: uuid.UUID
    email: str
    display_name: str
    roles: list[Role]
    is_champion: bool
    invited_by_user_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime


class InvitationIssued(BaseModel):
    invitation: InvitationRead
    # Only when the invitation could not be emailed: then the lead passes the link on.
    invitation_url: str | None
    invitation_emailed: bool
    # The link itself, for the email; never part of the answer.
    _link: str = PrivateAttr(default="")


class AssignmentCreate(StrictModel):
    kind: AssignmentKind
    staff_user_id: uuid.UUID
    practitioner_user_id: uuid.UUID


class AssignmentRead(BaseModel):
    id: uuid.UUID
    kind: AssignmentKind
    staff_user_id: uuid.UUID
    practitioner_user_id: uuid.UUID
    created_at: datetime


class AuditEventRead(BaseModel):
    """An event of the audit trail; its fields in this order are the CSV's columns."""

    created_at: datetime
    actor_user_id: uuid.UUID | None
    actor_email: str | None = Field(description="Who acted (none for the system's own work).")
    actor_name: str | None
    action: str
    resource_type: str = Field(description="The kind of target: recording, membership...")
    resource_id: str | None
    details: dict[str, Any] = Field(description="What changed; in CSV, as JSON text.")
    ip_address: str | None
    request_id: str | None
    id: uuid.UUID
