"""Signing time off locks its days; reopening unlocks them and is audited."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from app.errors import Conflict
from app.models import AuditEvent
from app.models.base import utcnow
from app.ringfenced.sign_off import ensure_open
from tests.ringfenced.cast import LONDON, TimeCast

FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def _sign_off(cast: TimeCast, caller: str = "supervisor", **overrides: Any) -> Any:
    body = {
        "practitioner_user_id": str(cast.id("p1")),
        "period_start": FIRST.isoformat(),
        "period_end": LAST.isoformat(),
        **overrides,
    }
    return cast.post(caller, "/time-sign-offs", body)


def _log(cast: TimeCast, on_date: date, caller: str = "p1") -> Any:
    body = {"category": "planning", "on_date": on_date.isoformat(), "minutes": 30}
    if caller != "p1":
        body["practitioner_user_id"] = str(cast.id("p1"))
    return cast.post(caller, "/time-entries", body)


def test_a_signed_off_period_is_locked_until_reopened(cast: TimeCast) -> None:
    before = _log(cast, LAST).json()
    signed = _sign_off(cast)
    assert signed.status_code == 201, signed.text
    sign_off = signed.json()
    assert sign_off["signed_by_user_id"] == str(cast.id("supervisor"))

    for day, caller in ((FIRST, "p1"), (LAST, "supervisor"), (date(2026, 10, 15), "lead")):
        refused = _log(cast, day, caller)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "period_signed_off"
        assert refused.json()["error"]["sign_off_id"] == sign_off["id"]
        assert refused.json()["error"]["fields"][0]["field"] == "on_date"
    removal = cast.client.delete(
        f"{cast.base}/time-entries/{before['id']}", headers=cast.auth("p1")
    )
    assert removal.status_code == 409
    assert removal.json()["error"]["code"] == "period_signed_off"
    # The days around it, and other practitioners' days, stay open.
    assert _log(cast, FIRST - timedelta(days=1)).status_code == 201
    assert _log(cast, LAST + timedelta(days=1)).status_code == 201
    other = {"category": "planning", "on_date": FIRST.isoformat(), "minutes": 30}
    assert cast.post("p2", "/time-entries", other).status_code == 201

    reopened = cast.post(
        "supervisor", f"/time-sign-offs/{sign_off['id']}/reopen", {"reason": " A day was missed. "}
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["reopen_reason"] == "A day was missed."
    assert reopened.json()["reopened_by_user_id"] == str(cast.id("supervisor"))
    assert _log(cast, FIRST).status_code == 201

    event = cast.db.exec(
        select(AuditEvent).where(AuditEvent.action == "time_sign_off.reopened")
    ).one()
    assert event.resource_id == sign_off["id"]
    assert event.actor_user_id == cast.id("supervisor")
    assert event.details["reason"] == "A day was missed."


def test_a_reopened_period_can_be_signed_off_again(cast: TimeCast) -> None:
    first = _sign_off(cast).json()
    again = _sign_off(cast)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "sign_off_overlap"
    assert again.json()["error"]["sign_off_id"] == first["id"]
    assert _sign_off(cast, period_start="2026-10-31", period_end="2026-11-01").status_code == 409

    cast.post("lead", f"/time-sign-offs/{first['id']}/reopen", {"reason": "Corrections"})
    twice = cast.post("lead", f"/time-sign-offs/{first['id']}/reopen", {"reason": "Again"})
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "sign_off_reopened"
    assert _sign_off(cast).status_code == 201
    listed = cast.get("p1", "/time-sign-offs").json()
    assert [row["reopened_at"] is None for row in listed] == [True, False]


@pytest.mark.parametrize(
    ("caller", "status"),
    [("lead", 201), ("other_supervisor", 403), ("coach", 403), ("p1", 403), ("outsider", 404)],
)
def test_who_signs_off(cast: TimeCast, caller: str, status: int) -> None:
    assert _sign_off(cast, caller).status_code == status


@pytest.mark.parametrize(
    ("caller", "status"),
    [("coach", 403), ("p1", 403), ("other_supervisor", 404), ("p2", 404), ("outsider", 404)],
)
def test_who_may_not_reopen(cast: TimeCast, caller: str, status: int) -> None:
    sign_off = _sign_off(cast).json()
    answer = cast.post(caller, f"/time-sign-offs/{sign_off['id']}/reopen", {"reason": "Because"})
    assert answer.status_code == status
    assert _log(cast, FIRST).status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"period_end": "2026-09-30"}, "period_end", "invalid_period"),
        ({"period_start": "2026-10"}, "period_start", "validation_error"),
        ({"practitioner_user_id": None}, "practitioner_user_id", "validation_error"),
    ],
)
def test_bad_periods_name_the_field(
    cast: TimeCast, overrides: dict[str, Any], field: str, code: str
) -> None:
    answer = _sign_off(cast, **overrides)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["fields"][0]["field"] == field
    assert cast.get("lead", "/time-sign-offs").json() == []


def test_only_days_that_have_begun_are_signed_off(cast: TimeCast) -> None:
    today = utcnow().astimezone(LONDON).date()
    assert (
        _sign_off(cast, period_start=today.isoformat(), period_end=today.isoformat()).status_code
        == 201
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    answer = _sign_off(cast, period_start=tomorrow, period_end=tomorrow)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "period_not_ended"


def test_a_reason_is_needed_to_reopen(cast: TimeCast) -> None:
    sign_off = _sign_off(cast).json()
    for body in ({}, {"reason": "   "}, {"reason": "x" * 2001}):
        answer = cast.post("supervisor", f"/time-sign-offs/{sign_off['id']}/reopen", body)
        assert answer.status_code == 422
        assert answer.json()["error"]["fields"][0]["field"] == "reason"


def test_ensure_open_refuses_a_day_locked_for_any_of_the_practitioners(cast: TimeCast) -> None:
    """What completing a session asks before it changes anyone's used time."""
    locked = cast.signed_off("p2", FIRST, LAST)
    organisation_id = cast.organisation.id
    both = [cast.id("p1"), cast.id("p2")]
    with pytest.raises(Conflict) as refused:
        ensure_open(
            cast.db, organisation_id=organisation_id, practitioner_user_ids=both, on_date=LAST
        )
    assert refused.value.code == "period_signed_off"
    assert refused.value.extra["sign_off_id"] == str(locked.id)
    ensure_open(
        cast.db,
        organisation_id=organisation_id,
        practitioner_user_ids=[cast.id("p1")],
        on_date=LAST,
    )
    ensure_open(
        cast.db,
        organisation_id=organisation_id,
        practitioner_user_ids=both,
        on_date=LAST + timedelta(days=1),
    )
