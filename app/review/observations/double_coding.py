"""Double coding: second raters (by a lead or by the programme's rule) and gold standards.

The rule is one setting per programme, `double_coding_every_nth`: when a recording gets
its first submitted observation and it is the programme's Nth, 2Nth... recording to be
reviewed, one of the practitioner's other assigned coaches becomes its second rater (the
one with the fewest second ratings so far, so the load spreads). No candidate, no second
rater: the audit trail says so, and a lead can assign someone by hand.
"""

import uuid

from sqlmodel import Session, col, func, select

from app.access import Member, member_named, require_role, scoped
from app.access.recordings import RecordingAccess, require_manager
from app.access.relations import RATER_ROLES
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable
from app.models import (
    Assignment,
    Observation,
    Recording,
    Role,
    SecondRaterAssignment,
)
from app.models.organisation import AssignmentKind
from app.models.review import ObservationStatus
from app.review import counting
from app.review.settings.service import settings_for
from app.schemas import Page


def assign_second_rater(
    db: Session, *, access: RecordingAccess, user_id: uuid.UUID, context: AuditContext
) -> SecondRaterAssignment:
    """Leads: ask one more coach to score this recording independently."""
    require_manager(access)
    lead, recording = access.member, access.recording
    _require_candidate(db, recording=recording, user_id=user_id)
    return _assign(db, recording=recording, user_id=user_id, lead=lead, context=context)


def _require_candidate(db: Session, *, recording: Recording, user_id: uuid.UUID) -> None:
    rater = member_named(db, organisation_id=recording.organisation_id, user_id=user_id)
    if not rater.has(*RATER_ROLES):
        raise Unprocessable(
            "user_id: must be a coach or lead of this organisation.", code="invalid_user"
        )
    if user_id == recording.owner_user_id:
        raise Unprocessable(
            "user_id: a practitioner cannot rate their own recording.", code="invalid_user"
        )
    if user_id in _raters_of(db, recording):
        raise Conflict("This person already rates this recording.", code="already_rater")


def _raters_of(db: Session, recording: Recording) -> set[uuid.UUID]:
    scored = select(Observation.rater_user_id).where(Observation.recording_id == recording.id)
    second = select(SecondRaterAssignment.rater_user_id).where(
        SecondRaterAssignment.recording_id == recording.id
    )
    return set(db.exec(scored)) | set(db.exec(second))


def _assign(
    db: Session,
    *,
    recording: Recording,
    user_id: uuid.UUID,
    lead: Member | None,
    context: AuditContext,
) -> SecondRaterAssignment:
    assignment = SecondRaterAssignment(
        organisation_id=recording.organisation_id,
        recording_id=recording.id,
        rater_user_id=user_id,
        assigned_by_user_id=lead.user.id if lead else None,
        source="lead" if lead else "rule",
    )
    # The assignment itself lets them watch the media (app/access/recordings.py).
    db.add(assignment)
    db.flush()
    audit.record(
        db,
        action="observation.second_rater_assigned",
        resource_type="recording",
        resource_id=recording.id,
        organisation_id=recording.organisation_id,
        actor_user_id=lead.user.id if lead else None,
        context=context,
        details={"rater_user_id": str(user_id), "source": assignment.source},
    )
    return assignment


def list_second_raters(
    db: Session, *, access: RecordingAccess, page: Page
) -> list[SecondRaterAssignment]:
    require_manager(access)
    statement = scoped(SecondRaterAssignment, access.member.organisation_id).where(
        SecondRaterAssignment.recording_id == access.recording.id
    )
    oldest_first = statement.order_by(
        col(SecondRaterAssignment.created_at), col(SecondRaterAssignment.id)
    )
    return list(db.exec(page.of(oldest_first)))


def remove_second_rater(
    db: Session, *, lead: Member, assignment: SecondRaterAssignment, context: AuditContext
) -> None:
    """Leads: withdraw a second rater who has not submitted; their media access goes too
    (it came with the assignment)."""
    require_role(lead, Role.lead)
    submitted = db.exec(
        select(Observation.id).where(
            Observation.recording_id == assignment.recording_id,
            Observation.rater_user_id == assignment.rater_user_id,
            Observation.status == ObservationStatus.submitted,
        )
    ).first()
    if submitted is not None:
        raise Conflict("This second rater has already submitted an observation.", code="submitted")
    db.delete(assignment)
    db.flush()
    audit.record(
        db,
        action="observation.second_rater_removed",
        resource_type="recording",
        resource_id=assignment.recording_id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={"rater_user_id": str(assignment.rater_user_id)},
    )


def apply_rule(db: Session, *, observation: Observation, context: AuditContext) -> None:
    """After a submission: give the recording a second rater if the programme's rule says so."""
    rule = settings_for(
        db, organisation_id=observation.organisation_id, programme_id=observation.programme_id
    ).double_coding_every_nth
    if rule is None or not _first_submission(db, observation):
        return
    if _reviewed_recordings(db, observation) % rule != 0:
        return
    recording = db.get(Recording, observation.recording_id)
    assert recording is not None
    rater = _rule_candidate(db, recording=recording)
    if rater is None:
        audit.record(
            db,
            action="observation.second_rater_unavailable",
            resource_type="recording",
            resource_id=recording.id,
            organisation_id=recording.organisation_id,
            context=context,
            details={"double_coding_every_nth": rule},
        )
        return
    _assign(db, recording=recording, user_id=rater, lead=None, context=context)


def _first_submission(db: Session, observation: Observation) -> bool:
    count = db.exec(
        select(func.count()).where(
            Observation.recording_id == observation.recording_id,
            Observation.status == ObservationStatus.submitted,
        )
    ).one()
    return count == 1


def _reviewed_recordings(db: Session, observation: Observation) -> int:
    statement = select(func.count(func.distinct(Observation.recording_id))).where(
        Observation.organisation_id == observation.organisation_id,
        Observation.programme_id == observation.programme_id,
        Observation.status == ObservationStatus.submitted,
    )
    return db.exec(statement).one()


def _rule_candidate(db: Session, *, recording: Recording) -> uuid.UUID | None:
    load = (
        select(func.count(col(SecondRaterAssignment.id)))
        .where(SecondRaterAssignment.rater_user_id == Assignment.staff_user_id)
        .scalar_subquery()
    )
    statement = (
        scoped(Assignment, recording.organisation_id)
        .where(
            Assignment.kind == AssignmentKind.coach,
            Assignment.practitioner_user_id == recording.owner_user_id,
            col(Assignment.staff_user_id).not_in(_raters_of(db, recording)),
        )
        .order_by(load, col(Assignment.staff_user_id))
    )
    candidate = db.exec(statement).first()
    return candidate.staff_user_id if candidate else None


def set_gold_standard(
    db: Session, *, lead: Member, observation: Observation, is_gold: bool, context: AuditContext
) -> Observation:
    """Leads: mark a submitted observation as the master rating of its recording for calibration.

    One gold standard per recording and rubric version: marking one unmarks the other.
    """
    require_role(lead, Role.lead)
    if observation.status != ObservationStatus.submitted:
        raise Conflict("Only a submitted observation can be a gold standard.", code="not_submitted")
    if is_gold:
        others = scoped(Observation, observation.organisation_id).where(
            Observation.recording_id == observation.recording_id,
            Observation.rubric_version_id == observation.rubric_version_id,
            Observation.id != observation.id,
            col(Observation.is_gold_standard).is_(True),
        )
        for other in db.exec(others):
            other.is_gold_standard = False
            db.add(other)
    observation.is_gold_standard = is_gold
    db.add(observation)
    db.flush()
    counting.recount(db, observation.organisation_id, recording_id=observation.recording_id)
    audit.record(
        db,
        action="observation.gold_standard_set" if is_gold else "observation.gold_standard_unset",
        resource_type="observation",
        resource_id=observation.id,
        organisation_id=observation.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={"recording_id": str(observation.recording_id)},
    )
    return observation
