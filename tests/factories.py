"""Plain factory functions for test data, written through the real models."""

import itertools
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.passwords import hash_password
from app.models import (
    Assignment,
    Identity,
    Membership,
    MembershipRole,
    Organisation,
    Programme,
    Role,
    User,
)
from app.models.identity import IdentityKind

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)
# Hashing with argon2 is deliberately slow; tests share one hash of the common password.
_PASSWORD_HASH = hash_password(PASSWORD)


def make_organisation(db: Session, name: str | None = None) -> Organisation:
    number = next(_sequence)
    organisation = Organisation(name=name or f"Organisation {number}", slug=f"org-{number}")
    db.add(organisation)
    db.commit()
    return organisation


def make_user(
    db: Session,
    organisation: Organisation | None = None,
    *roles: Role,
    email: str | None = None,
    champion: bool = False,
    password: bool = True,
) -> User:
    user = User(email=email or f"person{next(_sequence)}@example.org", display_name="Test Person")
    db.add(user)
    db.flush()
    if password:
        db.add(
            Identity(
                user_id=user.id,
                kind=IdentityKind.password,
                issuer="local",
                subject=str(user.id),
                password_hash=_PASSWORD_HASH,
            )
        )
    if organisation is not None:
        membership = Membership(
            organisation_id=organisation.id, user_id=user.id, is_champion=champion
        )
        db.add(membership)
        db.flush()
        db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in roles)
    db.commit()
    return user


def assign(
    db: Session, organisation: Organisation, staff: User, practitioner: User, kind: str = "coach"
) -> Assignment:
    assignment = Assignment(
        organisation_id=organisation.id,
        kind=kind,
        staff_user_id=staff.id,
        practitioner_user_id=practitioner.id,
    )
    db.add(assignment)
    db.commit()
    return assignment


def make_programme(
    db: Session, organisation: Organisation, name: str = "Home visiting"
) -> Programme:
    programme = Programme(organisation_id=organisation.id, name=name)
    db.add(programme)
    db.commit()
    return programme


def token_for(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def membership_id(db: Session, organisation: Organisation, user: User) -> uuid.UUID:
    from sqlmodel import select

    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    ).one()
    return membership.id
