"""The people around one recording, for the comment and reflection tests.

owner: the practitioner who made it; coach: assigned to the owner; second_rater: a coach
with an access grant to this recording; other_coach: a coach not assigned to the owner;
supervisor: assigned to supervise the owner; outsider: every role, in another organisation.
"""

from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import (
    Organisation,
    Programme,
    Recording,
    Role,
    Rubric,
    RubricCriterion,
    RubricStatus,
    RubricVersion,
    User,
)
from tests.factories import (
    assign,
    grant_recording_access,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_user,
    token_for,
)

PARTICIPANTS = ("owner", "coach", "second_rater")
NON_PARTICIPANTS = ("other_coach", "supervisor", "outsider")
EVERYONE = PARTICIPANTS + NON_PARTICIPANTS


@dataclass
class Cast:
    client: TestClient
    organisation: Organisation
    programme: Programme
    recording: Recording
    people: dict[str, User]
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Sign in lazily: hashing passwords is deliberately slow."""
        if who not in self._headers:
            self._headers[who] = token_for(self.client, self.people[who])
        return self._headers[who]


def make_published_rubric(
    db: Session, organisation: Organisation, programme: Programme, *codes: str, title: str = "R"
) -> RubricVersion:
    return _rubric_version(db, organisation, programme, codes, RubricStatus.published, title)


def make_draft_rubric(
    db: Session, organisation: Organisation, programme: Programme, *codes: str, title: str = "D"
) -> RubricVersion:
    return _rubric_version(db, organisation, programme, codes, RubricStatus.draft, title)


def _rubric_version(
    db: Session,
    organisation: Organisation,
    programme: Programme,
    codes: tuple[str, ...],
    status: RubricStatus,
    title: str,
) -> RubricVersion:
    rubric = Rubric(organisation_id=organisation.id, programme_id=programme.id, title=title)
    db.add(rubric)
    db.flush()
    version = RubricVersion(
        organisation_id=organisation.id,
        rubric_id=rubric.id,
        version=1,
        status=status,
        scale=[{"level": 0, "label": "Absent"}, {"level": 1, "label": "Present"}],
        fidelity_threshold_percent=80,
    )
    db.add(version)
    db.flush()
    db.add_all(
        RubricCriterion(
            organisation_id=organisation.id,
            rubric_version_id=version.id,
            position=position,
            code=code,
            title=f"Criterion {code}",
            weight=1,
            level_descriptors=["absent", "present"],
        )
        for position, code in enumerate(codes, start=1)
    )
    db.commit()
    return version


def make_cast(db: Session, client: TestClient, *, duration_seconds: float = 120.0) -> Cast:
    organisation = make_organisation(db)
    programme = make_programme(db, organisation)
    make_published_rubric(db, organisation, programme, "A1", "A2")
    owner = make_user(db, organisation, Role.practitioner)
    coach = make_user(db, organisation, Role.coach)
    second_rater = make_user(db, organisation, Role.coach)
    other_coach = make_user(db, organisation, Role.coach)
    supervisor = make_user(db, organisation, Role.supervisor)
    assign(db, organisation, coach, owner)
    assign(db, organisation, supervisor, owner, kind="supervisor")
    recording = make_ready_recording(
        db, organisation, owner, programme=programme, duration_seconds=duration_seconds
    )
    grant_recording_access(db, recording, second_rater)
    elsewhere = make_organisation(db)
    outsider = make_user(db, elsewhere, Role.lead, Role.coach, Role.supervisor, Role.practitioner)
    people = {
        "owner": owner,
        "coach": coach,
        "second_rater": second_rater,
        "other_coach": other_coach,
        "supervisor": supervisor,
        "outsider": outsider,
    }
    return Cast(client, organisation, programme, recording, people)
