"""Sign in with your organisation, end to end: a real OpenID Connect provider (node
`oidc-provider`) and the app served by uvicorn, both on loopback, driven by a plain
httpx client acting as the browser."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.oidc import CALLBACK_PATH
from app.models import AuditEvent, Identity, Role, User
from app.models.identity import IdentityKind
from tests.factories import make_organisation, make_user
from tests.support.live_server import live_server
from tests.support.oidc_provider import Account, RunningProvider, oidc_provider
from tests.support.ports import free_port

ALICE = Account(login="alice", email="alice@example.org", name="Alice Practitioner")
UNVERIFIED = Account(login="uma", email="uma@example.org", email_verified=False)
STRANGER = Account(login="sam", email="sam@example.org")
ACCOUNTS = [ALICE, UNVERIFIED, STRANGER]
LOGIN_PATH = "/api/v1/auth/oidc/login"


@dataclass(frozen=True)
class Sso:
    base_url: str
    provider: RunningProvider


@contextmanager
def app_with_provider(
    *, database_url: str, work_dir: Path, conform_id_token_claims: bool = False
) -> Iterator[Sso]:
    # The provider must know the app's redirect URI before the app knows the provider.
    app_port = free_port()
    with (
        oidc_provider(
            redirect_uri=f"http://127.0.0.1:{app_port}{CALLBACK_PATH}",
            accounts=ACCOUNTS,
            log_dir=work_dir,
            conform_id_token_claims=conform_id_token_claims,
        ) as provider,
        live_server(
            database_url=database_url, work_dir=work_dir, env=provider.app_env(), port=app_port
        ) as base_url,
    ):
        yield Sso(base_url=base_url, provider=provider)


@pytest.fixture(scope="module")
def sso(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    """One provider and one app server for the module; the `db` fixture empties the
    shared database after each test."""
    with app_with_provider(
        database_url=database_url, work_dir=tmp_path_factory.mktemp("oidc")
    ) as running:
        yield running


@pytest.fixture
def http_browser() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def provider_round_trip(http_browser: httpx.Client, sso: Sso, login: str) -> httpx.Request:
    """Start at the app, sign in and consent at the provider; return the request that
    carries the browser back to the app's callback, not yet sent."""
    return back_to_the_app(http_browser, http_browser.get(sso.base_url + LOGIN_PATH), login=login)


def back_to_the_app(
    http_browser: httpx.Client, response: httpx.Response, *, login: str
) -> httpx.Request:
    """Follow redirects and answer the provider's login and consent forms like a person."""
    for _ in range(20):
        if response.next_request is not None:
            if response.next_request.url.path == CALLBACK_PATH:
                return response.next_request
            response = http_browser.send(response.next_request)
        elif 'name="prompt" value="login"' in response.text:
            form = {"prompt": "login", "login": login, "password": "x"}
            response = http_browser.post(response.url, data=form)
        elif 'name="prompt" value="consent"' in response.text:
            response = http_browser.post(response.url, data={"prompt": "consent"})
        else:
            raise AssertionError(f"unexpected page {response.url}: {response.text[:500]}")
    raise AssertionError("the sign-in never came back to the app")


def sign_in(http_browser: httpx.Client, sso: Sso, login: str) -> httpx.Response:
    """The app's answer at its callback."""
    return http_browser.send(provider_round_trip(http_browser, sso, login))


def oidc_identities(db: Session, user: User) -> list[Identity]:
    statement = select(Identity).where(
        Identity.user_id == user.id, Identity.kind == IdentityKind.oidc
    )
    return list(db.exec(statement).all())


def audit_actions(db: Session, user: User) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.actor_user_id == user.id)
    return sorted(db.exec(statement).all())


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert "tandem_session" not in response.cookies


def test_invited_member_signs_in_and_identity_is_linked(
    sso: Sso, db: Session, http_browser: httpx.Client
) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.practitioner, email=ALICE.email, password=False)
    member.display_name = ""  # invited without a name: the provider supplies it
    db.add(member)
    db.commit()

    callback = sign_in(http_browser, sso, ALICE.login)

    assert callback.status_code == 303, callback.text
    assert callback.headers["location"] == "/"
    session_cookie = next(
        header
        for header in callback.headers.get_list("set-cookie")
        if header.startswith("tandem_session=")
    )
    assert "httponly" in session_cookie.lower()
    me = http_browser.get(sso.base_url + "/api/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["email"] == ALICE.email
    assert me.json()["display_name"] == ALICE.name
    assert me.json()["memberships"][0]["organisation_id"] == str(organisation.id)
    [identity] = oidc_identities(db, member)
    assert (identity.issuer, identity.subject) == (sso.provider.issuer, ALICE.login)
    assert audit_actions(db, member) == ["auth.sign_in", "auth.sso_linked"]


def test_second_sign_in_reuses_the_linked_identity(sso: Sso, db: Session) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.coach, email=ALICE.email, password=False)

    for _ in range(2):
        with httpx.Client(timeout=10) as fresh_browser:
            assert sign_in(fresh_browser, sso, ALICE.login).status_code == 303
            assert fresh_browser.get(sso.base_url + "/api/v1/me").json()["id"] == str(member.id)

    assert len(oidc_identities(db, member)) == 1
    assert audit_actions(db, member) == ["auth.sign_in", "auth.sign_in", "auth.sso_linked"]


def test_linked_identity_signs_in_even_after_the_email_changes(
    sso: Sso, db: Session, http_browser: httpx.Client
) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.lead, email="renamed@example.org", password=False)
    db.add(
        Identity(
            user_id=member.id,
            kind=IdentityKind.oidc,
            issuer=sso.provider.issuer,
            subject=ALICE.login,
        )
    )
    db.commit()

    assert sign_in(http_browser, sso, ALICE.login).status_code == 303
    assert http_browser.get(sso.base_url + "/api/v1/me").json()["email"] == "renamed@example.org"


def test_unverified_email_is_refused(sso: Sso, db: Session, http_browser: httpx.Client) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.practitioner, email=UNVERIFIED.email, password=False)

    assert_refused(sign_in(http_browser, sso, UNVERIFIED.login), 403, "sso_email_unverified")
    assert oidc_identities(db, member) == []
    assert http_browser.get(sso.base_url + "/api/v1/me").status_code == 401


@pytest.mark.parametrize("has_account", [False, True], ids=["no-account", "no-membership"])
def test_email_not_invited_is_refused(
    sso: Sso, db: Session, http_browser: httpx.Client, has_account: bool
) -> None:
    if has_account:
        make_user(db, None, email=STRANGER.email, password=False)

    assert_refused(sign_in(http_browser, sso, STRANGER.login), 403, "sso_not_invited")
    assert list(db.exec(select(Identity).where(Identity.kind == IdentityKind.oidc))) == []


def test_member_linked_to_another_provider_account_is_refused(
    sso: Sso, db: Session, http_browser: httpx.Client
) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.practitioner, email=ALICE.email, password=False)
    db.add(
        Identity(
            user_id=member.id,
            kind=IdentityKind.oidc,
            issuer=sso.provider.issuer,
            subject="alice-before-she-was-renamed",
        )
    )
    db.commit()

    assert_refused(sign_in(http_browser, sso, ALICE.login), 403, "sso_account_mismatch")
    assert len(oidc_identities(db, member)) == 1


def test_cancelling_at_the_provider_is_a_clear_400(
    sso: Sso, db: Session, http_browser: httpx.Client
) -> None:
    make_user(db, make_organisation(db), Role.practitioner, email=ALICE.email, password=False)
    login_page = http_browser.get(sso.base_url + LOGIN_PATH)
    while login_page.next_request is not None:
        login_page = http_browser.send(login_page.next_request)
    assert 'name="prompt" value="login"' in login_page.text

    # The provider's cancel link; nobody signs in, so no form is answered on the way back.
    aborted = back_to_the_app(http_browser, http_browser.get(f"{login_page.url}/abort"), login="")
    callback = http_browser.send(aborted)

    assert_refused(callback, 400, "sso_provider_error")
    assert "access_denied" in callback.json()["error"]["message"]


def test_callback_in_another_browser_fails_the_state_check(
    sso: Sso, db: Session, http_browser: httpx.Client
) -> None:
    make_user(db, make_organisation(db), Role.practitioner, email=ALICE.email, password=False)
    callback = provider_round_trip(http_browser, sso, ALICE.login)

    with httpx.Client(timeout=10) as other_browser:
        response = other_browser.get(callback.url)

    assert_refused(response, 400, "sso_state_mismatch")
    forged_state = http_browser.get(
        sso.base_url + CALLBACK_PATH, params={"code": "x", "state": "y"}
    )
    assert_refused(forged_state, 400, "sso_state_mismatch")


def test_email_is_read_from_userinfo_when_the_id_token_lacks_it(
    database_url: str, db: Session, tmp_path: Path, http_browser: httpx.Client
) -> None:
    organisation = make_organisation(db)
    member = make_user(db, organisation, Role.practitioner, email=ALICE.email, password=False)

    with app_with_provider(
        database_url=database_url, work_dir=tmp_path, conform_id_token_claims=True
    ) as conforming:
        assert sign_in(http_browser, conforming, ALICE.login).status_code == 303
        assert http_browser.get(conforming.base_url + "/api/v1/me").json()["id"] == str(member.id)

    assert len(oidc_identities(db, member)) == 1


def test_sso_is_404_when_not_configured(client: TestClient) -> None:
    for path in (LOGIN_PATH, CALLBACK_PATH):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "sso_not_configured"
