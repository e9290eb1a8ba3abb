"""Invitations are emailed through a real SMTP server on loopback (aiosmtpd)."""

from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.models import Role
from tests.factories import make_organisation, make_user, token_for
from tests.support.ports import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_invitation_is_emailed_when_smtp_is_configured(
    settings: Settings, db: Session, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    with_smtp = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "smtp_from": "tandem@example.org",
        }
    )
    app = create_app(with_smtp)
    organisation = make_organisation(db, "Riverside Family Hub")
    lead = make_user(db, organisation, Role.lead)
    with TestClient(app, base_url="http://localhost") as client:
        response = client.post(
            f"/api/v1/organisations/{organisation.id}/members",
            json={"email": "new@example.org", "roles": ["coach"]},
            headers=token_for(client, lead),
        )
    app.state.engine.dispose()
    assert response.status_code == 201
    assert response.json()["invitation_emailed"] is True
    [message] = handler.messages
    assert message["To"] == "new@example.org"
    assert "Riverside Family Hub" in message["Subject"]
    # The link goes to the invitee only; the lead is not given it.
    assert response.json()["invitation_url"] is None
    assert "/#/invitation/" in message.get_payload()
