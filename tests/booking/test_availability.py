"""A coach's weekly windows, booking rules and exceptions, through the API: who may see
and change them, and what is refused (naming the field, writing nothing)."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, AvailabilityException, AvailabilityWindow
from tests.booking.availability_cast import Cast, make_cast

WINDOWS = [
    {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
    {"weekday": 0, "start_time": "13:30", "end_time": "17:00"},
    {
        "weekday": 3,
        "start_time": "10:00",
        "end_time": "11:00",
        "valid_from": "2027-01-04",
        "valid_until": "2027-06-30",
    },
]
RULES = {
    "slot_minutes": 45,
    "buffer_minutes": 10,
    "max_per_day": 3,
    "max_per_week": 8,
    "min_notice_hours": 48,
}


@pytest.fixture
def cast(app: FastAPI, client: TestClient, db: Session) -> Cast:
    return make_cast(app, client, db)


def put(cast: Cast, who: str = "coach", **body: Any) -> Any:
    body = {"windows": WINDOWS, "rules": RULES, **body}
    return cast.client.put(cast.url("/availability"), json=body, headers=cast.auth(who))


def problems(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [item["field"] for item in response.json()["error"]["fields"]]


def test_a_coach_publishes_windows_and_rules_that_their_practitioners_read(cast: Cast) -> None:
    assert put(cast).status_code == 200
    answer = cast.client.get(cast.url("/availability"), headers=cast.auth("practitioner"))
    assert answer.status_code == 200
    assert answer.json() == {
        "coach_user_id": cast.id("coach"),
        "time_zone": "Europe/London",
        "windows": [{**window, "valid_from": None, "valid_until": None} for window in WINDOWS[:2]]
        + [WINDOWS[2]],
        "rules": RULES,
    }
    events = cast.db.exec(select(AuditEvent).where(AuditEvent.action == "availability.updated"))
    assert [event.actor_user_id for event in events] == [cast.people["coach"].id]


def test_publishing_again_replaces_every_window_and_rule(cast: Cast) -> None:
    put(cast)
    replaced = put(cast, "lead", windows=[WINDOWS[0]], rules={"slot_minutes": 30})
    assert replaced.status_code == 200, replaced.text
    assert [window["weekday"] for window in replaced.json()["windows"]] == [0]
    assert replaced.json()["rules"] == {
        "slot_minutes": 30,
        "buffer_minutes": 15,
        "max_per_day": None,
        "max_per_week": None,
        "min_notice_hours": 24,
    }
    assert len(cast.db.exec(select(AvailabilityWindow)).all()) == 1


def test_a_coach_who_published_nothing_has_no_windows_and_the_default_rules(cast: Cast) -> None:
    answer = cast.client.get(cast.url("/availability"), headers=cast.auth("coach"))
    assert answer.json()["windows"] == []
    assert answer.json()["rules"]["slot_minutes"] == 60


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 200),
        ("lead", 200),
        ("practitioner", 200),
        ("supervisor", 200),
        ("practitioner2", 200),
        ("other_practitioner", 404),
        ("other_coach", 404),
        ("other_supervisor", 404),
        ("outsider", 404),
    ],
)
def test_who_may_read_a_coachs_availability(cast: Cast, who: str, status: int) -> None:
    for path in ("/availability", "/availability/exceptions", "/free-slots"):
        answer = cast.client.get(cast.url(path), headers=cast.auth(who))
        assert answer.status_code == status, (path, answer.text)


def test_who_may_change_a_coachs_availability(cast: Cast) -> None:
    for who in ("practitioner", "supervisor"):
        refused = put(cast, who)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "availability_not_permitted"
    for who in ("other_coach", "other_practitioner", "outsider"):
        assert put(cast, who).status_code == 404
    assert put(cast, "coach").status_code == 200
    assert put(cast, "lead").status_code == 200


def test_a_member_who_is_not_a_coach_has_no_availability(cast: Cast) -> None:
    for path in (
        f"/api/v1/organisations/{cast.organisation.id}/coaches/{cast.id('practitioner')}"
        "/availability",
        f"/api/v1/organisations/{cast.organisation.id}/coaches/{cast.id('outsider')}/availability",
    ):
        answer = cast.client.get(path, headers=cast.auth("lead"))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "coach_not_found"


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ({"weekday": 0, "start_time": "12:00", "end_time": "09:00"}, "windows.0.end_time"),
        ({"weekday": 0, "start_time": "09:00", "end_time": "09:00"}, "windows.0.end_time"),
        ({"weekday": 0, "start_time": "09:00", "end_time": "09:30"}, "windows.0.end_time"),
        ({"weekday": 7, "start_time": "09:00", "end_time": "12:00"}, "windows.0.weekday"),
        ({"weekday": -1, "start_time": "09:00", "end_time": "12:00"}, "windows.0.weekday"),
        ({"weekday": "0", "start_time": "09:00", "end_time": "12:00"}, "windows.0.weekday"),
        ({"weekday": 0, "start_time": "9:00", "end_time": "12:00"}, "windows.0.start_time"),
        ({"weekday": 0, "start_time": "09:00:00", "end_time": "12:00"}, "windows.0.start_time"),
        ({"weekday": 0, "start_time": "09:00", "end_time": "24:00"}, "windows.0.end_time"),
        ({"weekday": 0, "start_time": 32400, "end_time": "12:00"}, "windows.0.start_time"),
        (
            {
                "weekday": 0,
                "start_time": "09:00",
                "end_time": "12:00",
                "valid_from": "2027-02-01",
                "valid_until": "2027-01-01",
            },
            "windows.0.valid_until",
        ),
    ],
)
def test_a_bad_window_is_refused_naming_it(cast: Cast, window: dict[str, Any], field: str) -> None:
    assert problems(put(cast, windows=[window], rules={"slot_minutes": 60})) == [field]


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"slot_minutes": 5}, "rules.slot_minutes"),
        ({"slot_minutes": 481}, "rules.slot_minutes"),
        ({"slot_minutes": 42}, "rules.slot_minutes"),
        ({"slot_minutes": 60.0}, "rules.slot_minutes"),
        ({"buffer_minutes": -1}, "rules.buffer_minutes"),
        ({"buffer_minutes": 241}, "rules.buffer_minutes"),
        ({"max_per_day": 0}, "rules.max_per_day"),
        ({"max_per_week": 101}, "rules.max_per_week"),
        ({"min_notice_hours": 721}, "rules.min_notice_hours"),
        ({"max_per_day": 4, "max_per_week": 3}, "rules.max_per_week"),
        ({"slots": 3}, "rules.slots"),
    ],
)
def test_rules_outside_sensible_bounds_are_refused(
    cast: Cast, rules: dict[str, Any], field: str
) -> None:
    assert problems(put(cast, windows=[], rules=rules)) == [field]


def test_windows_may_not_overlap_on_a_day_unless_their_periods_are_apart(cast: Cast) -> None:
    morning = {"weekday": 2, "start_time": "09:00", "end_time": "12:00"}
    overlapping = {"weekday": 2, "start_time": "11:00", "end_time": "13:00"}
    assert problems(put(cast, windows=[morning, overlapping])) == ["windows.1"]
    message = put(cast, windows=[morning, overlapping]).json()["error"]["message"]
    assert "overlaps windows.0 on Wednesday" in message
    spring = {**morning, "valid_until": "2027-03-31"}
    summer = {**overlapping, "valid_from": "2027-04-01"}
    other_day = {**overlapping, "weekday": 3}
    assert put(cast, windows=[spring, summer, other_day]).status_code == 200


def test_every_problem_is_named_at_once_and_nothing_is_written(cast: Cast) -> None:
    put(cast)
    before = cast.client.get(cast.url("/availability"), headers=cast.auth("coach")).json()
    backwards = {"weekday": 1, "start_time": "12:00", "end_time": "09:00"}
    overlapping = {"weekday": 0, "start_time": "10:00", "end_time": "11:00"}
    rules = {**RULES, "max_per_week": 1}
    answer = put(cast, windows=[WINDOWS[0], backwards, overlapping], rules=rules)
    assert problems(answer) == ["windows.1.end_time", "windows.2", "rules.max_per_week"]
    after = cast.client.get(cast.url("/availability"), headers=cast.auth("coach")).json()
    assert after == before


def test_exceptions_are_added_listed_in_date_order_and_removed(cast: Cast) -> None:
    url, coach = cast.url("/availability/exceptions"), cast.auth("coach")
    bodies = [
        {"on_date": "2027-05-03", "available": True, "start_time": "14:00", "end_time": "16:00"},
        {"on_date": "2027-04-12", "note": "  Training day  "},
        {"on_date": "2027-04-12", "start_time": "09:00", "end_time": "10:00"},
    ]
    created = [cast.client.post(url, json=body, headers=coach) for body in bodies]
    assert [answer.status_code for answer in created] == [201, 201, 201]
    assert created[1].json() == {
        "id": created[1].json()["id"],
        "coach_user_id": cast.id("coach"),
        "on_date": "2027-04-12",
        "available": False,
        "start_time": None,
        "end_time": None,
        "note": "Training day",
    }
    listed = cast.client.get(url, headers=cast.auth("practitioner")).json()
    assert [item["id"] for item in listed] == [created[i].json()["id"] for i in (1, 2, 0)]
    april = cast.client.get(url, params={"from": "2027-04-01", "to": "2027-04-30"}, headers=coach)
    assert len(april.json()) == 2
    paged = cast.client.get(url, params={"limit": 1, "offset": 2}, headers=coach).json()
    assert [item["id"] for item in paged] == [created[0].json()["id"]]
    gone = cast.client.delete(f"{url}/{created[0].json()['id']}", headers=cast.auth("lead"))
    assert gone.status_code == 204
    assert cast.client.delete(f"{url}/{created[0].json()['id']}", headers=coach).status_code == 404
    actions = cast.db.exec(
        select(AuditEvent.action)
        .where(col(AuditEvent.action).startswith("availability."))
        .order_by(col(AuditEvent.created_at))
    ).all()
    assert actions == ["availability.exception_added"] * 3 + ["availability.exception_deleted"]


def test_an_exception_belongs_to_its_coach(cast: Cast) -> None:
    body = {"on_date": "2027-04-12"}
    created = cast.client.post(
        cast.url("/availability/exceptions", coach="other_coach"),
        json=body,
        headers=cast.auth("other_coach"),
    )
    assert created.status_code == 201
    own_path = cast.url(f"/availability/exceptions/{created.json()['id']}")
    assert cast.client.delete(own_path, headers=cast.auth("coach")).status_code == 404
    assert cast.client.delete(own_path, headers=cast.auth("lead")).status_code == 404
    assert len(cast.db.exec(select(AvailabilityException)).all()) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on_date": "2027-04-12", "available": True}, "start_time"),
        ({"on_date": "2027-04-12", "start_time": "09:00"}, "end_time"),
        ({"on_date": "2027-04-12", "end_time": "09:00"}, "start_time"),
        ({"on_date": "2027-04-12", "start_time": "10:00", "end_time": "09:00"}, "end_time"),
        ({"on_date": "12/04/2027"}, "on_date"),
        ({"on_date": "2027-04-12", "available": "yes"}, "available"),
        ({"on_date": "2027-04-12", "note": "x" * 301}, "note"),
        ({}, "on_date"),
    ],
)
def test_a_bad_exception_is_refused_naming_the_field(
    cast: Cast, body: dict[str, Any], field: str
) -> None:
    url = cast.url("/availability/exceptions")
    assert problems(cast.client.post(url, json=body, headers=cast.auth("coach"))) == [field]
    assert cast.db.exec(select(AvailabilityException)).all() == []


def test_who_may_change_exceptions(cast: Cast) -> None:
    url, body = cast.url("/availability/exceptions"), {"on_date": "2027-04-12"}
    created = cast.client.post(url, json=body, headers=cast.auth("coach")).json()
    for who in ("practitioner", "supervisor"):
        for answer in (
            cast.client.post(url, json=body, headers=cast.auth(who)),
            cast.client.delete(f"{url}/{created['id']}", headers=cast.auth(who)),
        ):
            assert answer.status_code == 403
            assert answer.json()["error"]["code"] == "availability_not_permitted"
    for who in ("other_practitioner", "other_coach", "outsider"):
        assert cast.client.post(url, json=body, headers=cast.auth(who)).status_code == 404
    assert cast.client.post(url, json=body, headers=cast.auth("lead")).status_code == 201
