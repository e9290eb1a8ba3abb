"""The coverage report: figures worked out by hand from a small scenario.

The organisation is in Europe/London (tests/ringfenced/cast.py: p1 and p2 in
supervisor's team, p3 in other_supervisor's, coach coaches p1). The period is March to
May 2025, across the clocks going forward; with `weeks=4` the last weeks are 4 to 31 May.
Rows for p1, p2, p3 (all with weeks=4, target=2):

| | rated | coaching | last rated | last coaching | none lately | target |
|--|--|--|--|--|--|--|
| p1 | rec1 10 Mar, rec2 20 May | 10 Apr, 31 May 23:15 | 20 May 10:00 | 31 May 23:15 | - | yes |
| p2 | rec4 1 Apr | 4 May 00:15 | 1 Apr 10:00 | 4 May 00:15 | rating | no |
| p3 | - | 3 May 23:45 | never | 3 May 23:45 | both | no |

Left out on purpose: p1's rating of rec0 (January) and rec3 (June), the second rater's
observation of rec2, a draft on rec5, p1's coaching at 00:30 on 1 June (London: after the
period, though still 31 May in UTC), a confirmed and a cancelled session, and
supervision, group supervision and training (not coaching). p1, the champion, uploaded
rec1 and rec2 in the period (rec0 and rec3 outside), wrote 2 live comments in it (one
deleted, one in February), and shared 1 reflection (rec1; rec0's in January, rec2's
unshared).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import (
    BookingStatus,
    Comment,
    Membership,
    Programme,
    Recording,
    Reflection,
    Role,
)
from app.models.organisation import AssignmentKind
from tests.factories import (
    assign,
    make_observation,
    make_programme,
    make_ready_recording,
    make_rubric_version,
    make_second_rater,
    make_user,
    membership_id,
)
from tests.ringfenced.cast import LONDON, TimeCast, local, make_time_cast

FIRST, LAST = date(2025, 3, 1), date(2025, 5, 31)
PERIOD = {"from": FIRST.isoformat(), "to": LAST.isoformat()}
LEVELS: dict[str, int | None] = {"A1": 4, "A2": 5}


@dataclass
class Scene:
    cast: TimeCast
    programme_a: Programme
    programme_b: Programme
    recordings: dict[str, Recording]

    def coverage(self, who: str, **params: Any) -> Any:
        answer = self.cast.get(who, "/reports/coverage", **{**PERIOD, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def rows(self, who: str, **params: Any) -> dict[str, dict[str, Any]]:
        return {row["practitioner_name"]: row for row in self.coverage(who, **params)["rows"]}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local(day, hour, minute)


def iso(instant: datetime) -> str:
    """As the API writes an instant (UTC)."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_scene(cast: TimeCast) -> Scene:
    db, organisation, people = cast.db, cast.organisation, cast.people
    _champion(db, cast)
    people["coach2"] = make_user(db, organisation, Role.coach)
    assign(db, organisation, people["coach2"], people["p2"], AssignmentKind.coach)
    programme_a = make_programme(db, organisation, name="Home visiting")
    programme_b = make_programme(db, organisation, name="Parenting group")
    version_a = make_rubric_version(db, organisation, programme_a)
    version_b = make_rubric_version(db, organisation, programme_b)
    recordings: dict[str, Recording] = {}

    def recording(name: str, owner: str, programme: Programme, uploaded: datetime) -> Recording:
        made = make_ready_recording(db, organisation, people[owner], programme=programme)
        made.uploaded_at = uploaded
        db.add(made)
        db.commit()
        recordings[name] = made
        return made

    def rated(made: Recording, rater: str, submitted: datetime | None, **extra: Any) -> None:
        version = version_b if made.programme_id == programme_b.id else version_a
        make_observation(db, made, people[rater], version, LEVELS, submitted_at=submitted, **extra)

    rated(
        recording("rec0", "p1", programme_a, at(date(2025, 1, 10), 9)),
        "coach",
        at(date(2025, 1, 15), 10),
    )
    rated(
        recording("rec1", "p1", programme_a, at(date(2025, 3, 5), 12)),
        "coach",
        at(date(2025, 3, 10), 10),
    )
    rec2 = recording("rec2", "p1", programme_a, at(date(2025, 5, 18), 12))
    rated(rec2, "coach", at(date(2025, 5, 20), 10))
    rated(rec2, "lead", at(date(2025, 5, 21), 10), rater_role="second")
    rated(
        recording("rec3", "p1", programme_a, at(date(2025, 6, 1), 10)),
        "coach",
        at(date(2025, 6, 2), 10),
    )
    rec4 = recording("rec4", "p2", programme_b, at(date(2025, 3, 20), 12))
    rated(rec4, "lead", at(date(2025, 4, 1), 10))
    # Double coded: coach2, who coaches p2 and has not rated it, is blind on it.
    make_second_rater(db, rec4, people["coach"])
    rated(recording("rec5", "p2", programme_a, at(date(2025, 4, 2), 12)), "coach2", None)
    _conversation(cast, recordings)
    _sessions(cast)
    return Scene(cast, programme_a, programme_b, recordings)


def _champion(db: Session, cast: TimeCast) -> None:
    membership = db.get(Membership, membership_id(db, cast.organisation, cast.people["p1"]))
    assert membership is not None
    membership.is_champion = True
    db.add(membership)
    db.commit()


def _conversation(cast: TimeCast, recordings: dict[str, Recording]) -> None:
    db, p1 = cast.db, cast.people["p1"]
    on_p2s = recordings["rec4"]

    def comment(
        created: datetime, *, deleted: bool = False, parent: Comment | None = None
    ) -> Comment:
        row = Comment(
            organisation_id=cast.organisation.id,
            recording_id=on_p2s.id,
            author_user_id=p1.id,
            parent_id=parent.id if parent else None,
            start_ms=None if parent else 1000,
            body="" if deleted else "Lovely open question here.",
            created_at=created,
            deleted_at=created if deleted else None,
        )
        db.add(row)
        db.commit()
        return row

    root = comment(at(date(2025, 4, 12), 10))
    comment(at(date(2025, 4, 13), 10), deleted=True)
    comment(at(date(2025, 2, 10), 10))
    comment(at(date(2025, 5, 2), 10), parent=root)
    for name, shared in (
        ("rec0", at(date(2025, 1, 11), 9)),
        ("rec1", at(date(2025, 3, 6), 9)),
        ("rec2", None),
    ):
        db.add(
            Reflection(
                organisation_id=cast.organisation.id,
                recording_id=recordings[name].id,
                went_well="The parent joined in.",
                shared_at=shared,
            )
        )
    db.commit()


def _sessions(cast: TimeCast) -> None:
    completed, confirmed, cancelled = (
        BookingStatus.completed,
        BookingStatus.confirmed,
        BookingStatus.cancelled,
    )
    sessions = [
        ("coaching", at(date(2025, 4, 10), 10), 60, ("p1",), completed, "coach"),
        ("fidelity_assessment", at(date(2025, 5, 31), 23, 15), 30, ("p1",), completed, "coach"),
        ("supervision", at(date(2025, 5, 10), 9), 90, ("p1",), completed, "supervisor"),
        ("coaching", at(date(2025, 5, 15), 10), 60, ("p1",), confirmed, "coach"),
        ("coaching", at(date(2025, 6, 1), 0, 30), 60, ("p1",), completed, "coach"),
        (
            "group_supervision",
            at(date(2025, 4, 20), 13),
            120,
            ("p1", "p2"),
            completed,
            "supervisor",
        ),
        ("coaching", at(date(2025, 5, 4), 0, 15), 60, ("p2",), completed, "coach2"),
        ("training", at(date(2025, 3, 15), 9), 180, ("p3",), completed, "lead"),
        ("coaching", at(date(2025, 5, 3), 23, 45), 30, ("p3",), completed, "coach"),
        ("coaching", at(date(2025, 4, 15), 10), 60, ("p3",), cancelled, "coach"),
    ]
    for kind, starts_at, minutes, participants, status, organiser in sessions:
        cast.book(kind, starts_at, minutes, *participants, status=status, organiser=organiser)


@pytest.fixture
def scene(app: FastAPI, db: Session, client: TestClient) -> Scene:
    return build_scene(make_time_cast(db, client, app.state.settings.secret_key))


def _p1(scene: Scene) -> dict[str, Any]:
    return {
        "practitioner_user_id": str(scene.cast.id("p1")),
        "practitioner_name": "p1",
        "is_champion": True,
        "rated_recordings": 2,
        "coaching_sessions": 2,
        "last_rated_at": iso(at(date(2025, 5, 20), 10)),
        "last_coaching_at": iso(at(date(2025, 5, 31), 23, 15)),
        "no_rating_in_weeks": False,
        "no_coaching_in_weeks": False,
        "meets_target": True,
        "recordings_uploaded": 2,
        "comments_written": 2,
        "reflections_shared": 1,
    }


def _not_champion(scene: Scene, who: str, **figures: Any) -> dict[str, Any]:
    return {
        "practitioner_user_id": str(scene.cast.id(who)),
        "practitioner_name": who,
        "is_champion": False,
        **figures,
        "recordings_uploaded": None,
        "comments_written": None,
        "reflections_shared": None,
    }


def expected_rows(scene: Scene) -> list[dict[str, Any]]:
    """The table above, for weeks=4 and target=2."""
    p2 = _not_champion(
        scene,
        "p2",
        rated_recordings=1,
        coaching_sessions=1,
        last_rated_at=iso(at(date(2025, 4, 1), 10)),
        last_coaching_at=iso(at(date(2025, 5, 4), 0, 15)),
        no_rating_in_weeks=True,
        no_coaching_in_weeks=False,
        meets_target=False,
    )
    p3 = _not_champion(
        scene,
        "p3",
        rated_recordings=0,
        coaching_sessions=1,
        last_rated_at=None,
        last_coaching_at=iso(at(date(2025, 5, 3), 23, 45)),
        no_rating_in_weeks=True,
        no_coaching_in_weeks=True,
        meets_target=False,
    )
    return [_p1(scene), p2, p3]


def test_each_practitioner_row_is_as_worked_out_by_hand(scene: Scene) -> None:
    report = scene.coverage("lead", weeks=4, target=2)
    assert report["rows"] == expected_rows(scene)
    assert report["summary"] == {
        "practitioners": 3,
        "without_rating": 2,
        "without_coaching": 1,
        "meeting_target": 1,
        "meeting_target_percent": 33.3,
        "champions": 1,
    }
    assert {key: report[key] for key in ("first_day", "last_day", "weeks", "target")} == {
        "first_day": "2025-03-01",
        "last_day": "2025-05-31",
        "weeks": 4,
        "target": 2,
    }
    assert report["weeks_first_day"] == "2025-05-04"


def test_instants_are_placed_on_the_organisations_days() -> None:
    """The boundaries the scenario leans on, checked once: London days, not UTC ones."""
    assert at(date(2025, 6, 1), 0, 30).date() == date(2025, 5, 31)  # in UTC
    assert at(date(2025, 5, 4), 0, 15).astimezone(LONDON).date() == date(2025, 5, 4)
    assert at(date(2025, 5, 4), 0, 15).astimezone(UTC).time() == time(23, 15)


def test_defaults_are_eight_weeks_and_one_rated_recording(scene: Scene) -> None:
    report = scene.coverage("lead")
    assert (report["weeks"], report["target"], report["weeks_first_day"]) == (
        8,
        1,
        "2025-04-06",
    )
    rows = {row["practitioner_name"]: row for row in report["rows"]}
    # The last eight weeks start on 6 April: after rec4's rating on 1 April.
    assert rows["p2"]["no_rating_in_weeks"] is True
    assert rows["p3"]["no_coaching_in_weeks"] is False
    assert [rows[who]["meets_target"] for who in ("p1", "p2", "p3")] == [True, True, False]
    assert report["summary"]["meeting_target"] == 2
    assert report["summary"]["meeting_target_percent"] == 66.7
    assert report["summary"]["without_coaching"] == 0


def test_weeks_count_back_from_the_end_of_to(scene: Scene) -> None:
    """A period ending on 19 May leaves p1 with no rating in its last two weeks (6 to 19
    May); one ending on 20 May takes in rec2's rating, that day at 10:00."""
    rows = scene.rows("lead", weeks=2, to="2025-05-19")
    assert rows["p1"]["no_rating_in_weeks"] is True
    assert rows["p1"]["rated_recordings"] == 1
    assert rows["p1"]["last_rated_at"] == iso(at(date(2025, 3, 10), 10))
    assert rows["p1"]["last_coaching_at"] == iso(at(date(2025, 4, 10), 10))
    assert rows["p1"]["no_coaching_in_weeks"] is True
    later = scene.rows("lead", weeks=2, to="2025-05-20")
    assert later["p1"]["no_rating_in_weeks"] is False


def test_rows_are_paged_and_the_summary_counts_everyone(scene: Scene) -> None:
    report = scene.coverage("lead", weeks=4, target=2, limit=1, offset=1)
    assert [row["practitioner_name"] for row in report["rows"]] == ["p2"]
    assert report["summary"]["practitioners"] == 3


def test_programme_narrows_the_ratings_only(scene: Scene) -> None:
    by_a = scene.rows("lead", weeks=4, target=2, programme_id=str(scene.programme_a.id))
    assert (by_a["p1"]["rated_recordings"], by_a["p2"]["rated_recordings"]) == (2, 0)
    assert by_a["p2"]["last_rated_at"] is None
    assert by_a["p2"]["coaching_sessions"] == 1
    by_b = scene.rows("lead", weeks=4, target=2, programme_id=str(scene.programme_b.id))
    assert (by_b["p1"]["rated_recordings"], by_b["p2"]["rated_recordings"]) == (0, 1)
    assert by_b["p1"]["coaching_sessions"] == 2
    assert by_b["p1"]["recordings_uploaded"] == 2


def test_a_blind_rater_sees_no_rating_of_the_recording_they_rate_blind(scene: Scene) -> None:
    """coach2 coaches p2, whose rec4 is double coded and not yet rated by coach2."""
    rows = scene.rows("coach2", weeks=4, target=2)
    assert set(rows) == {"p2"}
    assert rows["p2"]["rated_recordings"] == 0
    assert rows["p2"]["last_rated_at"] is None
    assert rows["p2"]["coaching_sessions"] == 1
    assert scene.rows("lead", weeks=4)["p2"]["rated_recordings"] == 1


def test_a_practitioner_without_anything_is_a_row_of_zeros(scene: Scene) -> None:
    cast = scene.cast
    newcomer = make_user(cast.db, cast.organisation, Role.practitioner, champion=True)
    newcomer.display_name = "p9"
    cast.db.add(newcomer)
    cast.db.commit()
    row = scene.rows("lead")["p9"]
    assert row == {
        "practitioner_user_id": str(newcomer.id),
        "practitioner_name": "p9",
        "is_champion": True,
        "rated_recordings": 0,
        "coaching_sessions": 0,
        "last_rated_at": None,
        "last_coaching_at": None,
        "no_rating_in_weeks": True,
        "no_coaching_in_weeks": True,
        "meets_target": False,
        "recordings_uploaded": 0,
        "comments_written": 0,
        "reflections_shared": 0,
    }


def test_members_without_the_practitioner_role_are_not_rows(scene: Scene) -> None:
    assert set(scene.rows("lead")) == {"p1", "p2", "p3"}
