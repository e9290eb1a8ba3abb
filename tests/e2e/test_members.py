"""The lead's Members screen: inviting (the link works), sending a link again, cancelling,
changing roles and the champion flag, removing; each journey checks the screen, then what
the API and the database hold. Both organisation screens are for leads only; the Members
screen at phone and desktop size. (Assignments: test_assignments.py.)"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect
from sqlmodel import Session, col, select

from app.models import Assignment, Invitation, Membership, MembershipRole, Role, User
from tests.e2e.conftest import (
    Team,
    api_session,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    watched_page,
)
from tests.e2e.test_quality import MIN_TARGET_PX, SMALL_TARGETS
from tests.factories import make_user

NEW_PASSWORD = "a new and long enough password"


def person(db: Session, team: Team, name: str, email: str, *roles: Role, **extra: Any) -> User:
    user = make_user(db, team.organisation, *roles, email=email, **extra)
    user.display_name = name
    db.add(user)
    db.commit()
    return user


def open_members(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    settled(page)


def members_list(page: Page, team: Team) -> Locator:
    return page.get_by_role("region", name=f"Members of {team.organisation.name}")


def member(page: Page, team: Team, name: str) -> Locator:
    return members_list(page, team).get_by_role("listitem").filter(has_text=name)


def invitations_list(page: Page) -> Locator:
    return page.get_by_role("region", name="Invitations waiting")


def field_error(page: Page, control: Locator) -> str:
    """The error a control is described by (its label's neighbour on the screen)."""
    described: str = control.evaluate(
        "el => (el.getAttribute('aria-describedby') || '').split(' ')"
        ".map(id => document.getElementById(id)).filter(e => e && e.matches('.field-error'))"
        ".map(e => e.textContent).join(' | ')"
    )
    return described


def membership_of(db: Session, team: Team, user: User) -> tuple[set[str], bool] | None:
    """The user's roles and champion flag as the database holds them, or None."""
    db.expire_all()
    membership = db.exec(
        select(Membership).where(
            Membership.organisation_id == team.organisation.id, Membership.user_id == user.id
        )
    ).one_or_none()
    if membership is None:
        return None
    roles = db.exec(
        select(MembershipRole.role).where(MembershipRole.membership_id == membership.id)
    ).all()
    return {str(role) for role in roles}, membership.is_champion


def api_get(page: Page, path: str) -> Any:
    answer = page.request.get(f"/api/v1{path}")
    assert answer.ok, answer.text()
    return answer.json()


def token_of(link: str) -> str:
    return link.split("/#/invitation/", 1)[1]


def invitation_status(page: Page, link: str) -> int:
    return page.request.get(f"/api/v1/auth/invitations/{token_of(link)}").status


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    """Someone else's browser: no cookies shared with `page`."""
    yield from watched_page(new_context())


def test_a_lead_invites_a_coach_who_joins_with_the_link(
    page: Page, second_page: Page, team: Team, base_url: str, db: Session
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    sign_in(page, team.lead)
    open_members(page)
    form = page.get_by_role("form", name="Invite someone")
    email = form.get_by_label("Email")
    send = form.get_by_role("button", name="Send invitation")

    # Nothing filled in: both problems beside their fields, focus on the first.
    send.click()
    expect(email).to_be_focused()
    assert field_error(page, email) == "Enter the email address of the person to invite."
    assert field_error(page, form.get_by_label("Coach")) == "Choose at least one role."
    expect(form.get_by_role("group", name="Roles")).to_contain_text("Choose at least one role.")

    # The API's answers, each beside what it names.
    email.fill("not an address")
    form.get_by_label("Coach").check()
    send.click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    assert "not a valid email address" in field_error(page, email)
    assert field_error(page, form.get_by_label("Coach")) == ""

    email.fill(team.coach.email)
    send.click()
    expect(email).to_be_focused()
    expect(form.locator(".field-error")).to_have_text("Already a member of this organisation.")

    email.fill("nia@example.org")
    form.get_by_label("Name (optional)").fill("Nia Okafor")
    champion = form.get_by_label("Programme champion")
    champion.check()
    send.click()
    expect(champion).to_be_focused()
    assert field_error(page, champion) == (
        "Only a practitioner membership can carry the champion flag."
    )
    assert api_get(page, f"/organisations/{team.organisation.id}/invitations") == []
    screenshot(page, "members-invite-error")

    champion.uncheck()
    send.click()
    notice = page.get_by_role("status").filter(has_text="Invitation ready for nia@example.org")
    expect(notice).to_be_focused()
    expect(form.locator(".field-error")).to_have_count(0)
    expect(email).to_have_value("")
    link = notice.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{base_url}/#/invitation/")
    notice.get_by_role("button", name="Copy link").click()
    expect(notice).to_contain_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert serious_accessibility_violations(page) == []
    screenshot(page, "members-invited")

    waiting = invitations_list(page).get_by_role("listitem")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Nia Okafor")
    expect(waiting).to_contain_text("nia@example.org")
    expect(waiting.locator(".tag")).to_have_text(["Coach"])
    [pending] = api_get(page, f"/organisations/{team.organisation.id}/invitations")
    assert (pending["email"], pending["display_name"], pending["roles"]) == (
        "nia@example.org",
        "Nia Okafor",
        ["coach"],
    )
    assert pending["is_champion"] is False

    # Nia opens the link in her own browser, chooses a password and signs in as a coach.
    invitee = second_page
    invitee.goto(link)
    expect(invitee.get_by_label("Your name")).to_have_value("Nia Okafor")
    invitee.get_by_label("Choose a password").fill(NEW_PASSWORD)
    invitee.get_by_label("Type the password again").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set password and join").click()
    expect(invitee.get_by_role("status")).to_contain_text("Your password is set")
    invitee.get_by_role("link", name="Sign in", exact=True).click()
    invitee.get_by_label("Email").fill("nia@example.org")
    invitee.get_by_label("Password").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Sign in", exact=True).click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Hello, Nia Okafor")
    settled(invitee)
    expect(invitee.get_by_role("region", name="My practitioners")).to_be_visible()
    main_nav = invitee.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Availability")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Members")).to_have_count(0)

    # The lead sees her as a member who can sign in, and no invitation waiting.
    page.reload()
    settled(page)
    nia = member(page, team, "Nia Okafor")
    expect(nia.locator(".tag")).to_have_text(["Coach"])
    expect(nia.get_by_role("button", name="Send sign-up link")).to_have_count(0)
    expect(invitations_list(page)).to_contain_text("No invitations are waiting to be accepted.")
    nia_user = db.exec(select(User).where(User.email == "nia@example.org")).one()
    assert membership_of(db, team, nia_user) == ({"coach"}, False)


def test_a_lead_changes_roles_and_the_champion_flag_and_removes_a_member(
    page: Page, team: Team, db: Session
) -> None:
    sign_in(page, team.lead)
    open_members(page)
    pat = member(page, team, "Pat Practitioner")
    expect(pat.locator(".tag")).to_have_text(["Practitioner"])
    toggle = pat.get_by_role("button", name="Change roles of Pat Practitioner")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    edit = pat.get_by_role("form", name="Roles of Pat Practitioner")
    expect(edit.get_by_label("Practitioner")).to_be_checked()
    expect(edit.get_by_label("Practitioner")).to_be_focused()

    # A champion must be a practitioner: the API says so beside the flag.
    edit.get_by_label("Practitioner").uncheck()
    edit.get_by_label("Coach").check()
    edit.get_by_label("Programme champion").check()
    edit.get_by_role("button", name="Save changes").click()
    expect(edit.get_by_label("Programme champion")).to_be_focused()
    assert field_error(page, edit.get_by_label("Programme champion")) == (
        "Only a practitioner membership can carry the champion flag."
    )
    assert membership_of(db, team, team.practitioner) == ({"practitioner"}, False)

    edit.get_by_label("Practitioner").check()
    edit.get_by_role("button", name="Save changes").click()
    saved = pat.get_by_role("status")
    expect(saved).to_have_text(
        "Saved: Pat Practitioner is now coach, practitioner, programme champion."
    )
    expect(saved).to_be_focused()
    expect(pat.locator(".tag")).to_have_text(["Coach", "Practitioner", "Champion"])
    expect(pat.get_by_role("form", name="Roles of Pat Practitioner")).to_be_hidden()
    assert membership_of(db, team, team.practitioner) == ({"practitioner", "coach"}, True)
    [read] = [
        m
        for m in api_get(page, f"/organisations/{team.organisation.id}/members")
        if m["user_id"] == str(team.practitioner.id)
    ]
    assert (read["roles"], read["is_champion"]) == (["coach", "practitioner"], True)

    # The only lead cannot give up the role: the answer sits beside the roles.
    lee = member(page, team, "Lee Lead (you)")
    lee.get_by_role("button", name="Change roles").click()
    own = lee.get_by_role("form", name="Roles of Lee Lead")
    own.get_by_label("Implementation lead").uncheck()
    own.get_by_label("Supervisor").check()
    own.get_by_role("button", name="Save changes").click()
    expect(own.get_by_label("Practitioner")).to_be_focused()
    expect(own.get_by_role("group", name="Roles")).to_contain_text(
        "An organisation needs at least one lead."
    )
    assert membership_of(db, team, team.lead) == ({"lead"}, False)
    own.get_by_role("button", name="Cancel").click()
    expect(own).to_be_hidden()
    expect(lee.get_by_role("button", name="Change roles")).to_be_focused()

    # Removing asks first; saying no keeps Sam.
    sam = member(page, team, "Sam Supervisor")
    questions: list[str] = []

    def answer(accept: bool) -> Callable[[Any], None]:
        def reply(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return reply

    page.once("dialog", answer(False))
    sam.get_by_role("button", name="Remove Sam Supervisor").click()
    expect(sam).to_have_count(1)
    assert membership_of(db, team, team.supervisor) is not None
    page.once("dialog", answer(True))
    sam.get_by_role("button", name="Remove Sam Supervisor").click()
    gone = members_list(page, team).get_by_role("status")
    expect(gone).to_have_text(f"Sam Supervisor is no longer a member of {team.organisation.name}.")
    expect(gone).to_be_focused()
    expect(sam).to_have_count(0)
    assert (
        questions
        == [
            f"Remove Sam Supervisor from {team.organisation.name}? They lose access at once, "
            "and their coaching and supervision assignments end."
        ]
        * 2
    )
    emails = [m["email"] for m in api_get(page, f"/organisations/{team.organisation.id}/members")]
    assert team.supervisor.email not in emails
    assert len(emails) == 3
    assert membership_of(db, team, team.supervisor) is None
    # Sam's supervision of Pat ended with the membership.
    assert (
        db.exec(select(Assignment).where(Assignment.staff_user_id == team.supervisor.id)).all()
        == []
    )


def test_a_lead_resends_and_cancels_invitations(
    page: Page, team: Team, db: Session, playwright: Playwright, base_url: str
) -> None:
    person(db, team, "Una Unsigned", "una@example.org", Role.practitioner, password=False)
    client, csrf = api_session(playwright, base_url, team.lead)
    try:
        invited = client.post(
            f"/api/v1/organisations/{team.organisation.id}/members",
            headers={"X-CSRF-Token": csrf},
            data={"email": "ola@example.org", "roles": ["supervisor"]},
        )
        assert invited.status == 201, invited.text()
        first_link = invited.json()["invitation_url"]
    finally:
        client.dispose()
    sign_in(page, team.lead)
    open_members(page)

    # A member with no way to sign in gets a link to set their password.
    una = member(page, team, "Una Unsigned")
    expect(una.locator(".tag")).to_have_text(["Practitioner", "Cannot sign in yet"])
    una.get_by_role("button", name="Send sign-up link to Una Unsigned").click()
    sign_up = una.get_by_role("status")
    expect(sign_up).to_contain_text("Invitation ready for una@example.org")
    expect(sign_up).to_be_focused()
    una_link = sign_up.get_by_label("Invitation link").input_value()
    assert invitation_status(page, una_link) == 200
    waiting = invitations_list(page).get_by_role("listitem")
    expect(waiting).to_have_count(2)
    expect(waiting.filter(has_text="una@example.org").locator(".tag")).to_have_text(
        ["Practitioner"]
    )

    # Sending Ola's again makes a new link; the first stops working.
    ola = waiting.filter(has_text="ola@example.org")
    expect(ola.locator(".tag")).to_have_text(["Supervisor"])
    ola.get_by_role("button", name="Resend invitation to ola@example.org").click()
    resent = ola.get_by_role("status")
    expect(resent).to_contain_text("Invitation ready for ola@example.org")
    expect(resent).to_be_focused()
    second_link = resent.get_by_label("Invitation link").input_value()
    assert second_link != first_link
    assert invitation_status(page, first_link) == 404
    assert invitation_status(page, second_link) == 200

    # Una's goes again by her membership (inviting her email would say she is a member).
    una_invitation = waiting.filter(has_text="una@example.org")
    una_invitation.get_by_role("button", name="Resend invitation to una@example.org").click()
    expect(una_invitation.get_by_role("status")).to_contain_text(
        "Invitation ready for una@example.org"
    )
    assert invitation_status(page, una_link) == 404

    ola.get_by_role("button", name="Cancel invitation to ola@example.org").click()
    cancelled = invitations_list(page).get_by_role("status")
    expect(cancelled).to_have_text(
        "The invitation to ola@example.org is cancelled: its link no longer works."
    )
    expect(cancelled).to_be_focused()
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("una@example.org")
    assert invitation_status(page, second_link) == 404
    pending = api_get(page, f"/organisations/{team.organisation.id}/invitations")
    assert [row["email"] for row in pending] == ["una@example.org"]
    db.expire_all()
    emails = db.exec(select(Invitation.email).where(col(Invitation.used_at).is_(None))).all()
    assert emails == ["una@example.org"]


@pytest.mark.parametrize("who", ["supervisor", "coach", "practitioner"])
def test_members_and_assignments_are_for_leads(page: Page, team: Team, who: str) -> None:
    sign_in(page, getattr(team, who))
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Sessions")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Members")).to_have_count(0)

    page.goto("/#/members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    expect(page.get_by_role("status")).to_have_text(
        "Members and invitations are for implementation leads."
    )
    expect(page.get_by_role("form")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text=team.lead.email)).to_have_count(0)
    page.goto("/#/assignments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
    expect(page.get_by_role("status")).to_have_text("Assignments are for implementation leads.")
    expect(page.get_by_role("table")).to_have_count(0)


def test_members_at_phone_and_desktop_size(
    sized_page: tuple[str, Page], team: Team, db: Session, playwright: Playwright, base_url: str
) -> None:
    size, page = sized_page
    person(db, team, "Una Unsigned", "una@example.org", Role.practitioner, password=False)
    person(db, team, "Chloe Champion", "chloe@example.org", Role.practitioner, champion=True)
    client, csrf = api_session(playwright, base_url, team.lead)
    try:
        invited = client.post(
            f"/api/v1/organisations/{team.organisation.id}/members",
            headers={"X-CSRF-Token": csrf},
            data={"email": "ola@example.org", "display_name": "Ola Osei", "roles": ["coach"]},
        )
        assert invited.status == 201, invited.text()
    finally:
        client.dispose()
    sign_in(page, team.lead)
    page.goto("/#/members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    settled(page)
    expect(members_list(page, team).get_by_role("listitem")).to_have_count(6)
    expect(member(page, team, "Chloe Champion").locator(".tag")).to_have_text(
        ["Practitioner", "Champion"]
    )
    expect(invitations_list(page).get_by_role("listitem")).to_contain_text("Ola Osei")
    member(page, team, "Pat Practitioner").get_by_role("button", name="Change roles").click()
    assert serious_accessibility_violations(page) == []
    assert not has_horizontal_scroll(page)
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    screenshot(page, f"members-changing-roles-{size}")

    jump = page.get_by_role("button", name="Invite someone")
    if size == "phone":
        # Below a long list on a phone: one button takes people to the form.
        jump.click()
        expect(
            page.get_by_role("form", name="Invite someone").get_by_label("Email")
        ).to_be_focused()
    else:
        expect(jump).to_be_hidden()
