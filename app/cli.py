"""Command line: `python -m app seed-demo | purge | worker | create-organisation |
send-digests | generate-vapid-keys`."""

import argparse
import json
import sys
from collections.abc import Callable

from sqlmodel import Session

from app.config import Settings
from app.db import make_engine


def _seed_demo(settings: Settings) -> int:
    from app.seed import seed_demo

    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        created = seed_demo(session)
        session.commit()
    engine.dispose()
    print("Demo organisation created." if created else "Demo organisation already present.")
    return 0


def _purge(settings: Settings) -> int:
    from app.recording.retention import run_purge

    report = run_purge(settings)
    print(json.dumps(report.as_dict() if hasattr(report, "as_dict") else vars(report), default=str))
    return 0


def _create_organisation(settings: Settings, arguments: argparse.Namespace) -> int:
    from app.notifications import email
    from app.organisation.bootstrap import BootstrapError, create_organisation

    engine = make_engine(settings.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            done = create_organisation(
                session,
                name=arguments.name,
                lead_email=arguments.lead,
                time_zone=arguments.time_zone,
                settings=settings,
            )
            session.commit()
    except BootstrapError as error:
        print(f"create-organisation: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    organisation = done.organisation
    print(
        f"{'Created' if done.created else 'Found'} organisation “{organisation.name}” "
        f"({organisation.slug}, {organisation.time_zone})."
    )
    if done.invitation is None:
        print(f"{arguments.lead} is already its lead: nothing to send.")
        return 0
    invitation = done.invitation
    print(
        f"Invitation for {invitation.invitation.email} as lead, valid until "
        f"{invitation.invitation.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    print(invitation._link)
    if invitation.invitation_emailed:
        email.send_invitation(
            settings,
            to=invitation.invitation.email,
            organisation_name=organisation.name,
            url=invitation._link,
        )
        print(f"Emailed to {invitation.invitation.email}.")
    return 0


def _send_digests(settings: Settings) -> int:
    from app.notifications.digest import send_digests

    run = send_digests(settings)
    if not run.smtp_configured:
        print("send-digests: SMTP is not configured (TANDEM_SMTP_HOST): nothing sent.")
        return 0
    print(f"Digests sent: {run.sent}.")
    return 0


def _worker(settings: Settings, arguments: argparse.Namespace) -> int:
    import signal
    import threading

    from app.jobs.kinds import JobContext
    from app.jobs.worker import Worker
    from app.storage import get_storage

    engine = make_engine(settings.database_url)
    worker = Worker(JobContext(engine, get_storage(settings), settings))
    try:
        if arguments.once:
            print(f"Jobs run: {worker.drain()}.")
            return 0
        stop = threading.Event()
        # SIGTERM (a deployment stopping it) lets the job in hand finish first.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        worker.run(stop)
        return 0
    finally:
        engine.dispose()


def _generate_vapid_keys() -> int:
    from app.notifications.push import generate_key_pair

    public, private = generate_key_pair()
    print("# Web Push keys: keep the private one secret, and both for good (a new pair")
    print("# makes every browser subscribe again).")
    print(f"TANDEM_VAPID_PUBLIC_KEY={public}")
    print(f"TANDEM_VAPID_PRIVATE_KEY={private}")
    return 0


Handler = Callable[[Settings, argparse.Namespace], int]
COMMANDS: dict[str, tuple[Handler, str]] = {
    "seed-demo": (
        lambda settings, _: _seed_demo(settings),
        "create the demo organisation when it is missing (idempotent)",
    ),
    "purge": (
        lambda settings, _: _purge(settings),
        "delete media past retention and sweep abandoned uploads",
    ),
    "worker": (
        _worker,
        "run queued work (processing, the hourly purge, the daily digests) until stopped",
    ),
    "create-organisation": (
        _create_organisation,
        "create an organisation and invite its first lead (running it again sends a new link)",
    ),
    "send-digests": (
        lambda settings, _: _send_digests(settings),
        "email each person their new unread notifications, at most once a day (run daily)",
    ),
    "generate-vapid-keys": (
        lambda settings, _: _generate_vapid_keys(),
        "print a new key pair for Web Push (TANDEM_VAPID_PUBLIC_KEY, TANDEM_VAPID_PRIVATE_KEY)",
    ),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description="Tandem administration")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, description) in COMMANDS.items():
        command = commands.add_parser(name, help=description, description=description)
        if name == "create-organisation":
            command.add_argument("name", metavar="NAME", help="the organisation's name")
            command.add_argument("--lead", required=True, metavar="EMAIL", help="its first lead")
            command.add_argument(
                "--time-zone",
                default="Europe/London",
                metavar="ZONE",
                help="IANA time zone its days and reports are in (default: Europe/London)",
            )
        if name == "worker":
            command.add_argument(
                "--once", action="store_true", help="run what is waiting now, then stop"
            )
    arguments = parser.parse_args(argv)
    handler, _ = COMMANDS[arguments.command]
    sys.exit(handler(Settings(), arguments))
