"""The organisation the fidelity report's tests share (no tests here), small enough to
work its figures out by hand: Europe/London, January to April 2025 (the clocks went
forward on 30 March).

Home visiting (P1): rubric A1 (weight 2, minimum level 2), A2, A3 (may be N/A), scale
1-5 in version 1 and 0-4 in version 2 (which renames A2), threshold 80; certification
lasts 100 years. Family support (P2): B1 (minimum 1), B2, scale 0-3, threshold 70; p3's
certification runs out in 10 days, p4's ran out long ago.

sup1 supervises p1 and p2, sup2 supervises p3, nobody supervises p4. coach_a coaches p1
and p3, coach_b coaches p1, p2 and p4 (p1 has two coaches). rater2 second-rates R3.

    name  who programme  submitted (UTC)      percent  meets  note
    o1    p1  P1         2025-01-10 12:00     100      yes
    o2    p1  P1         2025-01-20 12:00     87.5     yes    rated by coach_b
    o4    p2  P1         2025-01-15 12:00     75       no     A3 N/A
    o9    p3  P2         2025-02-03 12:00     100      yes
    o10   p3  P2         2025-02-17 12:00     83.33    yes
    o11   p3  P2         2025-03-03 12:00     100      yes    p3 certified
    o3    p1  P1         2025-03-05 12:00     100      yes    R3, double-coded: counts once;
                                                             p1 certified
    o3b   p1  P1         2025-03-06 12:00     50       no     rater2's second rating of R3
    o6    p3  P1         2025-03-10 12:00     50       no     A1 below its minimum
    o12   p1  P2         2025-03-20 12:00     50       no     B1 below its minimum
    o5    p2  P1         2025-03-31 23:30     50       no     1 April in London (BST)
    o13   p4  P2         2025-04-02 12:00     100      yes
    o7    p4  P1         2025-04-10 12:00     87.5     yes    version 2
    o8    p1  P1         2025-04-30 23:30     50       no     1 May in London: outside
    early p4  P2         2023-01-10..24       100 x3   yes    p4 certified (lapsed)

Drift now: p2 in P1 (its last two failed). The February of P1 has no observation.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from app.models import (
    Observation,
    Organisation,
    Programme,
    Recording,
    ReviewSettings,
    Role,
    User,
)
from app.models.base import utcnow
from app.models.organisation import AssignmentKind
from app.models.rubric import Rubric, RubricStatus, RubricVersion
from tests.factories import (
    assign,
    make_observation,
    make_organisation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
)
from tests.recording.conftest import bearer_for

FIRST, LAST = date(2025, 1, 1), date(2025, 4, 30)
PERIOD = {"from": FIRST.isoformat(), "to": LAST.isoformat()}
ROLES: dict[str, tuple[Role, ...]] = {
    "lead": (Role.lead,),
    "sup1": (Role.supervisor,),
    "sup2": (Role.supervisor,),
    "coach_a": (Role.coach,),
    "coach_b": (Role.coach,),
    "rater2": (Role.coach,),
    "p1": (Role.practitioner,),
    "p2": (Role.practitioner,),
    "p3": (Role.practitioner,),
    "p4": (Role.practitioner,),
}
ASSIGNMENTS = (
    ("sup1", "p1", AssignmentKind.supervisor),
    ("sup1", "p2", AssignmentKind.supervisor),
    ("sup2", "p3", AssignmentKind.supervisor),
    ("coach_a", "p1", AssignmentKind.coach),
    ("coach_a", "p3", AssignmentKind.coach),
    ("coach_b", "p1", AssignmentKind.coach),
    ("coach_b", "p2", AssignmentKind.coach),
    ("coach_b", "p4", AssignmentKind.coach),
)
HOME_VISITING = (
    {"code": "A1", "weight": 2, "min_level": 2},
    {"code": "A2"},
    {"code": "A3", "na_allowed": True},
)
FAMILY_SUPPORT = ({"code": "B1", "min_level": 1}, {"code": "B2"})
# Levels, by the percent they give (the real scoring rule computes it).
L100 = {"A1": 5, "A2": 5, "A3": 5}
L87 = {"A1": 5, "A2": 5, "A3": 3}  # (2 + 1 + 0.5) / 4
L75 = {"A1": 4, "A2": 4, "A3": None}  # (1.5 + 0.75) / 3
L50 = {"A1": 3, "A2": 3, "A3": 3}
L50_LOW = {"A1": 1, "A2": 5, "A3": 5}  # (0 + 1 + 1) / 4, A1 under its minimum
V2_L87 = {"A1": 4, "A2": 4, "A3": 2}  # on 0-4: (2 + 1 + 0.5) / 4
M100 = {"B1": 3, "B2": 3}
M83 = {"B1": 3, "B2": 2}  # (1 + 2/3) / 2
M50_LOW = {"B1": 0, "B2": 3}  # B1 under its minimum
P2_CERTIFIED = datetime(2025, 3, 3, 12, tzinfo=UTC)
P4_CERTIFIED = datetime(2023, 1, 24, 12, tzinfo=UTC)


def utc(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class FidelityCast:
    client: TestClient
    db: Session
    organisation: Organisation
    people: dict[str, User]
    programmes: dict[str, Programme]
    secret_key: str
    observations: dict[str, Observation] = field(default_factory=dict)
    versions: dict[str, RubricVersion] = field(default_factory=dict)
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        if who not in self._headers:
            self._headers[who] = bearer_for(self.db, self.people[who], self.secret_key)
        return self._headers[who]

    def id(self, who: str) -> str:
        return str(self.people[who].id)

    @property
    def url(self) -> str:
        return f"/api/v1/organisations/{self.organisation.id}/reports/fidelity"

    def get(self, who: str, headers: dict[str, str] | None = None, **params: Any) -> Response:
        return self.client.get(
            self.url, params={**PERIOD, **params}, headers={**self.auth(who), **(headers or {})}
        )

    def report(self, who: str, **params: Any) -> dict[str, Any]:
        answer = self.get(who, **params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def rows(self, who: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.report(who, **params)["rows"]
        return rows

    def name_of(self, user_id: str | None) -> str | None:
        names = {str(user.id): who for who, user in self.people.items()}
        names[str(self.organisation.id)] = "organisation"
        return None if user_id is None else names[user_id]

    def programme_key(self, programme_id: str) -> str:
        return next(k for k, p in self.programmes.items() if str(p.id) == programme_id)

    def recording_of(self, observation: str) -> Recording:
        recording = self.db.get(Recording, self.observations[observation].recording_id)
        assert recording is not None
        return recording

    def observe(
        self,
        name: str,
        who: str,
        version: RubricVersion,
        levels: dict[str, int | None],
        when: datetime,
        rater: str = "coach_a",
    ) -> Observation:
        recording = make_ready_recording(self.db, self.organisation, self.people[who])
        observation = make_observation(
            self.db, recording, self.people[rater], version, levels, submitted_at=when
        )
        self.observations[name] = observation
        return observation


def _versions(
    db: Session, organisation: Organisation, programmes: dict[str, Programme]
) -> tuple[RubricVersion, RubricVersion, RubricVersion]:
    home = make_rubric_version(db, organisation, programmes["P1"], *HOME_VISITING)
    rubric = db.get(Rubric, home.rubric_id)
    renamed = (HOME_VISITING[0], {"code": "A2", "title": "Reflective listening"}, HOME_VISITING[2])
    home_2 = make_rubric_version(
        db, organisation, programmes["P1"], *renamed, levels=(0, 1, 2, 3, 4), rubric=rubric
    )
    home.status, home.published_at = RubricStatus.retired, utc(6, 1, year=2024)
    home_2.published_at = utc(4, 1)
    family = make_rubric_version(
        db, organisation, programmes["P2"], *FAMILY_SUPPORT, levels=(0, 1, 2, 3), threshold=70
    )
    db.add_all([home, home_2])
    recertify_in_ten_days = (utcnow() - P2_CERTIFIED).days + 10
    db.add_all(
        [
            ReviewSettings(
                organisation_id=organisation.id,
                programme_id=programmes["P1"].id,
                recertification_days=36500,
            ),
            ReviewSettings(
                organisation_id=organisation.id,
                programme_id=programmes["P2"].id,
                recertification_days=recertify_in_ten_days,
            ),
        ]
    )
    db.commit()
    return home, home_2, family


def build(db: Session, client: TestClient, secret_key: str) -> FidelityCast:
    organisation = make_organisation(db)
    organisation.time_zone = "Europe/London"
    db.add(organisation)
    db.commit()
    people = {who: make_user(db, organisation, *roles) for who, roles in ROLES.items()}
    for who, user in people.items():
        user.display_name = who
        db.add(user)
    db.commit()
    for staff, practitioner, kind in ASSIGNMENTS:
        assign(db, organisation, people[staff], people[practitioner], kind)
    people["outsider"] = make_user(db, make_organisation(db), *Role)
    programmes = {
        "P1": make_programme(db, organisation, "Home visiting"),
        "P2": make_programme(db, organisation, "Family support"),
    }
    cast = FidelityCast(client, db, organisation, people, programmes, secret_key)
    home, home_2, family = _versions(db, organisation, programmes)
    cast.versions = {"home": home, "home_2": home_2, "family": family}
    cast.observe("o1", "p1", home, L100, utc(1, 10))
    cast.observe("o2", "p1", home, L87, utc(1, 20), rater="coach_b")
    cast.observe("o4", "p2", home, L75, utc(1, 15), rater="coach_b")
    cast.observe("o9", "p3", family, M100, utc(2, 3))
    cast.observe("o10", "p3", family, M83, utc(2, 17))
    cast.observe("o11", "p3", family, M100, P2_CERTIFIED)
    cast.observe("o3", "p1", home, L100, utc(3, 5))
    make_second_rater(db, cast.recording_of("o3"), people["rater2"])
    cast.observations["o3b"] = make_observation(
        db,
        cast.recording_of("o3"),
        people["rater2"],
        home,
        L50,
        submitted_at=utc(3, 6),
        rater_role="second",
    )
    cast.observe("o6", "p3", home, L50_LOW, utc(3, 10))
    cast.observe("o12", "p1", family, M50_LOW, utc(3, 20), rater="coach_b")
    cast.observe("o5", "p2", home, L50, utc(3, 31, 23, 30), rater="coach_b")
    cast.observe("o13", "p4", family, M100, utc(4, 2), rater="coach_b")
    cast.observe("o7", "p4", home_2, V2_L87, utc(4, 10), rater="coach_b")
    cast.observe("o8", "p1", home, L50, utc(4, 30, 23, 30))
    for index, when in enumerate((utc(1, 10, year=2023), utc(1, 17, year=2023), P4_CERTIFIED)):
        cast.observe(f"early{index}", "p4", family, M100, when, rater="coach_b")
    return cast


FIGURES = (
    "practitioners",
    "observations",
    "mean_weighted_percent",
    "meeting_fidelity_percent",
    "drift_practitioners",
    "certified_practitioners",
    "recertification_due_practitioners",
)


def keyed(cast: FidelityCast, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(group, programme, figures...) in the report's order, names for ids."""
    return [
        (
            cast.name_of(row["group_id"]),
            cast.programme_key(row["programme_id"]),
            *(row[name] for name in FIGURES),
        )
        for row in rows
    ]


def figures(*rows: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Expected rows, percents compared to a millionth."""
    return [
        tuple(pytest.approx(v, abs=1e-6) if isinstance(v, float) else v for v in r) for r in rows
    ]
