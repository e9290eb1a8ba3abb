"""Logged time: who logs it for whom, bad input, and what the report makes of it."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from app.models import AuditEvent, TimeEntry
from app.models.base import utcnow
from tests.ringfenced.cast import LONDON, TimeCast

DAY = date(2026, 11, 3)


def _body(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "planning",
        "on_date": DAY.isoformat(),
        "minutes": 45,
        "note": "  Session plans for the group  ",
        **overrides,
    }


def _count(cast: TimeCast) -> int:
    statement = select(func.count()).select_from(TimeEntry)
    return cast.db.exec(
        statement.where(col(TimeEntry.organisation_id) == cast.organisation.id)
    ).one()


def test_a_practitioner_logs_their_own_time_and_it_counts_as_used(cast: TimeCast) -> None:
    answer = cast.post("p1", "/time-entries", _body())
    assert answer.status_code == 201, answer.text
    entry = answer.json()
    assert entry["practitioner_user_id"] == str(cast.id("p1"))
    assert entry["note"] == "Session plans for the group"
    assert entry["created_by_user_id"] == str(cast.id("p1"))

    (row,) = cast.report("p1", DAY, DAY)
    assert (row["category"], row["used_minutes"]) == ("planning", 45)
    logged = cast.db.exec(select(AuditEvent).where(AuditEvent.action == "time_entry.logged")).one()
    assert logged.resource_id == entry["id"]


@pytest.mark.parametrize(
    ("caller", "whose", "status"),
    [
        ("supervisor", "p1", 201),
        ("lead", "p3", 201),
        ("other_supervisor", "p1", 403),
        ("p2", "p1", 403),
        ("coach", "p1", 403),
        ("outsider", "p1", 404),
    ],
)
def test_who_logs_time_for_whom(cast: TimeCast, caller: str, whose: str, status: int) -> None:
    answer = cast.post(caller, "/time-entries", _body(practitioner_user_id=str(cast.id(whose))))
    assert answer.status_code == status, answer.text
    assert _count(cast) == (1 if status == 201 else 0)


def test_someone_who_is_not_a_practitioner_has_no_time_of_their_own(cast: TimeCast) -> None:
    answer = cast.post("supervisor", "/time-entries", _body())
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "practitioner_user_id"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": "45"}, "minutes"),
        ({"category": "admin"}, "category"),
        ({"on_date": "03/11/2026"}, "on_date"),
        ({"note": "x" * 501}, "note"),
        ({"practitioner_user_id": 7}, "practitioner_user_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: TimeCast, overrides: dict[str, Any], field: str
) -> None:
    answer = cast.post("p1", "/time-entries", _body(**overrides))
    assert answer.status_code == 422, answer.text
    assert any(item["field"] == field for item in answer.json()["error"]["fields"])
    assert _count(cast) == 0


def test_time_is_logged_on_days_that_have_begun(cast: TimeCast) -> None:
    today = utcnow().astimezone(LONDON).date()
    assert cast.post("p1", "/time-entries", _body(on_date=today.isoformat())).status_code == 201
    tomorrow = (today + timedelta(days=1)).isoformat()
    answer = cast.post("p1", "/time-entries", _body(on_date=tomorrow))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "date_in_future"
    assert answer.json()["error"]["fields"][0]["field"] == "on_date"


def test_removing_logged_time(cast: TimeCast) -> None:
    mine = cast.post("p1", "/time-entries", _body()).json()
    url = f"{cast.base}/time-entries/{mine['id']}"
    assert cast.client.delete(url, headers=cast.auth("coach")).status_code == 403
    assert cast.client.delete(url, headers=cast.auth("p2")).status_code == 404
    assert cast.client.delete(url, headers=cast.auth("p1")).status_code == 204
    assert cast.report("p1", DAY, DAY) == []
    assert cast.client.delete(url, headers=cast.auth("p1")).status_code == 404

    theirs = cast.post("p1", "/time-entries", _body()).json()
    url = f"{cast.base}/time-entries/{theirs['id']}"
    assert cast.client.delete(url, headers=cast.auth("supervisor")).status_code == 204
    deleted = select(AuditEvent).where(AuditEvent.action == "time_entry.deleted")
    assert len(cast.db.exec(deleted).all()) == 2


def test_the_list_shows_what_the_caller_may_see_newest_day_first(cast: TimeCast) -> None:
    for offset in range(3):
        cast.log("p1", "training", DAY - timedelta(days=offset), 30)
    cast.log("p3", "planning", DAY, 20)

    def days(who: str, **params: Any) -> list[str]:
        return [row["on_date"] for row in cast.get(who, "/time-entries", **params).json()]

    assert days("p1") == [(DAY - timedelta(days=n)).isoformat() for n in range(3)]
    assert days("coach") == days("p1")
    assert days("supervisor") == days("p1")
    assert len(days("lead")) == 4
    assert days("p1", **{"from": DAY - timedelta(days=1), "to": DAY}) == days("p1")[:2]
    assert days("lead", category="planning") == [DAY.isoformat()]
