from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Role
from tests.factories import assign, make_organisation, make_user, token_for


def test_lead_assigns_coach_and_supervisor(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    coach = make_user(db, organisation, Role.coach)
    supervisor = make_user(db, organisation, Role.supervisor)
    practitioner = make_user(db, organisation, Role.practitioner)
    url = f"/api/v1/organisations/{organisation.id}/assignments"
    headers = token_for(client, lead)
    for kind, staff in (("coach", coach), ("supervisor", supervisor)):
        response = client.post(
            url,
            headers=headers,
            json={
                "kind": kind,
                "staff_user_id": str(staff.id),
                "practitioner_user_id": str(practitioner.id),
            },
        )
        assert response.status_code == 201, response.text
    duplicate = client.post(
        url,
        headers=headers,
        json={
            "kind": "coach",
            "staff_user_id": str(coach.id),
            "practitioner_user_id": str(practitioner.id),
        },
    )
    assert duplicate.status_code == 409
    assert len(client.get(url, headers=headers).json()) == 2
    own = client.get(url, headers=token_for(client, practitioner)).json()
    assert {row["kind"] for row in own} == {"coach", "supervisor"}


def test_assignment_needs_the_right_roles(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    practitioner = make_user(db, organisation, Role.practitioner)
    other = make_user(db, organisation, Role.practitioner)
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/assignments",
        headers=token_for(client, lead),
        json={
            "kind": "coach",
            "staff_user_id": str(other.id),
            "practitioner_user_id": str(practitioner.id),
        },
    )
    assert response.status_code == 422
    assert "staff_user_id" in response.json()["error"]["message"]


def test_coach_sees_only_own_assignments(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    coach = make_user(db, organisation, Role.coach)
    coach2 = make_user(db, organisation, Role.coach)
    practitioner = make_user(db, organisation, Role.practitioner)
    assign(db, organisation, coach, practitioner)
    assign(db, organisation, coach2, practitioner)
    rows = client.get(
        f"/api/v1/organisations/{organisation.id}/assignments", headers=token_for(client, coach)
    ).json()
    assert [row["staff_user_id"] for row in rows] == [str(coach.id)]


def test_lead_ends_an_assignment(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    coach = make_user(db, organisation, Role.coach)
    practitioner = make_user(db, organisation, Role.practitioner)
    assignment = assign(db, organisation, coach, practitioner)
    url = f"/api/v1/organisations/{organisation.id}/assignments/{assignment.id}"
    assert client.delete(url, headers=token_for(client, coach)).status_code == 403
    assert client.delete(url, headers=token_for(client, lead)).status_code == 204
    assert client.delete(url, headers=token_for(client, lead)).status_code == 404
