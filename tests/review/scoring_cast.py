"""The people around one recording, for the observation, double-coding, fidelity,
objective and agreement tests.

owner: the practitioner who made it; coach and coach2: both assigned to the owner;
second_rater: a coach not assigned to the owner (a lead can make them second rater);
other_coach: a coach with nothing to do with it; supervisor: supervises the owner;
other_practitioner; lead; outsider: every role, in another organisation.

The rubric (scale 1-5, threshold 80): A1 weight 2, minimum level 2; A2 weight 1;
A3 weight 1, may be N/A.
"""

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.models import Organisation, Programme, Recording, Role, RubricVersion, User
from tests.factories import (
    assign,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_user,
    token_for,
)

CRITERIA = (
    {"code": "A1", "weight": 2, "min_level": 2},
    {"code": "A2"},
    {"code": "A3", "na_allowed": True},
)
PASSING = {"A1": 5, "A2": 4, "A3": 5}  # (2 * 1 + 0.75 + 1) / 4 = 93.75 %
FAILING = {"A1": 4, "A2": 4, "A3": None}  # (2 * 0.75 + 0.75) / 3 = 75 %


@dataclass
class Cast:
    client: TestClient
    db: Session
    organisation: Organisation
    programme: Programme
    version: RubricVersion
    recording: Recording
    people: dict[str, User]
    elsewhere: Organisation
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Sign in lazily: hashing passwords is deliberately slow."""
        if who not in self._headers:
            self._headers[who] = token_for(self.client, self.people[who])
        return self._headers[who]

    def id(self, who: str) -> str:
        return str(self.people[who].id)

    @property
    def org_base(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}"

    def new_recording(self, owner: str = "owner", **fields: Any) -> Recording:
        return make_ready_recording(
            self.db, self.organisation, self.people[owner], programme=self.programme, **fields
        )


def scores(levels: dict[str, int | None], **extra: Any) -> list[dict[str, Any]]:
    """Score bodies; None is N/A."""
    return [
        {"code": code, "level": level, "not_applicable": level is None, **extra}
        for code, level in levels.items()
    ]


def start(
    cast: Cast,
    who: str,
    levels: dict[str, int | None] | None = None,
    *,
    recording: Recording | None = None,
    version: RubricVersion | None = None,
) -> Response:
    recording = recording or cast.recording
    body = {
        "rubric_version_id": str((version or cast.version).id),
        "scores": scores(levels or {}),
    }
    return cast.client.post(
        f"/api/v1/recordings/{recording.id}/observations", json=body, headers=cast.auth(who)
    )


def submit(cast: Cast, who: str, observation_id: str) -> Response:
    return cast.client.post(f"/api/v1/observations/{observation_id}/submit", headers=cast.auth(who))


def score_and_submit(
    cast: Cast,
    who: str,
    levels: dict[str, int | None],
    *,
    recording: Recording | None = None,
) -> dict[str, Any]:
    created = start(cast, who, levels, recording=recording)
    assert created.status_code == 201, created.text
    submitted = submit(cast, who, created.json()["id"])
    assert submitted.status_code == 200, submitted.text
    result: dict[str, Any] = submitted.json()
    return result


def make_cast(db: Session, client: TestClient) -> Cast:
    organisation = make_organisation(db)
    programme = make_programme(db, organisation)
    version = make_rubric_version(db, organisation, programme, *CRITERIA)
    roles = {
        "lead": (Role.lead,),
        "owner": (Role.practitioner,),
        "coach": (Role.coach,),
        "coach2": (Role.coach,),
        "second_rater": (Role.coach,),
        "other_coach": (Role.coach,),
        "supervisor": (Role.supervisor,),
        "other_practitioner": (Role.practitioner,),
    }
    people = {who: make_user(db, organisation, *granted) for who, granted in roles.items()}
    assign(db, organisation, people["coach"], people["owner"])
    assign(db, organisation, people["coach2"], people["owner"])
    assign(db, organisation, people["supervisor"], people["owner"], kind="supervisor")
    recording = make_ready_recording(
        db, organisation, people["owner"], programme=programme, duration_seconds=120.0
    )
    elsewhere = make_organisation(db)
    people["outsider"] = make_user(
        db, elsewhere, Role.lead, Role.coach, Role.supervisor, Role.practitioner
    )
    return Cast(client, db, organisation, programme, version, recording, people, elsewhere)
