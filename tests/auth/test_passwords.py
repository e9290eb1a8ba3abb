"""The password policy: long enough, not a common password, nothing to do with the
account's own name or email; applied wherever a password is chosen."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.passwords import check_new_password
from app.errors import Unprocessable
from app.models import User
from app.seed import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PEOPLE
from tests.auth.conftest import NEW_PASSWORD, invite, token_of

EMAIL = "jane.smith@example.org"
NAME = "Jane Smith"

WEAK = [
    ("short-pass", "password_too_short", "at least 12 characters"),
    ("aaaaaaaaaaaa", "password_too_guessable", 'Repeats like "aaa"'),
    (" " * 12, "password_too_guessable", "too easy to guess"),
    ("password1234", "password_too_common", "commonly used passwords"),
    ("qwertyuiop123", "password_too_common", "commonly used passwords"),
    (EMAIL, "password_matches_account", "your name or email address"),
    ("Jane.Smith@Example.org!", "password_matches_account", "your name or email address"),
    ("smithjane1985", "password_matches_account", "your name or email address"),
]


def test_accepting_an_invitation_refuses_weak_passwords_saying_why(
    client: TestClient, db: Session
) -> None:
    token = token_of(invite(client, db, email=EMAIL, display_name=NAME)["invitation_url"])
    for password, code, says in WEAK:
        refused = client.post(f"/api/v1/auth/invitations/{token}", json={"password": password})
        assert refused.status_code == 422, password
        error = refused.json()["error"]
        assert (error["code"], says in error["message"]) == (code, True), password
        assert error["fields"] == [{"field": "password", "message": error["message"]}]
    assert db.exec(select(User).where(User.email == EMAIL)).first() is None
    # The invitation still works with a good password.
    accepted = client.post(f"/api/v1/auth/invitations/{token}", json={"password": NEW_PASSWORD})
    assert accepted.status_code == 200


def test_a_name_given_when_accepting_counts_too(client: TestClient, db: Session) -> None:
    token = token_of(invite(client, db)["invitation_url"])
    refused = client.post(
        f"/api/v1/auth/invitations/{token}",
        json={"password": "Bartholomew-Quince-77", "display_name": "Bartholomew Quince"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "password_matches_account"


@pytest.mark.parametrize(("password", "code", "says"), WEAK)
def test_the_policy_names_what_is_wrong(password: str, code: str, says: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        check_new_password(password, email=EMAIL, display_name=NAME)
    assert refused.value.code == code
    assert says in refused.value.message


@pytest.mark.parametrize(
    "password",
    [
        NEW_PASSWORD,
        "correct horse battery staple",
        "jane keeps purple turnips in the shed",  # her name inside a long passphrase is fine
        "Vq7#mZ2!pL9@" * 10,  # longer than zxcvbn reads: its first 72 characters decide
    ],
)
def test_strong_passwords_are_accepted(password: str) -> None:
    check_new_password(password, email=EMAIL, display_name=NAME)


def test_a_long_repeat_is_refused_however_long() -> None:
    with pytest.raises(Unprocessable) as refused:
        check_new_password("ab" * 200, email=EMAIL, display_name=NAME)
    assert refused.value.code == "password_too_guessable"


@pytest.mark.parametrize("key", sorted(DEMO_PEOPLE))
def test_the_demo_password_passes_for_every_demo_person(key: str) -> None:
    # `make run` seeds them through the same policy (app/seed.py calls set_password).
    display_name, _ = DEMO_PEOPLE[key]
    check_new_password(DEMO_PASSWORD, email=f"{key}@{DEMO_DOMAIN}", display_name=display_name)
