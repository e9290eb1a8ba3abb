"""Changing a booking: the whole of it, one occurrence, or the rest of a series (split)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from httpx import Response

from tests.booking.conftest import Team, next_week_at

HOUR = timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


def _at(start: datetime, minutes: int = 60) -> dict[str, str]:
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


def _patch(team: Team, booking_id: str, who: str = "coach", **body: Any) -> Response:
    return team.client.patch(f"{team.base}/{booking_id}", json=body, headers=team.auth(who))


def _starts(booking: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(row["starts_at"]) for row in booking["occurrences"]]


def test_change_the_whole_booking(team: Team) -> None:
    booking = team.booked()
    eleven = next_week_at(11)
    response = _patch(
        team,
        booking["id"],
        title="Coaching: follow-up",
        location="Room 5",
        starts_at=eleven.isoformat(),
        participant_user_ids=[team.id("owner"), team.id("other_practitioner")],
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["title"], changed["location"]) == ("Coaching: follow-up", "Room 5")
    assert _starts(changed) == [eleven]
    # A new start alone keeps the length.
    assert datetime.fromisoformat(changed["occurrences"][0]["ends_at"]) == eleven + HOUR
    assert {p["name"] for p in changed["participants"]} == {"Owner", "Other practitioner"}
    assert changed["sequence"] == 1
    assert team.audit_actions(booking["id"]) == ["booking.created", "booking.changed"]
    assert team.read(booking["id"], "other_practitioner").status_code == 200


def test_a_title_alone_does_not_disturb_calendars(team: Team) -> None:
    booking = team.booked()
    response = _patch(team, booking["id"], title="Coaching", agenda="The clip at 0:42")
    assert response.json()["sequence"] == 0
    assert response.json()["agenda"] == "The clip at 0:42"


def test_moving_onto_someone_busy_is_a_clash(team: Team) -> None:
    ten = next_week_at(10)
    booking = team.booked(**_at(ten))
    busy = team.booked("supervisor", kind="supervision", **_at(ten + 2 * HOUR))
    response = _patch(team, booking["id"], starts_at=(ten + 2 * HOUR).isoformat())
    assert response.status_code == 409
    assert response.json()["error"]["clashes"][0]["booking_id"] == busy["id"]
    assert _starts(team.read(booking["id"]).json()) == [ten]
    # Adding someone who is busy at the time is a clash too.
    theirs = team.booked(
        "supervisor", kind="supervision", participant_user_ids=[team.id("other_practitioner")]
    )
    both = [team.id("owner"), team.id("other_practitioner")]
    joined = _patch(team, booking["id"], participant_user_ids=both)
    assert joined.status_code == 409
    # Their supervision is not the coach's to see: named to the coach only as busy.
    [clash] = joined.json()["error"]["clashes"]
    assert clash["name"] == "Other practitioner"
    assert (clash["booking_id"], clash["title"]) == (None, None)
    assert theirs["title"] not in joined.json()["error"]["message"]
    assert len(team.read(booking["id"]).json()["participants"]) == 1


def test_only_the_organiser_or_a_lead_changes_a_booking(team: Team) -> None:
    booking = team.booked()
    for who in ("owner", "supervisor"):
        refused = _patch(team, booking["id"], who, title="Mine now")
        assert refused.status_code == 403, who
        assert refused.json()["error"]["code"] == "booking_not_permitted"
    assert _patch(team, booking["id"], "coach2", title="?").status_code == 404
    assert _patch(team, booking["id"], "lead", title="Lead's title").status_code == 200


def test_bad_changes_are_refused_naming_the_field(team: Team) -> None:
    booking = team.booked()
    ten = next_week_at(10)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ends_at": (ten - HOUR).isoformat()}, "ends_at"),
        ({"starts_at": "2027-01-04T10:00:00"}, "starts_at"),
        ({"title": None}, "title"),
        (
            {"participant_user_ids": ["00000000-0000-4000-8000-000000000000"]},
            "participant_user_ids",
        ),
        ({"scope": "following"}, "occurrence_start"),
    ]
    for body, field in cases:
        response = _patch(team, booking["id"], **body)
        assert response.status_code == 422, body
        assert field in [p["field"] for p in response.json()["error"]["fields"]], body
    assert team.read(booking["id"]).json()["sequence"] == 0


def test_move_one_occurrence_of_a_series(team: Team) -> None:
    ten = next_week_at(10)
    series = team.booked(**_at(ten), rrule="FREQ=WEEKLY;COUNT=3")
    second = series["occurrences"][1]
    moved_to = ten + timedelta(days=8)
    response = _patch(
        team,
        series["id"],
        occurrence_start=second["original_starts_at"],
        starts_at=moved_to.isoformat(),
    )
    assert response.status_code == 200, response.text
    booking = response.json()
    occurrence = booking["occurrences"][1]
    assert datetime.fromisoformat(occurrence["starts_at"]) == moved_to
    assert occurrence["original_starts_at"] == second["original_starts_at"]
    assert occurrence["sequence"] == 1
    assert booking["sequence"] == 0
    assert _starts(booking)[0] == ten and _starts(booking)[2] == ten + timedelta(days=14)
    day = moved_to.date().isoformat()
    assert [item["id"] for item in team.listed(**{"from": day, "to": day})] == [occurrence["id"]]


def test_one_occurrence_changes_its_times_only(team: Team) -> None:
    series = team.booked(**_at(next_week_at(10)), rrule="FREQ=WEEKLY;COUNT=3")
    start = series["occurrences"][1]["original_starts_at"]
    response = _patch(team, series["id"], occurrence_start=start, title="Special")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "title"


def test_change_the_rest_of_a_series_splits_it(team: Team) -> None:
    ten = next_week_at(10)
    series = team.booked(
        **_at(ten), rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=6", title="Supervision", kind="supervision"
    )
    third = series["occurrences"][2]["original_starts_at"]
    response = _patch(
        team,
        series["id"],
        occurrence_start=third,
        scope="following",
        starts_at=(datetime.fromisoformat(third) + 4 * HOUR).isoformat(),
        location="Room 9",
    )
    assert response.status_code == 200, response.text
    rest = response.json()
    assert rest["id"] != series["id"]
    assert rest["rrule"] == "FREQ=WEEKLY;INTERVAL=2;COUNT=4"
    assert rest["location"] == "Room 9"
    assert [s.astimezone(LONDON).hour for s in _starts(rest)] == [14, 14, 14, 14]
    assert rest["participants"] == series["participants"]
    earlier = team.read(series["id"]).json()
    cut = datetime.fromisoformat(third).astimezone(UTC) - timedelta(seconds=1)
    assert earlier["rrule"] == f"FREQ=WEEKLY;INTERVAL=2;UNTIL={cut:%Y%m%dT%H%M%SZ}"
    assert _starts(earlier) == _starts(series)[:2]
    assert earlier["location"] == "" and earlier["sequence"] == 1
    assert team.audit_actions(series["id"]) == ["booking.created", "booking.changed"]
    assert team.audit_actions(rest["id"]) == ["booking.created"]


def test_a_cancelled_occurrence_stays_cancelled_when_the_series_moves(team: Team) -> None:
    ten = next_week_at(10)
    series = team.booked(**_at(ten), rrule="FREQ=WEEKLY;COUNT=3")
    second = series["occurrences"][1]["original_starts_at"]
    team.post(series["id"], "cancel", reason="Holiday", occurrence_start=second)
    response = _patch(team, series["id"], starts_at=(ten + HOUR).isoformat())
    assert response.status_code == 200, response.text
    moved = response.json()
    assert [row["status"] for row in moved["occurrences"]] == [
        "confirmed",
        "cancelled",
        "confirmed",
    ]
    assert moved["occurrences"][1]["cancel_reason"] == "Holiday"
    assert _starts(moved)[0] == ten + HOUR
    assert moved["starts_at"] == moved["occurrences"][0]["starts_at"]


def test_what_has_started_keeps_its_times(team: Team) -> None:
    started = team.booked(**_at(next_week_at(10, days=-8)), rrule="FREQ=WEEKLY;COUNT=4")
    response = _patch(team, started["id"], starts_at=next_week_at(12).isoformat())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking_started"
    first = started["occurrences"][0]["original_starts_at"]
    past = _patch(
        team, started["id"], occurrence_start=first, starts_at=next_week_at(12).isoformat()
    )
    assert past.status_code == 409
    assert past.json()["error"]["code"] == "occurrence_started"
    # The rest of the series, still to come, may move.
    third = started["occurrences"][2]["original_starts_at"]
    later = datetime.fromisoformat(third) + HOUR
    rest = _patch(
        team, started["id"], occurrence_start=third, scope="following", starts_at=later.isoformat()
    )
    assert rest.status_code == 200, rest.text
    assert rest.json()["rrule"] == "FREQ=WEEKLY;COUNT=2"
