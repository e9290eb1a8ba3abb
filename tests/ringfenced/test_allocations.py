"""Allocations: who sets them, overlaps, bad input, changes and the audit trail."""

import uuid
from typing import Any

import pytest
from sqlmodel import col, func, select

from app.models import AuditEvent, TimeAllocation
from tests.ringfenced.cast import TimeCast


def _body(cast: TimeCast, who: str = "p1", **overrides: Any) -> dict[str, Any]:
    return {
        "practitioner_user_id": str(cast.id(who)),
        "category": "supervision",
        "minutes": 90,
        "period": "month",
        "effective_from": "2026-01-01",
        **overrides,
    }


def _create(cast: TimeCast, caller: str = "supervisor", **overrides: Any) -> Any:
    return cast.post(caller, "/allocations", _body(cast, **overrides))


def _count(cast: TimeCast) -> int:
    statement = select(func.count()).select_from(TimeAllocation)
    return cast.db.exec(
        statement.where(col(TimeAllocation.organisation_id) == cast.organisation.id)
    ).one()


def test_a_supervisor_sets_an_allocation_for_their_team(cast: TimeCast) -> None:
    answer = _create(cast, effective_until="2026-06-30")
    assert answer.status_code == 201, answer.text
    allocation = answer.json()
    assert allocation["minutes"] == 90
    assert allocation["effective_until"] == "2026-06-30"
    assert allocation["set_by_user_id"] == str(cast.id("supervisor"))

    listed = cast.get("p1", "/allocations").json()
    assert [row["id"] for row in listed] == [allocation["id"]]
    event = cast.db.exec(
        select(AuditEvent).where(AuditEvent.action == "time_allocation.created")
    ).one()
    assert event.resource_id == allocation["id"]
    assert event.actor_user_id == cast.id("supervisor")


@pytest.mark.parametrize(
    ("caller", "status"),
    [("lead", 201), ("other_supervisor", 403), ("coach", 403), ("p1", 403), ("outsider", 404)],
)
def test_only_the_supervisor_or_a_lead_sets_allocations(
    cast: TimeCast, caller: str, status: int
) -> None:
    answer = _create(cast, caller)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["error"]["code"] in ("forbidden", "time_management_not_permitted")
    assert _count(cast) == (1 if status == 201 else 0)


def test_overlapping_allocations_in_one_category_are_refused(cast: TimeCast) -> None:
    first = _create(cast, effective_from="2026-01-01", effective_until="2026-03-31").json()
    clash = _create(cast, effective_from="2026-03-31", minutes=60)
    assert clash.status_code == 409
    error = clash.json()["error"]
    assert error["code"] == "allocation_overlap"
    assert error["allocation_id"] == first["id"]
    assert "2026-01-01" in error["message"] and "2026-03-31" in error["message"]
    # The day after, another category, or another practitioner: no clash.
    assert _create(cast, effective_from="2026-04-01").status_code == 201
    assert _create(cast, category="coaching").status_code == 201
    assert _create(cast, who="p2").status_code == 201
    # An open-ended one clashes with everything after its start.
    assert _create(cast, effective_from="2025-01-01", effective_until=None).status_code == 409
    assert _count(cast) == 4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": "90"}, "minutes"),
        ({"minutes": 90.0}, "minutes"),
        ({"minutes": 44_641}, "minutes"),
        ({"minutes": 10_081, "period": "week"}, "minutes"),
        ({"category": "admin"}, "category"),
        ({"period": "day"}, "period"),
        ({"effective_from": "2026-13-01"}, "effective_from"),
        ({"effective_from": "2026-01-01T00:00:00Z"}, "effective_from"),
        ({"effective_until": "2025-12-31"}, "effective_until"),
        ({"practitioner_user_id": "not-an-id"}, "practitioner_user_id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast: TimeCast, overrides: dict[str, Any], field: str
) -> None:
    answer = _create(cast, "lead", **overrides)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert field in error["message"]
    assert any(item["field"] == field for item in error["fields"])
    assert _count(cast) == 0


@pytest.mark.parametrize("who", ["coach", "lead"])
def test_the_practitioner_must_hold_the_practitioner_role_here(cast: TimeCast, who: str) -> None:
    answer = cast.post("lead", "/allocations", _body(cast, who=who))
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "practitioner_user_id"
    elsewhere = _body(cast, who="outsider")
    assert cast.post("lead", "/allocations", elsewhere).status_code == 422
    assert _count(cast) == 0


def test_an_allocation_changes_and_goes(cast: TimeCast) -> None:
    allocation = _create(cast, effective_until="2026-03-31").json()
    later = _create(cast, effective_from="2026-04-01").json()
    url = f"{cast.base}/allocations/{allocation['id']}"
    headers = cast.auth("supervisor")

    changed = cast.client.patch(url, json={"minutes": 120, "period": "week"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["minutes"], changed.json()["period"]) == (120, "week")

    # Stretching it into the next one clashes, and changes nothing.
    clash = cast.client.patch(url, json={"effective_until": None}, headers=headers)
    assert clash.status_code == 409
    assert clash.json()["error"]["allocation_id"] == later["id"]
    cast.db.expire_all()
    stored = cast.db.get(TimeAllocation, uuid.UUID(allocation["id"]))
    assert stored is not None and stored.effective_until is not None

    refused = cast.client.patch(url, json={"minutes": None}, headers=headers)
    assert refused.status_code == 422
    too_many = cast.client.patch(url, json={"minutes": 10_081}, headers=headers)
    assert too_many.status_code == 422  # 10,081 minutes a week: more than a week holds

    assert cast.client.delete(url, headers=headers).status_code == 204
    assert cast.client.delete(url, headers=headers).status_code == 404
    actions = cast.db.exec(
        select(AuditEvent.action).where(AuditEvent.resource_id == allocation["id"])
    ).all()
    assert sorted(actions) == [
        "time_allocation.changed",
        "time_allocation.created",
        "time_allocation.deleted",
    ]


@pytest.mark.parametrize(
    ("caller", "status"),
    [("coach", 403), ("p1", 403), ("other_supervisor", 404), ("p2", 404), ("outsider", 404)],
)
def test_who_may_not_change_an_allocation(cast: TimeCast, caller: str, status: int) -> None:
    allocation = _create(cast).json()
    url = f"{cast.base}/allocations/{allocation['id']}"
    headers = cast.auth(caller)
    assert cast.client.patch(url, json={"minutes": 1}, headers=headers).status_code == status
    assert cast.client.delete(url, headers=headers).status_code == status
    assert _count(cast) == 1


def test_lists_filter_within_what_the_caller_may_see(cast: TimeCast) -> None:
    _create(cast)
    _create(cast, who="p2", category="coaching")
    _create(cast, caller="other_supervisor", who="p3")

    def practitioners(who: str, **params: Any) -> list[str]:
        rows = cast.get(who, "/allocations", **params).json()
        names = {str(user.id): name for name, user in cast.people.items()}
        return sorted(names[row["practitioner_user_id"]] for row in rows)

    assert practitioners("lead") == ["p1", "p2", "p3"]
    assert practitioners("supervisor") == ["p1", "p2"]
    assert practitioners("coach") == ["p1"]
    assert practitioners("p3") == ["p3"]
    assert practitioners("lead", category="coaching") == ["p2"]
    assert practitioners("lead", practitioner_user_id=str(cast.id("p3"))) == ["p3"]
    assert cast.get("outsider", "/allocations").status_code == 404
