"""'Sign in with your organisation' in the browser: the PWA, the app and a real OpenID
Connect provider (node oidc-provider), all on loopback."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlmodel import Session

from app.auth.oidc import CALLBACK_PATH
from app.models import Role
from tests.e2e.conftest import settled
from tests.factories import make_organisation, make_user
from tests.support.live_server import live_server
from tests.support.oidc_provider import Account, oidc_provider
from tests.support.ports import free_port

ALEX = Account(login="alex", email="alex@example.org", name="Alex Practitioner")


@pytest.fixture(scope="module")
def sso_base_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work_dir = tmp_path_factory.mktemp("sso")
    port = free_port()
    with oidc_provider(
        redirect_uri=f"http://127.0.0.1:{port}{CALLBACK_PATH}", accounts=[ALEX], log_dir=work_dir
    ) as provider:
        env = {**provider.app_env(), "TANDEM_OIDC_DISPLAY_NAME": "Riverside Council"}
        with live_server(database_url=database_url, work_dir=work_dir, env=env, port=port) as url:
            yield url


def test_sign_in_with_your_organisation(
    context: BrowserContext, sso_base_url: str, db: Session
) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.practitioner, email=ALEX.email, password=False)
    member.display_name = "Alex Practitioner"
    db.add(member)
    db.commit()
    # A plain page: the provider's own pages are not ours to hold to our CSP.
    page = context.new_page()
    page.goto(sso_base_url + "/")

    page.get_by_role("link", name="Sign in with Riverside Council").click()
    page.locator("input[name=login]").fill(ALEX.login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # the provider's consent screen

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex Practitioner")
    assert page.url.startswith(sso_base_url)
    settled(page)
