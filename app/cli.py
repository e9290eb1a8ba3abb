"""Command line: `python -m app seed-demo | purge | create-lead`."""

import argparse
import json
import sys

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


COMMANDS = {
    "seed-demo": (_seed_demo, "create the demo organisation when it is missing (idempotent)"),
    "purge": (_purge, "delete media past retention and sweep abandoned uploads"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description="Tandem administration")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, description) in COMMANDS.items():
        commands.add_parser(name, help=description)
    arguments = parser.parse_args(argv)
    handler, _ = COMMANDS[arguments.command]
    sys.exit(handler(Settings()))
