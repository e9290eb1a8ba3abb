"""The lead's audit trail: narrowed by action, actor, target and days of the organisation's
calendar, newest first; every event the filters keep as CSV (the same rows as the JSON,
formula-like cells neutralised); leads only, and no other organisation's."""

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import AuditEvent, Organisation, Role, User
from app.organisation.schemas import AuditEventRead
from tests.factories import make_organisation, make_user, token_for


@dataclass(frozen=True)
class Trail:
    organisation: Organisation
    lead: User
    coach: User
    events: dict[str, uuid.UUID]
    url: str


def _event(db: Session, organisation: Organisation, at: str, **values: Any) -> uuid.UUID:
    event = AuditEvent(
        organisation_id=organisation.id,
        created_at=datetime.fromisoformat(at).replace(tzinfo=UTC),
        **values,
    )
    db.add(event)
    db.commit()
    return event.id


@pytest.fixture
def trail(db: Session) -> Trail:
    """Four events in March 2026 of an organisation in New York (UTC-5 then): 03:00 UTC
    on the 10th is still the 9th there."""
    organisation = make_organisation(db, "Hudson Family Partnership")
    organisation.time_zone = "America/New_York"
    db.add(organisation)
    lead = make_user(db, organisation, Role.lead, email="lee@example.org")
    lead.display_name = "Lee Lead"
    coach = make_user(db, organisation, Role.coach, email="cora@example.org")
    coach.display_name = "Cora Coach"
    db.add_all([lead, coach])
    db.commit()
    events = {
        "assigned": _event(
            db,
            organisation,
            "2026-03-09T15:00:00",
            actor_user_id=lead.id,
            action="assignment.created",
            resource_type="assignment",
            resource_id="a-1",
            details={"kind": "coach"},
            ip_address="192.0.2.10",
            request_id="req-1",
        ),
        "late_on_the_9th": _event(
            db,
            organisation,
            "2026-03-10T03:00:00",
            actor_user_id=lead.id,
            action="membership.updated",
            resource_type="membership",
            resource_id="m-1",
            details={"roles_after": ["coach"]},
        ),
        "viewed": _event(
            db,
            organisation,
            "2026-03-10T05:00:00",
            actor_user_id=coach.id,
            action="recording.media_viewed",
            resource_type="recording",
            resource_id="r-1",
        ),
        "erased": _event(
            db,
            organisation,
            "2026-03-12T12:00:00",
            action="recording.media_erased",
            resource_type="recording",
            resource_id="r-1",
            details={"reason": "retention"},
        ),
    }
    url = f"/api/v1/organisations/{organisation.id}/audit-events"
    return Trail(organisation, lead, coach, events, url)


def _shown(client: TestClient, trail: Trail, **params: Any) -> list[str]:
    """The events the lead sees, by their names in the fixture, newest first."""
    names = {str(event_id): name for name, event_id in trail.events.items()}
    answer = client.get(trail.url, params=params, headers=token_for(client, trail.lead))
    assert answer.status_code == 200, answer.text
    # Anything the requests themselves record is named by its action.
    return [names.get(row["id"], row["action"]) for row in answer.json()]


MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_the_lead_reads_the_trail_newest_first_with_who_acted(
    client: TestClient, trail: Trail
) -> None:
    answer = client.get(trail.url, params=MARCH, headers=token_for(client, trail.lead))
    rows = answer.json()
    assert [row["action"] for row in rows] == [
        "recording.media_erased",
        "recording.media_viewed",
        "membership.updated",
        "assignment.created",
    ]
    assert rows[0]["actor_user_id"] is None and rows[0]["actor_name"] is None
    assert rows[1]["actor_email"] == "cora@example.org"
    assert rows[1]["actor_name"] == "Cora Coach"
    oldest = rows[3]
    assert (oldest["resource_type"], oldest["resource_id"]) == ("assignment", "a-1")
    assert oldest["details"] == {"kind": "coach"}
    assert (oldest["ip_address"], oldest["request_id"]) == ("192.0.2.10", "req-1")
    assert datetime.fromisoformat(oldest["created_at"]) == datetime(2026, 3, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "membership.updated"}, ["late_on_the_9th"]),
        ({"resource_type": "recording"}, ["erased", "viewed"]),
        ({"resource_type": "recording", "resource_id": "r-1"}, ["erased", "viewed"]),
        ({"resource_id": "m-1"}, ["late_on_the_9th"]),
        # Days of New York's calendar: 03:00 UTC on the 10th is the 9th there.
        ({"from": "2026-03-09", "to": "2026-03-09"}, ["late_on_the_9th", "assigned"]),
        ({"from": "2026-03-10", "to": "2026-03-11"}, ["viewed"]),
        ({"to": "2026-03-10"}, ["viewed", "late_on_the_9th", "assigned"]),
        ({"action": "recording.media_viewed", "from": "2026-03-11"}, []),
        ({"action": "nothing.of_the_sort"}, []),
    ],
)
def test_each_filter_narrows_the_trail(
    client: TestClient, trail: Trail, params: dict[str, str], expected: list[str]
) -> None:
    assert _shown(client, trail, **params) == expected


def test_by_actor_and_combined_filters(client: TestClient, trail: Trail) -> None:
    assert _shown(client, trail, actor_user_id=trail.coach.id) == ["viewed"]
    by_lead = _shown(client, trail, actor_user_id=trail.lead.id, **MARCH)
    assert by_lead == ["late_on_the_9th", "assigned"]
    combined = {"actor_user_id": trail.lead.id, "resource_type": "membership", **MARCH}
    assert _shown(client, trail, **combined) == ["late_on_the_9th"]
    one_day = {"actor_user_id": trail.lead.id, "from": "2026-03-10", "to": "2026-03-10"}
    assert _shown(client, trail, **one_day) == []


def test_pages_follow_the_filters(client: TestClient, trail: Trail) -> None:
    first = _shown(client, trail, limit=2, **MARCH)
    second = _shown(client, trail, limit=2, offset=2, **MARCH)
    assert first + second == ["erased", "viewed", "late_on_the_9th", "assigned"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"from": "2026-03-10", "to": "2026-03-09"}, "to", "invalid_period"),
        ({"from": "1850-01-01"}, "from", "invalid_period"),
        ({"to": "10/03/2026"}, "to", "validation_error"),
        ({"actor_user_id": "lee"}, "actor_user_id", "validation_error"),
    ],
)
def test_a_wrong_filter_is_refused_naming_it(
    client: TestClient, trail: Trail, params: dict[str, str], field: str, code: str
) -> None:
    answer = client.get(trail.url, params=params, headers=token_for(client, trail.lead))
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert [problem["field"] for problem in error["fields"]] == [field]


def test_an_unknown_filter_is_refused(client: TestClient, trail: Trail) -> None:
    answer = client.get(
        trail.url, params={"actor": "lee@example.org"}, headers=token_for(client, trail.lead)
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unknown_filter"
    assert answer.json()["error"]["message"].startswith("actor: not a filter of the audit trail")


def _csv(answer: Any) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(answer.text)))


def _as_json(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the JSON answer holds it: empty cells null, details parsed."""
    return {
        name: json.loads(cell) if name == "details" else cell or None for name, cell in row.items()
    }


def test_the_csv_holds_the_rows_the_json_shows(client: TestClient, trail: Trail) -> None:
    headers = token_for(client, trail.lead)
    params = {"resource_type": "recording", **MARCH}
    shown = client.get(trail.url, params=params, headers=headers).json()
    answer = client.get(trail.url, params={**params, "format": "csv"}, headers=headers)
    assert answer.headers["content-disposition"] == (
        'attachment; filename="audit-trail-2026-03-01-2026-03-31.csv"'
    )
    header = answer.text.splitlines()[0]
    assert header.split(",") == list(AuditEventRead.model_fields)
    rows = _csv(answer)
    assert [row["action"] for row in rows] == ["recording.media_erased", "recording.media_viewed"]
    assert [_as_json(row) for row in rows] == shown
    assert rows[0]["details"] == '{"reason":"retention"}'
    assert rows[0]["created_at"] == "2026-03-12T12:00:00Z"
    assert rows[1]["actor_email"] == "cora@example.org"
    # Accept: text/csv asks the same; every event, whatever the page.
    accepted = client.get(
        trail.url, params={**MARCH, "limit": 1}, headers={**headers, "Accept": "text/csv"}
    )
    assert len(_csv(accepted)) == 4


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(
    client: TestClient, db: Session, trail: Trail
) -> None:
    trail.coach.display_name = '=HYPERLINK("http://example.com","Cora")'
    db.add(trail.coach)
    db.commit()
    _event(
        db,
        trail.organisation,
        "2026-03-20T10:00:00",
        actor_user_id=trail.coach.id,
        action="recording.media_viewed",
        resource_type="recording",
        resource_id="-2+3",
        request_id="@SUM(A1)",
    )
    answer = client.get(
        trail.url,
        params={"from": "2026-03-20", "to": "2026-03-20", "format": "csv"},
        headers=token_for(client, trail.lead),
    )
    (row,) = _csv(answer)
    assert row["actor_name"] == '\'=HYPERLINK("http://example.com","Cora")'
    assert row["resource_id"] == "'-2+3"
    assert row["request_id"] == "'@SUM(A1)"
    assert row["actor_email"] == "cora@example.org"


@pytest.mark.parametrize("params", [{}, {"format": "csv"}])
def test_only_the_organisations_lead_reads_the_trail(
    client: TestClient, db: Session, trail: Trail, params: dict[str, str]
) -> None:
    coach = client.get(trail.url, params=params, headers=token_for(client, trail.coach))
    assert coach.status_code == 403
    elsewhere = make_organisation(db, "Elsewhere")
    other_lead = make_user(db, elsewhere, Role.lead)
    outsider = client.get(trail.url, params=params, headers=token_for(client, other_lead))
    assert outsider.status_code == 404
    # Their own trail holds none of these events.
    own = client.get(
        f"/api/v1/organisations/{elsewhere.id}/audit-events",
        params=MARCH,
        headers=token_for(client, other_lead),
    )
    assert own.json() == []


def test_the_actions_the_trail_holds(client: TestClient, db: Session, trail: Trail) -> None:
    elsewhere = make_organisation(db, "Elsewhere")
    _event(db, elsewhere, "2026-03-09T15:00:00", action="booking.created", resource_type="x")
    url = f"/api/v1/organisations/{trail.organisation.id}/audit-actions"
    answer = client.get(url, headers=token_for(client, trail.lead))
    assert answer.status_code == 200
    assert answer.json() == [
        "assignment.created",
        "membership.updated",
        "recording.media_erased",
        "recording.media_viewed",
    ]
    assert client.get(url, headers=token_for(client, trail.coach)).status_code == 403
