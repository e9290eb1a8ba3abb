"""Recordings: creation with consent, reading, listing and second-rater grants."""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.access import Member, member_of, roles_by_membership, scoped
from app.access.recordings import (
    RecordingAccess,
    media_viewable,
    names_people,
    shows_consent,
    visible_recordings,
)
from app.audit import service as audit
from app.audit.context import SYSTEM, AuditContext
from app.errors import Forbidden, NotFound, Unprocessable
from app.models import (
    ConsentRecord,
    Membership,
    Organisation,
    Programme,
    Recording,
    RecordingStatus,
    Role,
    User,
)
from app.models.base import utcnow
from app.models.organisation import RetentionBasis
from app.recording.filters import RecordingFilters, conditions
from app.recording.grants import grants_shown, own_grant_expiries
from app.recording.people import People, people_of
from app.recording.schemas import AccessGrantRead, ConsentRead, RecordingIntent, RecordingRead
from app.recording.unread import unread_counts
from app.schemas import Page

API_PREFIX = "/api/v1/recordings"


def original_key(organisation_id: uuid.UUID, recording_id: uuid.UUID) -> str:
    return f"{recording_prefix(organisation_id, recording_id)}original"


def recording_prefix(organisation_id: uuid.UUID, recording_id: uuid.UUID) -> str:
    return f"recordings/{organisation_id}/{recording_id}/"


def uploading_member(db: Session, *, user: User, organisation_id: uuid.UUID | None) -> Member:
    """The uploader as a practitioner of the organisation the recording belongs to."""
    if organisation_id is None:
        organisation_id = _only_practitioner_organisation(db, user)
    member = member_of(db, user=user, organisation_id=organisation_id)
    if not member.has(Role.practitioner):
        raise Forbidden("Only a practitioner of this organisation may upload recordings.")
    return member


def _only_practitioner_organisation(db: Session, user: User) -> uuid.UUID:
    memberships = db.exec(select(Membership).where(Membership.user_id == user.id)).all()
    roles = roles_by_membership(db, [membership.id for membership in memberships])
    candidates = [m for m in memberships if Role.practitioner in roles[m.id]]
    if len(candidates) != 1:
        raise Unprocessable(
            "Say which organisation the recording belongs to (organisation_id).",
            code="organisation_required",
        )
    return candidates[0].organisation_id


def _recorded_at(value: datetime | date | None, organisation: Organisation) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(organisation.time_zone))
    return value.astimezone(UTC)


def check_programme(db: Session, *, member: Member, intent: RecordingIntent) -> None:
    if intent.programme_id is None:
        return
    statement = scoped(Programme, member.organisation_id).where(Programme.id == intent.programme_id)
    if db.exec(statement).first() is None:
        raise NotFound("programme_id: no programme of this organisation has this id.")


def _consent(member: Member, intent: RecordingIntent, recording_id: uuid.UUID) -> ConsentRecord:
    # The uploader declares, at upload, that they obtained the family's consent.
    return ConsentRecord(
        organisation_id=member.organisation_id,
        recording_id=recording_id,
        obtained_by_user_id=member.user.id,
        obtained_at=utcnow(),
        method=intent.consent_method,
        scope=intent.consent_scope,
    )


def create_recording(
    db: Session,
    *,
    member: Member,
    intent: RecordingIntent,
    recording_id: uuid.UUID | None = None,
    status: RecordingStatus = RecordingStatus.uploading,
    context: AuditContext = SYSTEM,
) -> Recording:
    """A recording and its consent record, before any byte is stored."""
    organisation_id = member.organisation_id
    check_programme(db, member=member, intent=intent)
    recording_id = recording_id or uuid.uuid4()
    recording = Recording(
        id=recording_id,
        organisation_id=organisation_id,
        owner_user_id=member.user.id,
        programme_id=intent.programme_id,
        title=intent.title,
        recorded_at=_recorded_at(intent.recorded_at, member.organisation),
        status=status,
        declared_type=intent.filetype,
        storage_key=original_key(organisation_id, recording_id),
    )
    db.add(recording)
    db.flush()
    consent = _consent(member, intent, recording_id)
    db.add(consent)
    db.flush()
    audit.record(
        db,
        action="recording.created",
        resource_type="recording",
        resource_id=recording.id,
        organisation_id=organisation_id,
        actor_user_id=member.user.id,
        context=context,
        details={"consent_scope": consent.scope, "consent_method": consent.method},
    )
    return recording


def retention_until(recording: Recording, organisation: Organisation) -> datetime | None:
    if organisation.retention_days is None or recording.status == RecordingStatus.deleted:
        return None
    start = recording.uploaded_at or recording.created_at
    if organisation.retention_basis == RetentionBasis.last_review and recording.last_reviewed_at:
        start = max(start, recording.last_reviewed_at)
    return start + timedelta(days=organisation.retention_days)


def consent_of(db: Session, recording_id: uuid.UUID) -> ConsentRecord | None:
    return db.exec(select(ConsentRecord).where(ConsentRecord.recording_id == recording_id)).first()


def recording_reads(
    db: Session, *, member: Member, recordings: Sequence[Recording]
) -> list[RecordingRead]:
    """Recordings as this member sees them, in a fixed number of queries however many."""
    ids = [row.id for row in recordings]
    consents = (
        {
            consent.recording_id: consent
            for consent in db.exec(
                select(ConsentRecord).where(col(ConsentRecord.recording_id).in_(ids))
            )
        }
        if shows_consent(member)
        else {}
    )
    viewable = media_viewable(db, member=member, recordings=list(recordings))
    grants = grants_shown(
        db, member=member, recordings=[(row.id, row.owner_user_id) for row in recordings]
    )
    expiries = own_grant_expiries(db, member=member, recording_ids=ids)
    unread = unread_counts(db, member=member, recording_ids=viewable)
    people = (
        people_of(
            db,
            organisation_id=member.organisation_id,
            practitioner_ids={row.owner_user_id for row in recordings},
        )
        if names_people(member)
        else None
    )
    return [
        _read(
            row,
            member.organisation,
            consents.get(row.id),
            may_view_media=row.id in viewable,
            access_grants=grants.get(row.id),
            grant_expires_at=expiries.get(row.id),
        ).model_copy(update=_listed(row, people, unread if row.id in viewable else None))
        for row in recordings
    ]


def _listed(
    recording: Recording, people: People | None, unread: dict[uuid.UUID, int] | None
) -> dict[str, object]:
    """What lists show beside the recording itself: who, and what is new in its
    conversation (None where the member takes no part in it)."""
    return {
        "practitioner_name": people.names.get(recording.owner_user_id) if people else None,
        "coaches": people.coaches.get(recording.owner_user_id, []) if people else None,
        "unread_comments": unread.get(recording.id, 0) if unread is not None else None,
    }


def _read(
    recording: Recording,
    organisation: Organisation,
    consent: ConsentRecord | None,
    *,
    may_view_media: bool,
    access_grants: list[AccessGrantRead] | None,
    grant_expires_at: datetime | None,
) -> RecordingRead:
    playable = may_view_media and recording.status == RecordingStatus.ready
    base = f"{API_PREFIX}/{recording.id}"
    return RecordingRead(
        **recording.model_dump(exclude={"storage_key", "poster_key"}),
        consent=ConsentRead(
            obtained_by=consent.obtained_by_user_id,
            obtained_at=consent.obtained_at,
            method=consent.method,
            scope=consent.scope,
            withdrawn_at=consent.withdrawn_at,
        )
        if consent
        else None,
        retention_until=retention_until(recording, organisation),
        can_view_media=may_view_media,
        media_url=f"{base}/media" if playable else None,
        poster_url=f"{base}/poster" if playable and recording.poster_key else None,
        access_grants=access_grants,
        grant_expires_at=grant_expires_at,
    )


def access_read(db: Session, access: RecordingAccess) -> RecordingRead:
    return recording_reads(db, member=access.member, recordings=[access.recording])[0]


def list_recordings(
    db: Session, *, member: Member, filters: RecordingFilters, page: Page
) -> list[RecordingRead]:
    """Newest first: the recordings this member may see that the filters keep."""
    zone = ZoneInfo(member.organisation.time_zone)
    visible, values = visible_recordings(member)
    statement = visible.where(*conditions(filters, zone)).order_by(
        # The id breaks ties, so pages follow on from each other.
        col(Recording.created_at).desc(),
        col(Recording.id),
    )
    recordings = list(db.exec(page.of(statement), params=values))
    return recording_reads(db, member=member, recordings=recordings)
