"""/docs works on a machine without the internet, under its own strict policy."""

from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, Route, expect
from sqlmodel import Session

from app.models import Role
from tests.factories import PASSWORD, make_organisation, make_user

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def scroll_until_drawn(page: Page, operation: Locator) -> None:
    """Swagger UI draws only the operations in view once a schema has a hundred or more
    (a virtual list): scroll down, as a reader would, until this one is drawn."""
    # The first drawing waits for the schema (built on first request, ~160 operations) and
    # Swagger UI's parsing of it: seconds on a busy machine, more than expect's default 5.
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    for _ in range(100):
        if operation.count():
            return
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    raise AssertionError("the operation was never drawn")


def test_docs_render_and_call_the_api_with_every_other_host_blocked(
    page: Page, db: Session
) -> None:
    organisation = make_organisation(db, "Riverside Family Partnership")
    lead = make_user(db, organisation, Role.lead, email="lee@example.org")
    elsewhere: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.context.route("**/*", loopback_only)
    page.goto("/docs")

    me = page.locator(".opblock-get").filter(has=page.locator('[data-path="/api/v1/me"]'))
    scroll_until_drawn(page, me)
    expect(me.locator(".opblock-summary-method")).to_have_text("GET")
    expect(me.locator(".opblock-summary-path")).to_have_text("/api/v1/me")
    # Tags head their operations (in a virtual list once there are many).
    expect(page.locator(".opblock-tag")).not_to_have_count(0)

    # "Try it out" signs in and calls the API from this origin, within connect-src 'self'.
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.get_by_label("username:").fill(lead.email)
    dialog.get_by_label("password:").fill(PASSWORD)
    dialog.locator("button.authorize").click()
    expect(dialog.get_by_text("Authorized")).to_be_visible()
    dialog.locator("button.btn-done").click()
    scroll_until_drawn(page, me)
    me.locator(".opblock-summary").first.click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(
        me.locator(".live-responses-table td.response-col_status:not(.col_header)")
    ).to_have_text("200")
    expect(me.locator(".live-responses-table .microlight").first).to_contain_text(lead.email)

    # The `page` fixture fails the test on any Content-Security-Policy violation.
    assert elsewhere == []
