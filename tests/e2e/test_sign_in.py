"""Signing in and out of the PWA with the cookie session."""

from datetime import timedelta

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, update

from app.audit.context import SYSTEM
from app.auth import password_reset
from app.config import Settings
from app.models import PasswordReset, Role
from app.models.base import utcnow
from tests.e2e.conftest import (
    Team,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
)
from tests.factories import PASSWORD, make_organisation, make_user, token_for

STORED_KEYS = "() => Object.keys(localStorage).concat(Object.keys(sessionStorage))"


def test_password_sign_in_survives_a_reload_and_keeps_no_token_in_storage(
    page: Page, team: Team
) -> None:
    sign_in(page, team.practitioner)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat Practitioner")
    page.reload()
    expect(page.get_by_role("heading", name="My recordings")).to_be_visible()
    stored = page.evaluate(
        "() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})"
    )
    csrf = page.request.get("/api/v1/auth/session").json()["csrf_token"]
    assert csrf not in stored
    session_cookie = next(c for c in page.context.cookies() if c["name"] == "tandem_session")
    assert session_cookie["httpOnly"]


def test_wrong_password_says_so_and_keeps_the_person_on_the_form(page: Page, team: Team) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You are not signed in")
    expect(alert).to_be_focused()
    expect(page.get_by_label("Password")).to_be_visible()


def test_signing_in_by_keyboard_alone(page: Page, team: Team) -> None:
    page.goto("/")
    expect(page.get_by_label("Email")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_label("Email").focus()
    page.keyboard.type(team.coach.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="My practitioners")).to_be_visible()
    settled(page)


def test_sign_out_ends_the_session_and_clears_what_the_app_stored(page: Page, team: Team) -> None:
    sign_in(page, team.practitioner)
    page.evaluate("() => localStorage.setItem('tus::tandem/x/left-over::1', '{}')")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="You have signed out")).to_be_visible()
    assert page.evaluate(STORED_KEYS) == []
    databases = page.evaluate("() => indexedDB.databases().then(dbs => dbs.map(d => d.name))")
    assert "tandem-upload-queue" not in databases
    assert page.request.get("/api/v1/me").status == 401
    page.goto("/#/upload")
    expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()


def test_an_ended_session_sends_the_person_to_sign_in_and_back(page: Page, team: Team) -> None:
    sign_in(page, team.practitioner)
    page.goto("/#/upload")
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()
    page.context.clear_cookies()

    page.get_by_role("link", name="Home").click()

    expect(page.get_by_text("Your session has ended")).to_be_visible()
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    settled(page)


def test_no_organisation_sign_in_button_unless_it_is_set_up(page: Page, team: Team) -> None:
    page.goto("/")
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in with")).to_have_count(0)


def test_an_invited_member_sets_a_password_and_signs_in(
    page: Page, team: Team, client: TestClient
) -> None:
    invited = client.post(
        f"/api/v1/organisations/{team.organisation.id}/members",
        json={"email": "new@example.org", "roles": ["practitioner"]},
        headers=token_for(client, team.lead),
    )
    assert invited.status_code == 201, invited.text
    link = invited.json()["invitation_url"]
    new_password = "a new and long enough password"

    page.goto("/#/" + link.split("/#/", 1)[1])
    expect(
        page.get_by_text(f"invited new@example.org to join {team.organisation.name}")
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "invitation-new-account")
    page.get_by_label("Your name").fill("Nia New")
    page.get_by_label("Choose a password").fill(new_password)
    page.get_by_label("Type the password again").fill(new_password)
    page.get_by_role("button", name="Set password and join").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set")
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill("new@example.org")
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia New")
    settled(page)


def test_the_invitation_names_the_invitee_as_the_lead_did(
    page: Page, team: Team, client: TestClient
) -> None:
    invited = client.post(
        f"/api/v1/organisations/{team.organisation.id}/members",
        json={"email": "nia@example.org", "display_name": "Nia Okafor", "roles": ["coach"]},
        headers=token_for(client, team.lead),
    )
    assert invited.status_code == 201, invited.text
    page.goto("/#/" + invited.json()["invitation_url"].split("/#/", 1)[1])

    expect(
        page.get_by_text(f"invited Nia Okafor (nia@example.org) to join {team.organisation.name}")
    ).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Nia Okafor")
    password = "a new and long enough password"
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Set password and join").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set")
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nia Okafor")
    settled(page)


def test_an_account_of_another_organisation_joins_with_its_own_password(
    page: Page, team: Team, client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db, "Elsewhere Trust")
    make_user(db, elsewhere, Role.coach, email="known@example.org")
    invited = client.post(
        f"/api/v1/organisations/{team.organisation.id}/members",
        json={"email": "known@example.org", "roles": ["practitioner"]},
        headers=token_for(client, team.lead),
    )
    assert invited.status_code == 201, invited.text

    page.goto("/#/" + invited.json()["invitation_url"].split("/#/", 1)[1])
    expect(page.get_by_label("Your Tandem password")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "invitation-existing-account")
    page.get_by_label("Your Tandem password").fill("not the password at all")
    join = page.get_by_role("button", name=f"Join {team.organisation.name}")
    join.click()
    expect(page.get_by_role("alert")).to_contain_text("not the password of your Tandem account")
    page.get_by_label("Your Tandem password").fill(PASSWORD)
    join.click()
    expect(page.get_by_role("status")).to_contain_text(f"You have joined {team.organisation.name}")
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill("known@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_label("Organisation")).to_be_visible()
    settled(page)


def test_a_signed_in_invitee_joins_with_one_click(
    page: Page, team: Team, client: TestClient, db: Session
) -> None:
    elsewhere = make_organisation(db, "Elsewhere Trust")
    known = make_user(db, elsewhere, Role.coach, email="known@example.org")
    invited = client.post(
        f"/api/v1/organisations/{team.organisation.id}/members",
        json={"email": known.email, "roles": ["coach"]},
        headers=token_for(client, team.lead),
    )
    assert invited.status_code == 201, invited.text
    sign_in(page, known)

    page.goto("/#/" + invited.json()["invitation_url"].split("/#/", 1)[1])
    page.get_by_role("button", name=f"Join {team.organisation.name}").click()
    expect(page.get_by_role("status")).to_contain_text(f"You have joined {team.organisation.name}")
    page.get_by_role("link", name="Go to your home screen").click()
    expect(page.get_by_label("Organisation")).to_be_visible()
    settled(page)


def test_a_used_or_wrong_invitation_link_says_so(page: Page) -> None:
    page.goto("/#/invitation/not-a-real-token")

    expect(page.get_by_role("alert")).to_contain_text("This invitation link is not valid")
    expect(page.get_by_label("Choose a password")).to_have_count(0)


def test_a_forgotten_password_is_replaced_from_the_emailed_link(
    page: Page, team: Team, db: Session, settings: Settings
) -> None:
    page.goto("/#/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("a link to choose a new one is on its way")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "forgot-password")
    # The email itself (SMTP is not set up for this server): the link the app would send.
    db.exec(update(PasswordReset).values(created_at=utcnow() - timedelta(minutes=2)))
    db.commit()
    link = password_reset.request_reset(
        db, email=team.practitioner.email, settings=settings, context=SYSTEM
    )
    db.commit()
    assert link is not None

    page.goto("/#/" + link.url.split("/#/", 1)[1])
    expect(page.get_by_text(f"For {team.practitioner.email}.")).to_be_visible()
    new_password = "a fresh and long enough password"
    page.get_by_label("New password").fill(new_password)
    page.get_by_label("Type it again").fill("not the same at all")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords are not the same.")
    page.get_by_label("Type it again").fill(new_password)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "reset-password")
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat Practitioner")
    settled(page)
    # The link is spent: opened again, it says so and offers a new one.
    page.goto("/#/" + link.url.split("/#/", 1)[1])
    expect(page.get_by_role("alert")).to_contain_text("used already")
