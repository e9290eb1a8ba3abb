"""/docs and /redoc work on a machine without the internet, each under its own strict
policy."""

from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Locator, Page, Route, expect
from sqlmodel import Session

from app.models import Role
from tests.factories import PASSWORD, make_organisation, make_user

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def block_other_hosts(page: Page) -> list[str]:
    """Every request to anywhere but loopback fails, as on an air-gapped machine; the list
    returned collects their addresses."""
    elsewhere: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.context.route("**/*", loopback_only)
    return elsewhere


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
    elsewhere = block_other_hosts(page)
    page.goto("/docs")

    me = page.locator(".opblock-get").filter(has=page.locator('[data-path="/api/v1/me"]'))
    scroll_until_drawn(page, me)
    expect(me.locator(".opblock-summary-method")).to_have_text("GET")
    expect(me.locator(".opblock-summary-path")).to_have_text("/api/v1/me")
    # Tags head their operations (in a virtual list once there are many).
    expect(page.locator(".opblock-tag")).not_to_have_count(0)
    views = page.get_by_role("navigation", name="API documentation")
    expect(views.get_by_role("link", name="Reference (ReDoc)")).to_have_attribute("href", "/redoc")

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


def test_redoc_renders_the_schema_with_every_other_host_blocked(
    page: Page,
) -> None:
    elsewhere = block_other_hosts(page)
    errors: list[str] = []

    def keep_errors(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep_errors)
    schema = page.request.get("/openapi.json").json()
    me = schema["paths"]["/api/v1/me"]["get"]
    page.goto("/redoc")

    # Parsing ~160 operations takes seconds on a busy machine (see scroll_until_drawn).
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text(schema["info"]["title"], timeout=30_000)
    section_id = f"tag/{me['tags'][0]}/operation/{me['operationId']}"
    operation = page.locator(f'[data-section-id="{section_id}"]')
    expect(operation.locator("h2")).to_have_text(me["summary"])
    expect(operation).to_contain_text("/api/v1/me")
    # Search's index (lunr) runs in a worker started from a blob: URL (worker-src blob:);
    # it starts before the first drawing. Searching itself takes seconds on a busy machine.
    assert [urlsplit(worker.url).scheme for worker in page.workers] == ["blob"]
    views = page.get_by_role("navigation", name="API documentation")
    expect(views.get_by_role("link", name="Interactive (Swagger UI)")).to_have_attribute(
        "href", "/docs"
    )

    # The `page` fixture fails the test on any Content-Security-Policy violation.
    assert elsewhere == []
    assert errors == []
