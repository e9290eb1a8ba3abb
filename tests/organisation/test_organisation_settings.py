"""The organisation's settings as the lead's Settings screen changes them: only the fields
sent change, retention can be cleared (keep recordings until deleted), a wrong value is
refused naming its field and changes nothing, and every change is in the audit trail."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEvent, Organisation, Role
from tests.factories import make_organisation, make_user, token_for


def _settings(
    client: TestClient, organisation: Organisation, headers: dict[str, str]
) -> dict[str, Any]:
    answer = client.get(f"/api/v1/organisations/{organisation.id}", headers=headers)
    assert answer.status_code == 200
    settings: dict[str, Any] = answer.json()
    return settings


def test_only_the_fields_sent_change_and_retention_clears_with_null(
    client: TestClient, db: Session
) -> None:
    organisation = make_organisation(db, "Riverside Family Hub")
    headers = token_for(client, make_user(db, organisation, Role.lead))
    url = f"/api/v1/organisations/{organisation.id}"
    first = client.patch(
        url, headers=headers, json={"retention_days": 90, "retention_basis": "last_review"}
    )
    assert first.status_code == 200, first.text
    before = _settings(client, organisation, headers)
    assert (before["retention_days"], before["retention_basis"]) == (90, "last_review")

    cleared = client.patch(url, headers=headers, json={"retention_days": None})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json() == {**before, "retention_days": None}
    assert _settings(client, organisation, headers)["retention_days"] is None

    tuned = client.patch(
        url, headers=headers, json={"fidelity_threshold_percent": 75, "time_tolerance_percent": 90}
    )
    assert tuned.status_code == 200, tuned.text
    after = _settings(client, organisation, headers)
    assert (after["fidelity_threshold_percent"], after["time_tolerance_percent"]) == (75, 90)
    assert after["name"] == "Riverside Family Hub"

    changes = db.exec(
        select(AuditEvent.details)
        .where(AuditEvent.action == "organisation.updated")
        .order_by(col(AuditEvent.created_at))
    ).all()
    assert [details["fields"] for details in changes] == [
        ["retention_basis", "retention_days"],
        ["retention_days"],
        ["fidelity_threshold_percent", "time_tolerance_percent"],
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"retention_days": 0}, "retention_days"),
        ({"retention_days": "30"}, "retention_days"),
        ({"retention_basis": "first_view"}, "retention_basis"),
        ({"time_tolerance_percent": 101}, "time_tolerance_percent"),
        ({"fidelity_threshold_percent": -1}, "fidelity_threshold_percent"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"time_zone": None}, "time_zone"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field_and_nothing_changes(
    client: TestClient, db: Session, body: dict[str, object], field: str
) -> None:
    organisation = make_organisation(db, "Riverside Family Hub")
    headers = token_for(client, make_user(db, organisation, Role.lead))
    before = _settings(client, organisation, headers)
    # A good change sent with the wrong one is not made either.
    answer = client.patch(
        f"/api/v1/organisations/{organisation.id}",
        headers=headers,
        json={"time_zone": "Europe/Dublin", **body},
    )
    assert answer.status_code == 422, answer.text
    assert [problem["field"] for problem in answer.json()["error"]["fields"]] == [field]
    assert _settings(client, organisation, headers) == before
