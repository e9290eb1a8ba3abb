from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import AuditEvent, Identity, Invitation, Organisation, Role, User
from app.models.base import utcnow
from app.models.identity import IdentityKind
from tests.auth.conftest import NEW_PASSWORD, invite, token_of
from tests.factories import PASSWORD, make_organisation, make_user, token_for
from tests.recording.conftest import bearer_for


def test_invited_member_sets_password_and_signs_in(client: TestClient, db: Session) -> None:
    invited = invite(client, db, display_name="New Person")
    assert invited["invitation_emailed"] is False
    assert db.exec(select(User).where(User.email == "new.person@example.org")).first() is None
    token = token_of(invited["invitation_url"])
    accepted = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert accepted.status_code == 200
    assert accepted.json()["email"] == "new.person@example.org"
    signed_in = client.post(
        "/api/v1/auth/token", data={"username": "New.Person@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 200
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    )
    assert me.json()["memberships"][0]["roles"] == ["practitioner"]
    assert me.json()["display_name"] == "New Person"


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
    assert client.get(f"/api/v1/auth/invitations/{token}").status_code == 410


def test_expired_invitation_is_410_and_sets_nothing(client: TestClient, db: Session) -> None:
    token = token_of(invite(client, db)["invitation_url"])
    invitation = db.exec(select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.add(invitation)
    db.commit()
    response = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "invitation_expired"
    assert client.get(f"/api/v1/auth/invitations/{token}").status_code == 410
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
    assert response.json()["error"]["code"] == "invitation_not_found"
    assert client.get("/api/v1/auth/invitations/not-a-token").status_code == 404


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


def link_for(
    client: TestClient, db: Session, organisation: Organisation, email: str, **body: object
) -> str:
    """The API path of a fresh invitation of `email` into `organisation`, by a new lead."""
    lead = make_user(db, organisation, Role.lead)
    lead.display_name = "Lee Lead"
    db.add(lead)
    db.commit()
    payload = {"email": email, "roles": ["practitioner"], **body}
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json=payload,
        headers=token_for(client, lead),
    )
    assert response.status_code == 201, response.text
    return f"/api/v1/auth/invitations/{token_of(response.json()['invitation_url'])}"


def sso_only_user(db: Session, organisation: Organisation) -> User:
    user = make_user(db, organisation, Role.coach, password=False)
    db.add(Identity(user_id=user.id, kind=IdentityKind.oidc, issuer="https://idp", subject="s1"))
    db.commit()
    return user


def memberships_of(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    me = client.get("/api/v1/me", headers=headers).json()
    return {m["organisation_id"]: m for m in me["memberships"]}


def test_the_invitee_sees_where_they_are_invited_and_what_to_enter(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    with_password = make_user(db, elsewhere, Role.coach)
    with_sso = sso_only_user(db, elsewhere)
    organisation = make_organisation(db, "Riverside Family Hub")

    new = client.get(
        link_for(client, db, organisation, "New@example.org", display_name="Nia Okafor")
    )
    assert new.status_code == 200, new.text
    assert set(new.json()) == {
        "organisation_name",
        "email",
        "display_name",
        "invited_by_name",
        "proof",
        "expires_at",
    }
    assert new.json()["organisation_name"] == "Riverside Family Hub"
    assert new.json()["email"] == "new@example.org"
    assert new.json()["display_name"] == "Nia Okafor"  # as the lead wrote it
    assert new.json()["invited_by_name"] == "Lee Lead"
    assert new.json()["proof"] == "new_password"
    existing = client.get(link_for(client, db, organisation, with_password.email)).json()
    assert existing["proof"] == "current_password"
    single_sign_on = client.get(link_for(client, db, organisation, with_sso.email)).json()
    assert single_sign_on["proof"] == "sign_in"


def test_an_account_elsewhere_joins_with_its_password_which_stays_the_same(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.coach, email="known@example.org")
    organisation = make_organisation(db, "Riverside Family Hub")
    link = link_for(
        client, db, organisation, "Known@example.org", is_champion=True, display_name="Renamed"
    )

    wrong = client.post(link, json={"password": "not the password at all"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "wrong_password"
    assert client.get(link).status_code == 200  # the invitation still works
    assert str(organisation.id) not in memberships_of(client, token_for(client, existing))

    accepted = client.post(link, json={"password": PASSWORD, "display_name": "Ignored"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["user_id"] == str(existing.id)
    assert accepted.json()["organisation_name"] == "Riverside Family Hub"
    headers = token_for(client, existing)  # the password is the one they had
    joined = memberships_of(client, headers)
    assert joined[str(organisation.id)]["roles"] == ["practitioner"]
    assert joined[str(organisation.id)]["is_champion"] is True
    assert joined[str(elsewhere.id)]["roles"] == ["coach"]
    assert client.get("/api/v1/me", headers=headers).json()["display_name"] == "Test Person"
    assert client.post(link, json={"password": PASSWORD}).status_code == 410
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.organisation_id == organisation.id,
            col(AuditEvent.action).in_(["auth.invitation_accepted", "membership.created"]),
        )
    ).all()
    assert sorted(event.action for event in events) == [
        "auth.invitation_accepted",
        "membership.created",
    ]
    assert {event.actor_user_id for event in events} == {existing.id}


def test_an_invitee_signed_in_as_the_account_joins_without_a_password(
    client: TestClient, db: Session, settings: Settings
) -> None:
    elsewhere = make_organisation(db)
    existing = sso_only_user(db, elsewhere)
    someone_else = make_user(db, elsewhere, Role.coach)
    organisation = make_organisation(db)
    link = link_for(client, db, organisation, existing.email, roles=["coach"])

    not_them = client.post(link, json={}, headers=token_for(client, someone_else))
    assert not_them.status_code == 401
    assert not_them.json()["error"]["code"] == "sign_in_required"
    guessed = client.post(link, json={"password": NEW_PASSWORD})
    assert guessed.json()["error"]["code"] == "sign_in_required"
    accepted = client.post(link, json={}, headers=bearer_for(db, existing, settings.secret_key))
    assert accepted.status_code == 200, accepted.text
    assert memberships_of(client, bearer_for(db, existing, settings.secret_key))[
        str(organisation.id)
    ]["roles"] == ["coach"]
    assert (
        db.exec(
            select(Identity).where(
                Identity.user_id == existing.id, Identity.kind == IdentityKind.password
            )
        ).first()
        is None
    )


def test_a_signed_in_invitee_with_a_password_needs_nothing_more(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.coach)
    organisation = make_organisation(db)
    link = link_for(client, db, organisation, existing.email)

    accepted = client.post(link, json={}, headers=token_for(client, existing))
    assert accepted.status_code == 200, accepted.text
    token_for(client, existing)


def test_an_account_that_never_signed_in_but_belongs_elsewhere_is_not_taken_over(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    waiting = make_user(db, elsewhere, Role.coach, password=False)
    organisation = make_organisation(db)
    link = link_for(client, db, organisation, waiting.email)

    assert client.get(link).json()["proof"] == "sign_in"
    refused = client.post(link, json={"password": NEW_PASSWORD})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "sign_in_required"
    assert db.exec(select(Identity).where(Identity.user_id == waiting.id)).first() is None


def test_wrong_passwords_count_towards_the_sign_in_throttle(
    client: TestClient, db: Session, settings: Settings
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.coach)
    link = link_for(client, db, make_organisation(db), existing.email)

    for _ in range(settings.login_slowdown_after):
        assert client.post(link, json={"password": NEW_PASSWORD}).status_code == 401
    throttled = client.post(link, json={"password": PASSWORD})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "login_throttled"
