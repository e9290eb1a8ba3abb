"""Clashes: nobody taking part, the organiser included, is booked twice at once; a coach's
buffer keeps sessions apart; two requests at once cannot both book the same person."""

import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.audit.context import SYSTEM
from app.booking import clashes, service
from app.models import BookingKind, CoachBookingRules, Organisation
from tests.booking.conftest import Team, next_week_at

HOUR = timedelta(hours=1)


def _at(start: datetime, minutes: int = 60) -> dict[str, str]:
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


def _with_other(team: Team) -> dict[str, Any]:
    return {"participant_user_ids": [team.id("other_practitioner")]}


def test_an_overlap_with_the_organiser_is_refused_naming_the_clash(team: Team) -> None:
    ten = next_week_at(10)
    first = team.booked(**_at(ten))
    before = team.rows()
    response = team.book(**_at(ten + timedelta(minutes=30)), **_with_other(team), title="Other")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "booking_conflict"
    assert "Coach" in error["message"] and "Coaching: open questions" in error["message"]
    [clash] = error["clashes"]
    assert clash["user_id"] == team.id("coach")
    assert clash["name"] == "Coach"
    assert clash["booking_id"] == first["id"]
    assert clash["title"] == "Coaching: open questions"
    assert datetime.fromisoformat(clash["starts_at"]) == ten
    assert datetime.fromisoformat(clash["ends_at"]) == ten + HOUR
    assert team.rows() == before


def test_an_overlap_with_a_participant_is_refused(team: Team) -> None:
    ten = next_week_at(10)
    supervision = team.booked("supervisor", kind="supervision", title="Supervision", **_at(ten))
    response = team.book(**_at(ten + timedelta(minutes=45)))
    assert response.status_code == 409
    names = {(c["name"], c["booking_id"]) for c in response.json()["error"]["clashes"]}
    assert names == {("Owner", supervision["id"])}


def test_back_to_back_sessions_are_fine_without_a_buffer(team: Team) -> None:
    ten = next_week_at(10)
    team.booked(**_at(ten))
    assert team.book(**_at(ten + HOUR), **_with_other(team)).status_code == 201
    assert team.book(**_at(ten - HOUR), **_with_other(team)).status_code == 201


def test_a_coach_buffer_keeps_their_sessions_apart(team: Team) -> None:
    team.db.add(
        CoachBookingRules(
            organisation_id=team.organisation.id,
            coach_user_id=team.people["coach"].id,
            buffer_minutes=15,
        )
    )
    team.db.commit()
    ten = next_week_at(10)
    first = team.booked(**_at(ten))
    too_close = team.book(**_at(ten + HOUR), **_with_other(team))
    assert too_close.status_code == 409
    assert too_close.json()["error"]["clashes"][0]["booking_id"] == first["id"]
    too_close_before = team.book(**_at(ten - timedelta(minutes=70)), **_with_other(team))
    assert too_close_before.status_code == 409
    assert team.book(**_at(ten + timedelta(minutes=75)), **_with_other(team)).status_code == 201
    # The buffer is the coach's: the owner may go straight on to supervision.
    straight_after = team.book("supervisor", kind="supervision", **_at(ten + HOUR))
    assert straight_after.status_code == 201


def test_only_confirmed_occurrences_block(team: Team) -> None:
    ten = next_week_at(10)
    team.booked(status="proposed", **_at(ten))
    cancelled = team.booked(**_at(ten + 3 * HOUR))
    team.post(cancelled["id"], "cancel", reason="Moved to the afternoon")
    assert team.book(**_at(ten)).status_code == 201
    assert team.book(**_at(ten + 3 * HOUR)).status_code == 201


def test_one_clashing_occurrence_refuses_the_whole_series(team: Team) -> None:
    ten = next_week_at(10)
    third_week = team.booked(**_at(ten + timedelta(days=14, minutes=30)), **_with_other(team))
    before = team.rows()
    response = team.book(**_at(ten), rrule="FREQ=WEEKLY;COUNT=4")
    assert response.status_code == 409
    assert [c["booking_id"] for c in response.json()["error"]["clashes"]] == [third_week["id"]]
    assert team.rows() == before


def test_busy_intervals_include_the_buffer_and_merge(team: Team) -> None:
    team.db.add(
        CoachBookingRules(
            organisation_id=team.organisation.id,
            coach_user_id=team.people["coach"].id,
            buffer_minutes=10,
        )
    )
    team.db.commit()
    ten = next_week_at(10)
    team.booked(**_at(ten))
    team.booked(**_at(ten + timedelta(minutes=80)), **_with_other(team))
    team.booked(**_at(ten + 5 * HOUR), **_with_other(team))
    team.booked("supervisor", kind="supervision", **_at(ten + 3 * HOUR))  # not the coach's
    busy = clashes.busy_intervals(
        team.db, team.organisation.id, team.people["coach"].id, ten - HOUR, ten + 12 * HOUR
    )
    minutes = timedelta(minutes=1)
    assert busy == [
        (ten - 10 * minutes, ten + 150 * minutes),
        (ten + 290 * minutes, ten + 370 * minutes),
    ]


def _locks_awaited(engine: Engine) -> int:
    with engine.connect() as connection:
        statement = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return int(connection.execute(statement).scalar_one())


def _wait_until_blocked(engine: Engine, second: Future[Any]) -> None:
    """Until the second request waits for the first one's lock (it must not finish)."""
    deadline = time.monotonic() + 30
    while _locks_awaited(engine) == 0:
        assert not second.done(), "the second request did not wait for the first"
        assert time.monotonic() < deadline, "the second request never came to the lock"
        time.sleep(0.02)


@pytest.mark.once_on_postgresql
def test_a_second_booking_waits_for_the_first_and_then_sees_it(team: Team, app: FastAPI) -> None:
    ten, coach = next_week_at(10), team.people["coach"]
    headers = team.auth("coach")
    with Session(app.state.engine, expire_on_commit=False) as first:
        organisation = first.get(Organisation, team.organisation.id)
        assert organisation is not None
        service.create_booking(
            first,
            organisation=organisation,
            organiser_user_id=coach.id,
            kind=BookingKind.coaching,
            title="First",
            starts_at=ten,
            ends_at=ten + HOUR,
            participant_user_ids=[team.people["owner"].id],
            context=SYSTEM,
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            body = team.body(**_at(ten + timedelta(minutes=30)), **_with_other(team))
            second = pool.submit(team.client.post, team.base, json=body, headers=headers)
            _wait_until_blocked(app.state.engine, second)
            first.commit()
            answer = second.result(timeout=30)
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["clashes"][0]["title"] == "First"
    assert team.rows()["Booking"] == 1


def test_two_requests_at_once_for_the_same_person_make_one_booking(team: Team) -> None:
    ten, headers = next_week_at(10), team.auth("coach")
    bodies = [
        team.body(**_at(ten), title="One"),
        team.body(**_at(ten + timedelta(minutes=15)), title="Two", **_with_other(team)),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(lambda body: team.client.post(team.base, json=body, headers=headers), bodies)
        )
    assert sorted(answer.status_code for answer in answers) == [201, 409]
    assert team.rows()["Booking"] == 1
