"""Inviting people, as the lead sees it: an invitation makes nobody a member, and nothing
the lead sees depends on whether the email has an account in another organisation."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Invitation, Membership, Organisation, Role, User
from tests.factories import (
    make_organisation,
    make_ready_recording,
    make_user,
    membership_id,
    token_for,
)
from tests.recording.helpers import CONSENT

NEW_PASSWORD = "a long enough new password"


def invite(
    client: TestClient,
    organisation: Organisation,
    headers: dict[str, str],
    email: str,
    roles: tuple[str, ...] = ("practitioner",),
    **extra: Any,
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json={"email": email, "roles": list(roles), **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def token_of(issued: dict[str, Any]) -> str:
    return str(issued["invitation_url"]).rsplit("/", 1)[-1]


def without_what_differs_anyway(body: dict[str, Any], email: str) -> dict[str, Any]:
    """The answer with its ids, token, timestamps and the email itself blanked out."""
    invitation = {
        **body["invitation"],
        "id": "<id>",
        "created_at": "<time>",
        "expires_at": "<time>",
        "email": body["invitation"]["email"].replace(email, "<email>"),
    }
    url = body["invitation_url"].rsplit("/", 1)[0] + "/<token>"
    return {**body, "invitation": invitation, "invitation_url": url}


def test_an_account_elsewhere_looks_exactly_like_an_unknown_email_and_is_no_member(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.coach, email="known@example.org")
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    headers = token_for(client, lead)
    choice = {"roles": ("practitioner",), "display_name": "Kim", "is_champion": True}

    known = invite(client, organisation, headers, "KNOWN@example.org", **choice)
    unknown = invite(client, organisation, headers, "nobody@example.org", **choice)

    assert known["invitation"]["email"] == "known@example.org"
    assert without_what_differs_anyway(known, "known@example.org") == (
        without_what_differs_anyway(unknown, "nobody@example.org")
    )
    assert set(known) == {"invitation", "invitation_url", "invitation_emailed"}
    assert str(existing.id) not in str(known)
    base = f"/api/v1/organisations/{organisation.id}"
    pending = client.get(f"{base}/invitations", headers=headers).json()
    assert sorted(row["email"] for row in pending) == ["known@example.org", "nobody@example.org"]
    blanked = [
        {**row, "id": "", "email": "", "created_at": "", "expires_at": ""} for row in pending
    ]
    assert blanked[0] == blanked[1]
    assert blanked[0]["roles"] == ["practitioner"]
    members = client.get(f"{base}/members", headers=headers).json()
    assert [member["email"] for member in members] == [lead.email]
    events = db.exec(select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)).all()
    assert sorted(event.action for event in events) == ["invitation.created"] * 2
    assert {tuple(sorted(event.details)) for event in events} == {("email", "is_champion", "roles")}

    invitee = token_for(client, existing)
    me = client.get("/api/v1/me", headers=invitee).json()
    assert [m["organisation_id"] for m in me["memberships"]] == [str(elsewhere.id)]
    assert client.get(base, headers=invitee).status_code == 404
    assert client.get(f"{base}/members", headers=invitee).status_code == 404
    upload = client.post(
        "/api/v1/recordings",
        headers=invitee,
        data={"organisation_id": str(organisation.id), "title": "Visit", **CONSENT},
        files={"file": ("visit.mp4", b"\0" * 1024, "video/mp4")},
    )
    assert upload.status_code in (403, 404), upload.text
    memberships = db.exec(select(Membership).where(Membership.user_id == existing.id)).all()
    assert [m.organisation_id for m in memberships] == [elsewhere.id]


def test_the_inviting_lead_cannot_reach_an_invitee_before_they_accept(
    client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db)
    existing = make_user(db, elsewhere, Role.practitioner, email="known@example.org")
    their_recording = make_ready_recording(db, elsewhere, existing)
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead, Role.coach, Role.supervisor)
    headers = token_for(client, lead)
    base = f"/api/v1/organisations/{organisation.id}"
    issued = invite(client, organisation, headers, existing.email, ("practitioner",))

    for kind in ("coach", "supervisor"):
        assignment = client.post(
            f"{base}/assignments",
            headers=headers,
            json={
                "kind": kind,
                "staff_user_id": str(lead.id),
                "practitioner_user_id": str(existing.id),
            },
        )
        # Not a member (yet): the same answer as for an id that names no one.
        assert assignment.status_code == 404, assignment.text
        assert assignment.json()["error"]["code"] == "member_not_found"
    their_membership = membership_id(db, elsewhere, existing)
    promoted = client.patch(
        f"{base}/members/{their_membership}", headers=headers, json={"roles": ["lead"]}
    )
    assert promoted.status_code == 404
    recording = f"/api/v1/recordings/{their_recording.id}"
    assert client.get(recording, headers=headers).status_code == 404
    granted = client.post(
        f"{recording}/access-grants",
        headers=headers,
        json={"user_id": str(lead.id)},
    )
    assert granted.status_code == 404
    # The lead holds the link, but it neither sets the account's password nor joins it.
    link = f"/api/v1/auth/invitations/{token_of(issued)}"
    taken_over = client.post(link, json={"password": NEW_PASSWORD})
    assert taken_over.status_code == 401
    assert taken_over.json()["error"]["code"] == "wrong_password"
    assert client.post(link, json={}).json()["error"]["code"] == "password_required"
    joined = select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id == existing.id
    )
    assert db.exec(joined).first() is None
    assert len(client.get(f"{base}/members", headers=headers).json()) == 1
    token_for(client, existing)  # their own password still works
    refused = client.post(
        "/api/v1/auth/token", data={"username": existing.email, "password": NEW_PASSWORD}
    )
    assert refused.status_code == 401


def test_inviting_again_replaces_the_link_and_the_roles(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    headers = token_for(client, lead)
    first = invite(client, organisation, headers, "new@example.org", ("practitioner",))
    second = invite(client, organisation, headers, "New@example.org", ("coach", "supervisor"))

    assert second["invitation"]["id"] == first["invitation"]["id"]
    assert second["invitation"]["roles"] == ["coach", "supervisor"]
    old = client.get(f"/api/v1/auth/invitations/{token_of(first)}")
    assert old.status_code == 404
    assert client.get(f"/api/v1/auth/invitations/{token_of(second)}").status_code == 200
    pending = client.get(f"/api/v1/organisations/{organisation.id}/invitations", headers=headers)
    assert [row["roles"] for row in pending.json()] == [["coach", "supervisor"]]
    actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.created_at)).all()
    assert [a for a in actions if a.startswith("invitation.")] == [
        "invitation.created",
        "invitation.reissued",
    ]


def test_a_member_of_this_organisation_is_still_409(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    make_user(db, organisation, Role.coach, email="member@example.org")
    response = client.post(
        f"/api/v1/organisations/{organisation.id}/members",
        json={"email": "Member@Example.org", "roles": ["coach"]},
        headers=token_for(client, lead),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"
    assert db.exec(select(Invitation)).first() is None


def test_a_withdrawn_invitation_stops_working(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    headers = token_for(client, lead)
    issued = invite(client, organisation, headers, "new@example.org")
    url = f"/api/v1/organisations/{organisation.id}/invitations/{issued['invitation']['id']}"

    assert client.delete(url, headers=headers).status_code == 204
    assert client.delete(url, headers=headers).status_code == 404
    link = f"/api/v1/auth/invitations/{token_of(issued)}"
    assert client.post(link, json={"password": NEW_PASSWORD}).status_code == 404
    pending = client.get(f"/api/v1/organisations/{organisation.id}/invitations", headers=headers)
    assert pending.json() == []
    assert db.exec(select(User).where(User.email == "new@example.org")).first() is None


def test_only_leads_see_and_withdraw_invitations(client: TestClient, db: Session) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    coach = make_user(db, organisation, Role.coach)
    issued = invite(client, organisation, token_for(client, lead), "new@example.org")
    base = f"/api/v1/organisations/{organisation.id}/invitations"
    headers = token_for(client, coach)
    assert client.get(base, headers=headers).status_code == 403
    withdrawn = client.delete(f"{base}/{issued['invitation']['id']}", headers=headers)
    assert withdrawn.status_code == 403


def test_a_member_who_cannot_sign_in_gets_a_link_and_keeps_their_roles(
    client: TestClient, db: Session
) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    waiting = make_user(db, organisation, Role.coach, password=False, email="wait@example.org")
    headers = token_for(client, lead)
    base = f"/api/v1/organisations/{organisation.id}/members"
    issued = client.post(
        f"{base}/{membership_id(db, organisation, waiting)}/invitation", headers=headers
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["invitation"]["roles"] == ["coach"]
    link = f"/api/v1/auth/invitations/{token_of(issued.json())}"
    assert client.get(link).json()["proof"] == "new_password"
    assert client.post(link, json={"password": NEW_PASSWORD}).status_code == 200
    token_for(client, waiting, NEW_PASSWORD)
    [member] = [m for m in client.get(base, headers=headers).json() if m["email"] == waiting.email]
    assert member["roles"] == ["coach"]
    assert member["can_sign_in"] is True
    again = client.post(
        f"{base}/{membership_id(db, organisation, waiting)}/invitation", headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_signed_up"
