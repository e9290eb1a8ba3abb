"""Invitation links lead back to the service: `make run` on any port sends links with that
port (it sets TANDEM_PUBLIC_URL from PORT unless it is given)."""

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlmodel import Session

from app.models import Role
from tests.factories import PASSWORD, make_organisation, make_user
from tests.support.live_server import REPO_ROOT
from tests.support.ports import free_port
from tests.support.processes import STOP_TIMEOUT_SECONDS, wait_until_ready


@contextmanager
def make_run(database_url: str, work_dir: Path, port: int) -> Iterator[str]:
    """`make run PORT=port` as the README says, minus the install, migrate and seed steps it
    runs first (`-o seed`: the test database is migrated already, and nothing is fetched).
    make starts uvicorn as its child: both are stopped together, by process group."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    env = {
        **inherited,
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_MEDIA_DIR": str(work_dir / "media"),
    }
    log_path = work_dir / "make-run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "seed", "run", f"PORT={port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}/healthz", log_path, 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_run_on_another_port_sends_links_to_that_port(
    db: Session, database_url: str, tmp_path: Path
) -> None:
    organisation = make_organisation(db)
    lead = make_user(db, organisation, Role.lead)
    port = free_port()
    with (
        make_run(database_url, tmp_path, port) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        signed_in = http.post(
            "/api/v1/auth/token", data={"username": lead.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        invited = http.post(
            f"/api/v1/organisations/{organisation.id}/members",
            json={
                "email": "new.coach@example.org",
                "display_name": "Nia Coach",
                "roles": ["coach"],
            },
            headers=headers,
        )
        assert invited.status_code == 201, invited.text
        link = invited.json()["invitation_url"]
        assert link.startswith(f"{base_url}/#/invitation/")

        # The link opens the app on this server, and its token is a live invitation.
        token = link.rsplit("/", 1)[1]
        assert httpx.get(link.split("#")[0]).status_code == 200
        preview = http.get(f"/api/v1/auth/invitations/{token}")
        assert preview.status_code == 200, preview.text
        assert preview.json()["email"] == "new.coach@example.org"
