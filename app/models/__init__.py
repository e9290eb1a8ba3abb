"""Every table, imported here so Alembic and the app see the whole schema."""

from app.models.audit import AuditEvent
from app.models.base import metadata
from app.models.conversation import Comment, Reflection, ReflectionReply
from app.models.identity import AuthSession, Identity, Invitation, LoginThrottle, User
from app.models.organisation import (
    Assignment,
    AssignmentKind,
    Membership,
    MembershipRole,
    Organisation,
    Programme,
    Role,
)
from app.models.recording import (
    ConsentRecord,
    Recording,
    RecordingAccessGrant,
    RecordingStatus,
    Upload,
)
from app.models.review import (
    LearningObjective,
    ObjectiveCriterion,
    ObjectiveEvidence,
    ObjectiveProgressNote,
    Observation,
    ObservationRevision,
    ObservationScore,
    ReviewSettings,
    SecondRaterAssignment,
)
from app.models.rubric import Rubric, RubricCriterion, RubricStatus, RubricVersion

__all__ = [
    "Assignment",
    "AssignmentKind",
    "AuditEvent",
    "AuthSession",
    "Comment",
    "ConsentRecord",
    "Identity",
    "Invitation",
    "LearningObjective",
    "LoginThrottle",
    "Membership",
    "MembershipRole",
    "ObjectiveCriterion",
    "ObjectiveEvidence",
    "ObjectiveProgressNote",
    "Observation",
    "ObservationRevision",
    "ObservationScore",
    "Organisation",
    "Programme",
    "Recording",
    "RecordingAccessGrant",
    "RecordingStatus",
    "Reflection",
    "ReflectionReply",
    "ReviewSettings",
    "Role",
    "Rubric",
    "RubricCriterion",
    "RubricStatus",
    "RubricVersion",
    "SecondRaterAssignment",
    "Upload",
    "User",
    "metadata",
]
