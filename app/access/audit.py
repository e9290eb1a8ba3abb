"""Which events of the organisation's audit trail a lead reads.

Leads read the whole trail but for what blind double coding keeps from them: a lead rating
a recording blind (a second rater, or a calibration rater while the exercise is open; see
`recordings.py`) reads no other rater's observation event about it until they have
submitted their own. Those events carry the verdict (weighted percent, whether it meets
fidelity), and even their time would say that another judgement came before theirs.
"""

from sqlalchemy import ColumnElement, and_, not_, or_, true
from sqlmodel import Session, col, select

from app.access.members import Member
from app.access.observations import blind_recordings
from app.models import AuditEvent, Observation


def readable_events(db: Session, *, lead: Member) -> ColumnElement[bool]:
    """A condition on AuditEvent: the events of the trail this lead may read. The hidden
    observations are found first (a lead rates few recordings blind), so the trail's own
    query stays one that both databases plan the same way."""
    rater = col(Observation.rater_user_id)
    hidden = db.exec(
        select(col(Observation.id)).where(
            col(Observation.organisation_id) == lead.organisation_id,
            col(Observation.recording_id).in_(blind_recordings(lead)),
            # A rater whose account is gone (NULL) was still another rater.
            or_(rater.is_(None), rater != lead.user_id),
        )
    ).all()
    if not hidden:
        return true()
    return not_(
        and_(
            col(AuditEvent.resource_type) == "observation",
            col(AuditEvent.resource_id).in_([str(observation_id) for observation_id in hidden]),
        )
    )
