"""Organisations (tenants), memberships with roles and attributes, assignments and
programmes."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field


class Role(enum.StrEnum):
    practitioner = "practitioner"
    coach = "coach"
    supervisor = "supervisor"
    lead = "lead"
    # An external expert a lead lets review chosen recordings until a date: a guest
    # membership holds no other role (app/organisation/service.py).
    guest = "guest"


class AssignmentKind(enum.StrEnum):
    coach = "coach"
    supervisor = "supervisor"


class RetentionBasis(enum.StrEnum):
    upload = "upload"
    last_review = "last_review"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, unique=True)
    time_zone: str = Field(default="Europe/London", max_length=64)
    retention_days: int | None = Field(default=None)
    retention_basis: str = Field(default=RetentionBasis.upload, max_length=20)
    fidelity_threshold_percent: float = Field(default=80.0)
    # Ring-fenced time used below this share of its allocation by a period's end is eroded.
    time_tolerance_percent: float = Field(default=80.0)
    created_at: datetime = created_at_field()


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    is_champion: bool = Field(default=False)
    created_at: datetime = created_at_field()


class MembershipRole(SQLModel, table=True):
    __tablename__ = "membership_role"

    membership_id: uuid.UUID = Field(
        foreign_key="membership.id", primary_key=True, ondelete="CASCADE"
    )
    role: str = Field(sa_column=Column(String(20), primary_key=True))


class MemberAttribute(SQLModel, table=True):
    """An attribute of a member that the organisation defines (locality, service...): one
    value per name per member. Reports compare parts of the workforce by it; it never
    describes a family."""

    __tablename__ = "member_attribute"
    __table_args__ = (
        UniqueConstraint("membership_id", "name"),
        # The names and values in use, and a report's groups, are read by name.
        Index("ix_member_attribute_organisation_name", "organisation_id", "name", "value"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    membership_id: uuid.UUID = Field(foreign_key="membership.id", ondelete="CASCADE")
    name: str = Field(max_length=40)
    value: str = Field(max_length=100)


class Assignment(SQLModel, table=True):
    """A coach or supervisor responsible for a practitioner."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("organisation_id", "kind", "staff_user_id", "practitioner_user_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    kind: str = Field(max_length=20)
    staff_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    practitioner_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    created_at: datetime = created_at_field()


class Programme(SQLModel, table=True):
    __tablename__ = "programme"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    created_at: datetime = created_at_field()
    # The published rubric version this programme's recordings are scored against
    # (app/rubric/in_use.py decides it). SET NULL rather than RESTRICT: nothing deletes a
    # version but the cascade from its rubric's programme or organisation, which RESTRICT
    # would block; a programme left without one simply adopts the next version published.
    # use_alter: programme -> rubric_version -> rubric -> programme is a cycle.
    rubric_version_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid(),
            ForeignKey(
                "rubric_version.id",
                ondelete="SET NULL",
                use_alter=True,
                name="fk_programme_rubric_version_id_rubric_version",
            ),
            nullable=True,
        ),
    )
