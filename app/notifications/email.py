"""Email, sent only when SMTP is configured (TANDEM_SMTP_HOST)."""

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from app.config import Settings

logger = logging.getLogger("tandem.email")


def send_email(settings: Settings, *, to: str, subject: str, body: str) -> bool:
    """Send one plain-text email; False (and a log line) when it could not be sent."""
    if not settings.smtp_host:
        return False
    message = _message(settings, to=to, subject=subject, body=body)
    return deliver(settings, [message])


def calendar_message(
    settings: Settings, *, to: str, subject: str, body: str, calendar: bytes, method: str
) -> EmailMessage:
    """An iTIP invitation (RFC 6047): text for people, then the calendar object as the
    alternative calendar apps act on by themselves, and as an invite.ics attachment
    for those that only look at attachments."""
    message = _message(settings, to=to, subject=subject, body=body)
    message.add_alternative(
        calendar.decode(), subtype="calendar", charset="utf-8", params={"method": method}
    )
    message.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return message


def deliver(settings: Settings, messages: Sequence[EmailMessage]) -> bool:
    """Send messages over one connection; False (and a log line) when they could not be."""
    if not settings.smtp_host or not messages:
        return False
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password)
            for message in messages:
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # Not the subjects: a booking's carries its title, which the logs must not hold.
        logger.exception("could not send email", extra={"fields": {"messages": len(messages)}})
        return False
    return True


def _message(settings: Settings, *, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_password_reset(settings: Settings, *, to: str, url: str) -> None:
    body = (
        "Someone asked to choose a new password for your Tandem account.\n\n"
        f"Choose it here (the link works once, within {settings.password_reset_minutes} "
        f"minutes; every device signed in as you is signed out):\n{url}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    send_email(settings, to=to, subject="Choose a new Tandem password", body=body)


def send_invitation(settings: Settings, *, to: str, organisation_name: str, url: str) -> None:
    body = (
        f"You have been invited to join {organisation_name} on Tandem.\n\n"
        f"Accept it here (the link works once and expires in "
        f"{settings.invitation_days} days):\n{url}\n\n"
        "If you did not expect this, you can ignore this email.\n"
    )
    send_email(
        settings, to=to, subject=f"Your invitation to {organisation_name} on Tandem", body=body
    )


def digest_message(
    settings: Settings, *, to: str, subject: str, items: Sequence[str], base_url: str
) -> EmailMessage:
    """The daily digest (app/notifications/digest.py says what it may carry)."""
    body = "\n".join(
        [
            "Waiting for you in Tandem:",
            "",
            *items,
            "",
            f"All your notifications: {base_url}/#/notifications",
            "",
            "You get this email at most once a day, when something new is waiting. To stop it,",
            f"turn off the daily email under Notifications in Tandem: {base_url}/#/notifications",
        ]
    )
    return _message(settings, to=to, subject=subject, body=body)
