"""After a booking is set up: confirm, cancel (whole, one occurrence, the rest of a
series), complete, no-show, and notes whose actions become learning objectives."""

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from app.models import LearningObjective, Role, TimeSignOff
from app.models.base import utcnow
from tests.booking.conftest import Team, next_week_at
from tests.factories import make_user

HOUR = timedelta(hours=1)


def _at(start: datetime) -> dict[str, str]:
    return {"starts_at": start.isoformat(), "ends_at": (start + HOUR).isoformat()}


def _series(team: Team, who: str = "coach", count: int = 4) -> dict[str, Any]:
    return team.booked(who, **_at(next_week_at(10)), rrule=f"FREQ=WEEKLY;COUNT={count}")


def _yesterday(team: Team, **overrides: Any) -> dict[str, Any]:
    return team.booked(**_at(next_week_at(10, days=-1)), **overrides)


def _statuses(team: Team, booking_id: str) -> list[str]:
    return [row["status"] for row in team.read(booking_id).json()["occurrences"]]


def test_the_organiser_cancels_a_booking_for_the_organisation(team: Team) -> None:
    booking = team.booked()
    response = team.post(booking["id"], "cancel", reason="  Coach unwell  ")
    assert response.status_code == 200, response.text
    [occurrence] = response.json()["occurrences"]
    assert occurrence["status"] == "cancelled"
    assert occurrence["cancel_reason"] == "Coach unwell"
    assert occurrence["cancelled_by_user_id"] == team.id("coach")
    assert occurrence["cancelled_by_organisation"] is True
    assert occurrence["cancelled_at"] is not None
    assert response.json()["sequence"] == 1
    assert team.audit_actions(booking["id"]) == ["booking.created", "booking.cancelled"]
    again = team.post(booking["id"], "cancel", reason="Twice")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "booking_not_open"


def test_a_practitioner_cancelling_their_own_session_is_not_the_organisation(team: Team) -> None:
    booking = team.booked()
    response = team.post(booking["id"], "cancel", "owner", reason="My child is ill")
    assert response.status_code == 200
    [occurrence] = response.json()["occurrences"]
    assert occurrence["cancelled_by_user_id"] == team.id("owner")
    assert occurrence["cancelled_by_organisation"] is False


def test_a_lead_cancels_for_the_organisation(team: Team) -> None:
    booking = team.booked()
    response = team.post(booking["id"], "cancel", "lead", reason="Office closed")
    assert response.json()["occurrences"][0]["cancelled_by_organisation"] is True


def test_who_may_not_cancel(team: Team) -> None:
    group = team.booked(
        kind="group_supervision",
        participant_user_ids=[team.id("owner"), team.id("other_practitioner")],
    )
    for who in ("owner", "supervisor"):
        refused = team.post(group["id"], "cancel", who, reason="Not for me")
        assert refused.status_code == 403, who
        assert refused.json()["error"]["code"] == "booking_cancel_not_permitted"
    assert team.post(group["id"], "cancel", "coach2", reason="?").status_code == 404
    assert _statuses(team, group["id"]) == ["confirmed"]


def test_a_reason_is_required(team: Team) -> None:
    booking = team.booked()
    for body in ({}, {"reason": "   "}, {"reason": "x" * 2001}):
        response = team.post(booking["id"], "cancel", **body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"][0]["field"] == "reason"
    assert _statuses(team, booking["id"]) == ["confirmed"]


def test_cancel_one_occurrence_of_a_series(team: Team) -> None:
    series = _series(team)
    second = series["occurrences"][1]
    response = team.post(
        series["id"], "cancel", reason="Bank holiday", occurrence_start=second["original_starts_at"]
    )
    assert response.status_code == 200, response.text
    booking = response.json()
    assert [row["status"] for row in booking["occurrences"]] == [
        "confirmed",
        "cancelled",
        "confirmed",
        "confirmed",
    ]
    assert booking["occurrences"][1]["sequence"] == 1
    assert booking["sequence"] == 0
    listed = team.listed(
        **{"from": second["local_starts_at"][:10], "to": second["local_starts_at"][:10]}
    )
    assert [item["status"] for item in listed] == ["cancelled"]


def test_cancel_the_rest_of_a_series(team: Team) -> None:
    series = _series(team)
    third = series["occurrences"][2]["original_starts_at"]
    response = team.post(
        series["id"], "cancel", reason="Moving teams", occurrence_start=third, scope="following"
    )
    assert response.status_code == 200, response.text
    assert _statuses(team, series["id"]) == ["confirmed", "confirmed", "cancelled", "cancelled"]
    assert response.json()["sequence"] == 1


def test_cancelling_asks_for_an_occurrence_that_exists_and_is_to_come(team: Team) -> None:
    series = _series(team)
    # A day after the first occurrence: never one of a weekly series, whatever today is.
    first = datetime.fromisoformat(series["occurrences"][0]["original_starts_at"])
    unknown = team.post(
        series["id"], "cancel", reason="?", occurrence_start=(first + timedelta(days=1)).isoformat()
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "occurrence_start"
    following = team.post(series["id"], "cancel", reason="?", scope="following")
    assert following.status_code == 422
    assert following.json()["error"]["fields"][0]["field"] == "occurrence_start"
    past = _yesterday(team, **{"participant_user_ids": [team.id("other_practitioner")]})
    started = team.post(past["id"], "cancel", reason="Too late")
    assert started.status_code == 409
    assert started.json()["error"]["code"] == "booking_not_open"


def test_complete_a_session_that_took_place(team: Team) -> None:
    booking = _yesterday(team)
    response = team.post(booking["id"], "complete", notes="Went well.")
    assert response.status_code == 200, response.text
    [occurrence] = response.json()["occurrences"]
    assert occurrence["status"] == "completed"
    assert occurrence["completed_at"] is not None
    assert occurrence["notes"] == "Went well."
    assert "booking.completed" in team.audit_actions(booking["id"])
    again = team.post(booking["id"], "complete")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "occurrence_not_confirmed"


def test_a_session_still_to_come_cannot_be_completed_or_missed(team: Team) -> None:
    booking = team.booked()
    for action in ("complete", "no-show"):
        response = team.post(booking["id"], action)
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "not_started"
    assert _statuses(team, booking["id"]) == ["confirmed"]


def test_a_series_names_the_occurrence_to_complete(team: Team) -> None:
    start = next_week_at(10, days=-8)
    series = team.booked(**_at(start), rrule="FREQ=WEEKLY;COUNT=3")
    missing = team.post(series["id"], "complete")
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"][0]["field"] == "occurrence_start"
    first = series["occurrences"][0]["original_starts_at"]
    assert team.post(series["id"], "complete", occurrence_start=first).status_code == 200
    assert _statuses(team, series["id"]) == ["completed", "confirmed", "confirmed"]


def test_mark_a_no_show(team: Team) -> None:
    booking = _yesterday(team)
    assert team.post(booking["id"], "no-show", "owner").status_code == 403
    assert team.post(booking["id"], "no-show", "supervisor").status_code == 403
    response = team.post(booking["id"], "no-show", "lead")
    assert response.status_code == 200
    assert _statuses(team, booking["id"]) == ["no_show"]
    assert "booking.no_show" in team.audit_actions(booking["id"])


def test_a_participant_accepts_a_proposed_booking(team: Team) -> None:
    booking = team.booked(status="proposed")
    assert team.post(booking["id"], "confirm", "supervisor").status_code == 403
    response = team.post(booking["id"], "confirm", "owner")
    assert response.status_code == 200, response.text
    assert response.json()["occurrences"][0]["status"] == "confirmed"
    assert response.json()["sequence"] == 1
    again = team.post(booking["id"], "confirm", "owner")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "booking_not_proposed"


def test_confirming_checks_clashes_again(team: Team) -> None:
    ten = next_week_at(10)
    proposed = team.booked(status="proposed", **_at(ten))
    taken = team.booked(**_at(ten), participant_user_ids=[team.id("other_practitioner")])
    response = team.post(proposed["id"], "confirm", "owner")
    assert response.status_code == 409
    # The coach's session with another practitioner is not the owner's to see: the clash
    # says the coach is busy, and names the booking only to those who may see it.
    [clash] = response.json()["error"]["clashes"]
    assert (clash["user_id"], clash["booking_id"], clash["title"]) == (team.id("coach"), None, None)
    as_coach = team.post(proposed["id"], "confirm", "coach")
    assert as_coach.json()["error"]["clashes"][0]["booking_id"] == taken["id"]
    assert _statuses(team, proposed["id"]) == ["proposed"]


def _actions(team: Team) -> list[dict[str, Any]]:
    return [
        {"practitioner_user_id": team.id("owner"), "title": "Ask more open questions"},
        {
            "practitioner_user_id": team.id("owner"),
            "title": "Follow the child's lead",
            "target_date": "2027-03-31",
        },
    ]


def test_notes_turn_actions_into_objectives_in_one_step(team: Team) -> None:
    booking = _yesterday(team)
    response = team.post(
        booking["id"], "notes", notes="Talked through the clip.", actions=_actions(team)
    )
    assert response.status_code == 200, response.text
    saved = response.json()
    assert saved["notes"] == "Talked through the clip."
    assert len(saved["objective_ids"]) == 2
    objectives = team.db.exec(select(LearningObjective).order_by(LearningObjective.title)).all()
    assert [(o.title, str(o.practitioner_user_id)) for o in objectives] == [
        ("Ask more open questions", team.id("owner")),
        ("Follow the child's lead", team.id("owner")),
    ]
    assert {str(o.id) for o in objectives} == set(saved["objective_ids"])
    assert all(o.created_by_user_id == team.people["coach"].id for o in objectives)
    assert team.read(booking["id"]).json()["occurrences"][0]["notes"] == "Talked through the clip."
    assert "booking.notes" in team.audit_actions(booking["id"])
    owner_objectives = team.client.get(
        f"/api/v1/organisations/{team.organisation.id}/objectives", headers=team.auth("owner")
    ).json()
    assert len(owner_objectives) == 2


def test_notes_with_a_refused_action_write_nothing(team: Team) -> None:
    supervision = team.booked("supervisor", kind="supervision", **_at(next_week_at(10, days=-1)))
    before = team.rows()
    # Supervisors follow objectives but do not set them: the objectives' own rule.
    refused = team.post(
        supervision["id"],
        "notes",
        "supervisor",
        notes="Discussed caseload.",
        actions=_actions(team),
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "objective_not_permitted"
    assert team.rows() == before
    assert team.read(supervision["id"], "supervisor").json()["occurrences"][0]["notes"] == ""


def test_actions_are_for_people_taking_part(team: Team) -> None:
    booking = _yesterday(team)
    stranger = make_user(team.db, team.organisation, Role.practitioner)
    before = team.rows()
    response = team.post(
        booking["id"],
        "notes",
        notes="Notes",
        actions=[{"practitioner_user_id": str(stranger.id), "title": "Something"}],
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "actions.0.practitioner_user_id"
    assert team.rows() == before


def test_notes_follow_the_session(team: Team) -> None:
    booking = team.booked()
    response = team.post(booking["id"], "notes", notes="Too early")
    assert response.status_code == 409
    assert team.post(booking["id"], "notes", "owner", notes="Mine").status_code == 403


def test_accept_one_occurrence_of_a_proposed_series(team: Team) -> None:
    series = team.booked(**_at(next_week_at(10)), rrule="FREQ=WEEKLY;COUNT=3", status="proposed")
    second = series["occurrences"][1]["original_starts_at"]
    response = team.post(series["id"], "confirm", "owner", occurrence_start=second)
    assert response.status_code == 200, response.text
    booking = response.json()
    assert [row["status"] for row in booking["occurrences"]] == [
        "proposed",
        "confirmed",
        "proposed",
    ]
    assert (booking["occurrences"][1]["sequence"], booking["sequence"]) == (1, 0)
    assert "booking.confirmed" in team.audit_actions(series["id"])


def test_a_session_in_a_signed_off_period_waits_for_it_to_be_reopened(team: Team) -> None:
    booking = _yesterday(team)
    day = datetime.fromisoformat(booking["occurrences"][0]["local_starts_at"]).date()
    sign_off = TimeSignOff(
        organisation_id=team.organisation.id,
        practitioner_user_id=team.people["owner"].id,
        period_start=day - timedelta(days=3),
        period_end=day,
        signed_by_user_id=team.people["lead"].id,
    )
    team.db.add(sign_off)
    team.db.commit()
    for action in ("complete", "no-show"):
        refused = team.post(booking["id"], action)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "period_signed_off"
    assert _statuses(team, booking["id"]) == ["confirmed"]

    sign_off.reopened_at = utcnow()
    team.db.add(sign_off)
    team.db.commit()
    assert team.post(booking["id"], "complete").status_code == 200
    assert _statuses(team, booking["id"]) == ["completed"]
