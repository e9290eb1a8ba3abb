"""A deployment's first lead: `python -m app create-organisation NAME --lead EMAIL`
creates the organisation and invites its lead, and running it again is safe."""

import os
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.cli import main
from app.models import AuditEvent, Invitation, Organisation
from tests.support.smtp import running_inbox

PASSWORD = "a long and unusual lead password"
LINK = re.compile(r"http://\S+/#/invitation/(\S+)")


def create_organisation(
    database_url: str, *arguments: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TANDEM_DATABASE_URL": database_url, **environment}
    return subprocess.run(
        [sys.executable, "-m", "app", "create-organisation", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def token_in(output: str) -> str:
    found = LINK.search(output)
    assert found is not None, output
    return found.group(1)


def test_an_organisation_and_its_first_lead_from_the_command_line(
    client: TestClient, db: Session, database_url: str
) -> None:
    first = create_organisation(
        database_url,
        "Northside Family Hub",
        "--lead",
        "Lead@Northside.example.org",
        "--time-zone",
        "Europe/Dublin",
    )
    assert first.returncode == 0, first.stderr
    assert "Created organisation “Northside Family Hub” (northside-family-hub" in first.stdout
    assert "lead@northside.example.org" in first.stdout
    [organisation] = db.exec(
        select(Organisation).where(Organisation.slug == "northside-family-hub")
    )
    assert (organisation.name, organisation.time_zone) == ("Northside Family Hub", "Europe/Dublin")

    # Again before the lead accepts: the same organisation, a new link; the old one is dead.
    again = create_organisation(
        database_url, "Northside  Family Hub", "--lead", "lead@northside.example.org"
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Found organisation")
    old, new = token_in(first.stdout), token_in(again.stdout)
    assert client.get(f"/api/v1/auth/invitations/{old}").status_code == 404
    preview = client.get(f"/api/v1/auth/invitations/{new}")
    assert preview.status_code == 200, preview.text
    assert preview.json()["organisation_name"] == "Northside Family Hub"
    assert preview.json()["invited_by_name"] is None  # nobody: the command line

    accepted = client.post(f"/api/v1/auth/invitations/{new}", json={"password": PASSWORD})
    assert accepted.status_code in (200, 201), accepted.text
    signed_in = client.post(
        "/api/v1/auth/token",
        data={"username": "lead@northside.example.org", "password": PASSWORD},
    )
    assert signed_in.status_code == 200, signed_in.text
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    ).json()
    assert [(m["organisation_id"], m["roles"]) for m in me["memberships"]] == [
        (str(organisation.id), ["lead"])
    ]

    # Once the lead has joined, running it again sends nothing.
    joined = create_organisation(
        database_url, "Northside Family Hub", "--lead", "lead@northside.example.org"
    )
    assert joined.returncode == 0, joined.stderr
    assert "already its lead: nothing to send" in joined.stdout
    assert LINK.search(joined.stdout) is None
    db.expire_all()
    assert (
        len(db.exec(select(Organisation).where(Organisation.slug == "northside-family-hub")).all())
        == 1
    )
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.organisation_id == organisation.id)
    ).all()
    assert actions.count("organisation.created") == 1
    assert "invitation.created" in actions and "invitation.reissued" in actions


def test_the_lead_is_emailed_when_smtp_is_set_up(database_url: str) -> None:
    with running_inbox() as inbox:
        done = create_organisation(
            database_url,
            "Riverside Partnership",
            "--lead",
            "first.lead@riverside.example.org",
            TANDEM_SMTP_HOST="127.0.0.1",
            TANDEM_SMTP_PORT=str(inbox.port),
            TANDEM_SMTP_STARTTLS="false",
        )
        assert done.returncode == 0, done.stderr
        [message] = inbox.wait_for(1)
    assert message["To"] == "first.lead@riverside.example.org"
    assert "Riverside Partnership" in message["Subject"]
    assert token_in(message.get_payload(decode=True).decode()) == token_in(done.stdout)
    assert "Emailed to first.lead@riverside.example.org" in done.stdout


def test_bad_arguments_are_refused_and_nothing_is_written(
    db: Session,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The command's own entry point, in this process: the tests above run the real command
    # line, and a new interpreter per refusal only costs seconds.
    monkeypatch.setenv("TANDEM_DATABASE_URL", database_url)
    for arguments, problem in (
        (
            ["Southside", "--lead", "lead@southside.example.org", "--time-zone", "Mars/Olympus"],
            "--time-zone 'Mars/Olympus' is not a time zone",
        ),
        (["Southside", "--lead", "not an address"], "--lead must be an email address"),
        (["!!!", "--lead", "lead@southside.example.org"], "NAME needs at least one letter"),
        (["Southside"], "--lead"),
    ):
        with pytest.raises(SystemExit) as refused:
            main(["create-organisation", *arguments])
        assert refused.value.code == 2, arguments
        assert problem in capsys.readouterr().err
    assert db.exec(select(Organisation).where(Organisation.name == "Southside")).all() == []
    assert (
        db.exec(select(Invitation).where(Invitation.email == "lead@southside.example.org")).all()
        == []
    )
