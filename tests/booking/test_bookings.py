"""Setting up bookings and reading them back: the organiser, participants, recordings to
review, who sees a booking, and bad input that leaves nothing written."""

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from app.models import BookingOccurrence, BookingParticipant, Membership
from tests.booking.conftest import Team, next_week_at
from tests.factories import make_ready_recording, make_user


def test_a_coach_books_a_session_with_a_practitioner(team: Team) -> None:
    start = next_week_at(10)
    booking = team.booked(
        title="  Coaching: open questions  ",
        participant_user_ids=[team.id("owner"), team.id("coach"), team.id("owner")],
        agenda="Look at the bath-time clip.",
        location="Room 2",
        video_url="https://meet.example.org/abc",
    )
    assert booking["title"] == "Coaching: open questions"
    assert booking["organiser"] == {"id": team.id("coach"), "name": "Coach"}
    # The organiser takes part anyway; a person named twice takes part once.
    assert booking["participants"] == [{"id": team.id("owner"), "name": "Owner"}]
    assert (booking["kind"], booking["is_series"], booking["rrule"]) == ("coaching", False, None)
    assert (booking["location"], booking["video_url"]) == ("Room 2", "https://meet.example.org/abc")
    assert booking["time_zone"] == "Europe/London"
    assert booking["duration_minutes"] == 60
    [occurrence] = booking["occurrences"]
    assert occurrence["status"] == "confirmed"
    assert datetime.fromisoformat(occurrence["starts_at"]) == start
    assert datetime.fromisoformat(occurrence["local_starts_at"]) == start
    assert datetime.fromisoformat(occurrence["ends_at"]) == start + timedelta(hours=1)
    assert team.audit_actions(booking["id"]) == ["booking.created"]
    assert team.rows()["BookingParticipant"] == 1


def test_times_are_taken_with_any_offset_and_stored_in_utc(team: Team) -> None:
    start = next_week_at(10)
    in_paris = start.astimezone(ZoneInfo("Europe/Paris"))
    booking = team.booked(
        starts_at=in_paris.isoformat(), ends_at=(in_paris + timedelta(minutes=45)).isoformat()
    )
    [occurrence] = booking["occurrences"]
    assert occurrence["starts_at"].endswith("Z")
    assert datetime.fromisoformat(occurrence["starts_at"]) == start
    assert booking["duration_minutes"] == 45
    # Every answer writes a moment one way, whatever offset it was sent with: the
    # booking's own start as its occurrence's, also straight after a change.
    assert booking["starts_at"] == occurrence["starts_at"]
    later = (in_paris + timedelta(hours=1)).isoformat()
    moved = team.client.patch(
        f"{team.base}/{booking['id']}", json={"starts_at": later}, headers=team.auth("coach")
    )
    assert moved.status_code == 200, moved.text
    [occurrence] = moved.json()["occurrences"]
    assert moved.json()["starts_at"] == occurrence["starts_at"]
    assert datetime.fromisoformat(occurrence["starts_at"]) == start + timedelta(hours=1)


def test_only_coaches_supervisors_and_leads_organise(team: Team) -> None:
    for who, hour in (("supervisor", 9), ("lead", 12)):
        start = next_week_at(hour)
        window = {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
        }
        assert team.book(who, **window).status_code == 201, who
    refused = team.book("owner", participant_user_ids=[team.id("other_practitioner")])
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "booking_organiser_required"
    assert team.book("outsider").status_code == 404


def test_a_proposed_booking_waits_to_be_confirmed(team: Team) -> None:
    booking = team.booked(status="proposed")
    assert [row["status"] for row in booking["occurrences"]] == ["proposed"]


def _window(start_hour: int, minutes: int) -> dict[str, str]:
    start = next_week_at(start_hour)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


BAD_INPUT: dict[str, tuple[dict[str, Any], str]] = {
    "end before start": (_window(10, -30), "ends_at"),
    "zero-length": (_window(10, 0), "ends_at"),
    "longer than 24 h": (_window(10, 24 * 60 + 1), "ends_at"),
    "start without an offset": ({"starts_at": "2027-01-04T10:00:00"}, "starts_at"),
    "end without an offset": ({"ends_at": "2027-01-04T11:00:00"}, "ends_at"),
    "a number for a time": ({"starts_at": 1_800_000_000}, "starts_at"),
    "not on a whole minute": (
        {"starts_at": next_week_at(10).replace(second=30).isoformat()},
        "starts_at",
    ),
    "an unknown kind": ({"kind": "party"}, "kind"),
    "a blank title": ({"title": "   "}, "title"),
    "a video link that is not one": ({"video_url": "javascript:alert(1)"}, "video_url"),
    "an unknown field": ({"colour": "red"}, "colour"),
    "completed at once": ({"status": "completed"}, "status"),
    "a series without an end": ({"rrule": "FREQ=WEEKLY"}, "rrule"),
    "a series with its own start": (
        {"rrule": "DTSTART:20270104T100000\nFREQ=WEEKLY;COUNT=2"},
        "rrule",
    ),
    "a series too long": ({"rrule": "FREQ=DAILY;COUNT=201"}, "rrule"),
    "a series beyond two years": ({"rrule": "FREQ=MONTHLY;COUNT=30"}, "rrule"),
    "a series by the hour": ({"rrule": "FREQ=HOURLY;COUNT=3"}, "rrule"),
    "not an RRULE": ({"rrule": "every other Tuesday"}, "rrule"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(team: Team, case: str) -> None:
    overrides, field = BAD_INPUT[case]
    before = team.rows()
    response = team.book(**overrides)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in [problem["field"] for problem in error["fields"]], error
    assert team.rows() == before


def test_participants_must_be_members_of_the_organisation(team: Team) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    before = team.rows()
    response = team.book(participant_user_ids=[team.id("owner"), unknown, team.id("outsider")])
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_participants"
    assert error["fields"][0]["field"] == "participant_user_ids"
    assert error["unknown_user_ids"] == [unknown, team.id("outsider")]
    assert unknown in error["message"] and team.id("outsider") in error["message"]
    assert team.rows() == before


def test_recordings_to_review_are_ones_the_organiser_may_see(team: Team) -> None:
    db, organisation = team.db, team.organisation
    own = make_ready_recording(db, organisation, team.people["owner"])
    unrelated = make_ready_recording(db, organisation, team.people["other_practitioner"])
    booking = team.booked(recording_ids=[str(own.id)])
    assert booking["recordings"] == [{"id": str(own.id), "title": own.title}]
    before = team.rows()
    refused = team.book(recording_ids=[str(unrelated.id)], **_window(14, 60))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unknown_recordings"
    assert str(unrelated.id) in refused.json()["error"]["message"]
    assert team.rows() == before


def test_a_reader_sees_only_the_recordings_they_may_see(team: Team) -> None:
    db, organisation = team.db, team.organisation
    own = make_ready_recording(db, organisation, team.people["owner"])
    theirs = make_ready_recording(db, organisation, team.people["other_practitioner"])
    booking = team.booked(
        "lead",
        kind="group_supervision",
        participant_user_ids=[team.id("owner"), team.id("other_practitioner")],
        recording_ids=[str(own.id), str(theirs.id)],
    )
    assert len(booking["recordings"]) == 2
    as_owner = team.read(booking["id"], "owner").json()
    assert [row["id"] for row in as_owner["recordings"]] == [str(own.id)]
    # The list counts what the booking shows them: another practitioner's recording is
    # not theirs to know of, not even as a number.
    [item] = team.listed("owner")
    assert item["recording_count"] == 1
    assert team.listed("lead")[0]["recording_count"] == 2


def test_an_erased_recording_leaves_the_coachs_booking(team: Team) -> None:
    recording = make_ready_recording(team.db, team.organisation, team.people["owner"])
    booking = team.booked(recording_ids=[str(recording.id)])
    assert team.listed("coach")[0]["recording_count"] == 1
    # Erased as a withdrawal of consent erases it: a tombstone for the practitioner alone.
    erased = team.client.delete(f"/api/v1/recordings/{recording.id}", headers=team.auth("owner"))
    assert erased.status_code == 200, erased.text
    assert team.read(booking["id"], "coach").json()["recordings"] == []
    assert team.listed("coach")[0]["recording_count"] == 0
    # The practitioner keeps the record of their own session.
    assert team.listed("owner")[0]["recording_count"] == 1


def test_who_sees_a_booking(team: Team) -> None:
    booking = team.booked()
    for who in ("coach", "owner", "supervisor", "lead"):
        assert team.read(booking["id"], who).status_code == 200, who
        assert [item["booking_id"] for item in team.listed(who)] == [booking["id"]], who
    for who in ("coach2", "other_practitioner", "outsider"):
        response = team.read(booking["id"], who)
        assert response.status_code == 404, who
        assert response.json()["error"]["code"] == "not_found"
    for who in ("coach2", "other_practitioner"):
        assert team.listed(who) == [], who


def test_a_coach_of_a_practitioner_taking_part_sees_the_booking(team: Team) -> None:
    """The supervisor organises supervision with the owner; the owner's coach sees it."""
    booking = team.booked("supervisor", kind="supervision")
    assert team.read(booking["id"], "coach").status_code == 200
    assert team.read(booking["id"], "coach2").status_code == 404


def test_a_booking_is_found_only_under_its_own_organisation(team: Team) -> None:
    """The lead also leads another organisation: the booking is not found under it."""
    booking = team.booked()
    elsewhere = _outsider_org(team)
    team.db.add(Membership(organisation_id=elsewhere, user_id=team.people["lead"].id))
    team.db.commit()
    wrong = team.base.replace(str(team.organisation.id), str(elsewhere))
    for method, path in (("GET", ""), ("POST", "/cancel")):
        url = f"{wrong}/{booking['id']}{path}"
        body = {"reason": "Wrong place"} if method == "POST" else None
        response = team.client.request(method, url, json=body, headers=team.auth("lead"))
        assert response.status_code == 404, (method, path)
    assert team.read(booking["id"], "lead").json()["occurrences"][0]["status"] == "confirmed"


def test_the_list_shows_occurrences_in_the_range_by_start(team: Team) -> None:
    later = team.booked(**_window(15, 60))
    earlier = team.booked(**_window(9, 60), kind="planning", title="Planning block")
    weekly = team.booked(
        **_window(12, 60), rrule="FREQ=WEEKLY;COUNT=3", title="Weekly", kind="supervision"
    )
    first_day = next_week_at(0).date()
    listed = team.listed(**{"from": first_day.isoformat(), "to": first_day.isoformat()})
    assert [item["booking_id"] for item in listed] == [earlier["id"], weekly["id"], later["id"]]
    item = listed[1]
    assert item["is_series"] is True and item["rrule"] == "FREQ=WEEKLY;COUNT=3"
    assert item["organiser"]["id"] == team.id("coach")
    assert item["participants"] == [{"id": team.id("owner"), "name": "Owner"}]
    assert item["original_starts_at"] == item["starts_at"]
    assert item["self_booked"] is False
    three_weeks = {
        "from": first_day.isoformat(),
        "to": (first_day + timedelta(days=20)).isoformat(),
    }
    weekly_items = team.listed(**three_weeks, kind="supervision")
    assert len(weekly_items) == 3
    assert [item["title"] for item in team.listed(**three_weeks, kind="planning")] == [
        "Planning block"
    ]
    page = team.listed(**three_weeks, limit=2, offset=1)
    everything = team.listed(**three_weeks)
    assert page == everything[1:3]


def test_the_list_is_today_and_four_weeks_by_default(team: Team) -> None:
    soon = team.booked()
    far = team.booked(**_far_window())
    assert [item["booking_id"] for item in team.listed()] == [soon["id"]]
    assert far["id"] not in [item["booking_id"] for item in team.listed()]


def test_the_list_filters_by_person_and_status(team: Team) -> None:
    with_owner = team.booked()
    with_other = team.booked(
        **_window(14, 60), participant_user_ids=[team.id("other_practitioner")]
    )
    team.post(with_other["id"], "cancel", reason="Coach unwell")
    assert [i["booking_id"] for i in team.listed("lead", user_id=team.id("owner"))] == [
        with_owner["id"]
    ]
    assert [i["booking_id"] for i in team.listed("lead", status="cancelled")] == [with_other["id"]]
    organised = team.listed("lead", user_id=team.id("coach"))
    assert {i["booking_id"] for i in organised} == {with_owner["id"], with_other["id"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2027-02-01", "to": "2027-01-31"}, "to"),
        ({"from": "2027-01-01", "to": "2028-01-03"}, "to"),
        ({"from": "1 January"}, "from"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(
    team: Team, query: dict[str, str], field: str
) -> None:
    response = team.client.get(team.base, params=query, headers=team.auth("coach"))
    assert response.status_code == 422
    assert field in [problem["field"] for problem in response.json()["error"]["fields"]]


def test_someone_of_no_organisation_is_not_a_participant(team: Team) -> None:
    stranger = make_user(team.db, None)
    response = team.book(participant_user_ids=[str(stranger.id)])
    assert response.status_code == 422
    assert team.db.exec(select(BookingParticipant)).all() == []
    assert team.db.exec(select(BookingOccurrence)).all() == []


def _outsider_org(team: Team) -> uuid.UUID:
    statement = select(Membership).where(Membership.user_id == team.people["outsider"].id)
    return team.db.exec(statement).one().organisation_id


def _far_window() -> dict[str, str]:
    start = next_week_at(10, days=40)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
