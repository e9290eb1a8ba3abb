from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Invitation, Role, User
from app.models.base import utcnow
from tests.factories import make_organisation, make_user, token_for

NEW_PASSWORD = "a long enough new password"


def invite(client: TestClient, db: Session, **body: object) -> dict[str, object]:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    payload = {"email": "new.person@example.org", "roles": ["practitioner"], **body}
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json=payload,
        headers=token_for(client, lead),
    )
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def token_of(url: object) -> str:
    return str(url).rsplit("/", 1)[-1]


def test_invited_member_sets_password_and_signs_in(client: TestClient, db: Session) -> None:
    invited = invite(client, db, display_name="New Person")
    assert invited["invitation_emailed"] is False
    token = token_of(invited["invitation_url"])
    accepted = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert accepted.status_code == 200
    signed_in = client.post(
        "/api/v1/auth/token", data={"username": "New.Person@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 200
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    )
    assert me.json()["memberships"][0]["roles"] == ["practitioner"]


def test_reused_invitation_is_410(client: TestClient, db: Session) -> None:
    token = token_of(invite(client, db)["invitation_url"])
    assert (
        client.post(
            f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD}
        ).status_code
        == 200
    )
    again = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert again.status_code == 410
    assert again.json()["error"]["code"] == "invitation_used"


def test_expired_invitation_is_410_and_sets_nothing(client: TestClient, db: Session) -> None:
    token = token_of(invite(client, db)["invitation_url"])
    invitation = db.exec(select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.add(invitation)
    db.commit()
    response = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "invitation_expired"
    refused = client.post(
        "/api/v1/auth/token", data={"username": "new.person@example.org", "password": NEW_PASSWORD}
    )
    assert refused.status_code == 401


def test_weak_password_is_422_naming_the_field(client: TestClient, db: Session) -> None:
    token = token_of(invite(client, db)["invitation_url"])
    response = client.post(f"/api/v1/auth/invitations/{token}", json={"password": "short-pass"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "password"
    assert (
        client.post(
            f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD}
        ).status_code
        == 200
    )


def test_unknown_invitation_is_404(client: TestClient) -> None:
    response = client.post("/api/v1/auth/invitations/not-a-token", json={"password": NEW_PASSWORD})
    assert response.status_code == 404


def test_bad_email_and_unknown_field_are_422_naming_the_field(
    client: TestClient, db: Session
) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    url = f"/api/v1/organisations/{organisation.id}/members"
    headers = token_for(client, lead)
    bad_email = client.post(
        url, json={"email": "not-an-email", "roles": ["coach"]}, headers=headers
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["error"]["fields"][0]["field"] == "email"
    unknown = client.post(
        url, json={"email": "a@example.org", "roles": ["coach"], "admin": True}, headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "admin"


def test_failed_invitation_leaves_nothing_behind(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json={"email": "champ@example.org", "roles": ["coach"], "is_champion": True},
        headers=token_for(client, lead),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "champion_needs_practitioner"
    assert db.exec(select(User).where(User.email == "champ@example.org")).first() is None
    assert db.exec(select(Invitation)).first() is None


def test_existing_user_of_another_organisation_joins_without_invitation(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.coach, email="known@example.org")
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json={"email": "KNOWN@example.org", "roles": ["coach"]},
        headers=token_for(client, lead),
    )
    assert response.status_code == 201
    assert response.json()["invitation_url"] is None
    assert response.json()["member"]["user_id"] == str(existing.id)
    organisations = {
        m["organisation_id"]
        for m in client.get("/api/v1/me", headers=token_for(client, existing)).json()["memberships"]
    }
    assert organisations == {str(elsewhere.id), str(organisation.id)}
