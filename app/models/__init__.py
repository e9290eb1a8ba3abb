"""Every table, imported here so Alembic and the app see the whole schema."""

from app.models.audit import AuditEvent
from app.models.base import metadata
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
from app.models.rubric import Rubric, RubricCriterion, RubricStatus, RubricVersion

__all__ = [
    "Assignment",
    "AssignmentKind",
    "AuditEvent",
    "AuthSession",
    "Identity",
    "Invitation",
    "LoginThrottle",
    "Membership",
    "MembershipRole",
    "Organisation",
    "Programme",
    "Role",
    "Rubric",
    "RubricCriterion",
    "RubricStatus",
    "RubricVersion",
    "User",
    "metadata",
]
