"""Email, sent only when SMTP is configured (TANDEM_SMTP_HOST)."""

import logging
import smtplib
from email.message import EmailMessage

from app.config import Settings

logger = logging.getLogger("tandem.email")


def send_email(settings: Settings, *, to: str, subject: str, body: str) -> bool:
    """Send one plain-text email; False (and a log line) when it could not be sent."""
    if not settings.smtp_host:
        return False
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send email", extra={"fields": {"subject": subject}})
        return False
    return True


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
