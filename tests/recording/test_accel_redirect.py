"""Disk storage behind nginx: the app decides who may watch and audits the viewing, then
hands the bytes to nginx with X-Accel-Redirect (TANDEM_MEDIA_ACCEL_REDIRECT), so seeks
cost the app no file reads. Through a real nginx in front of a real uvicorn."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from tests.recording.conftest import People, live_bearer
from tests.recording.helpers import media_viewings, upload_whole, wait_until_processed
from tests.support.live_server import live_server
from tests.support.nginx import MEDIA_LOCATION, nginx_in_front

# nginx and a live server: once, on PostgreSQL.
pytestmark = pytest.mark.once_on_postgresql


@pytest.fixture
def front(db: Session, tmp_path: Path) -> Iterator[str]:
    media_dir = tmp_path / "media"
    environment = {
        "TANDEM_MEDIA_DIR": str(media_dir),
        "TANDEM_MEDIA_ACCEL_REDIRECT": MEDIA_LOCATION,
    }
    database_url = str(db.get_bind().url.render_as_string(hide_password=False))
    with (
        live_server(database_url=database_url, work_dir=tmp_path / "app", env=environment) as app,
        nginx_in_front(upstream=app, media_dir=media_dir, work_dir=tmp_path / "nginx") as url,
    ):
        yield url


def test_nginx_sends_the_bytes_the_app_allowed_and_audited(
    front: str, db: Session, people: People, video_file: Path
) -> None:
    data = video_file.read_bytes()
    owner = live_bearer(db, people.practitioner)
    with httpx.Client(base_url=front, timeout=60) as client:
        recording_id = upload_whole(client, owner, data)
        assert wait_until_processed(client, recording_id, owner)["status"] == "ready"
        media = f"/api/v1/recordings/{recording_id}/media"
        coach = live_bearer(db, people.coach)

        whole = client.get(media, headers=coach)
        assert whole.status_code == 200
        assert hashlib.sha256(whole.content).hexdigest() == hashlib.sha256(data).hexdigest()
        assert whole.headers["Content-Type"] == "video/mp4"
        assert whole.headers["Cache-Control"] == "private, no-store"
        assert "X-Accel-Redirect" not in whole.headers
        part = client.get(media, headers={**coach, "Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
        assert part.content == data[100:200]
        # The player's way: a short-lived link, whose reads nginx serves as well.
        link = client.get(media, params={"redirect": "true"}, headers=coach)
        assert link.status_code == 307
        seek = client.get(link.headers["Location"], headers={"Range": "bytes=500-599"})
        assert seek.status_code == 206
        assert seek.content == data[500:600]
        assert "X-Accel-Redirect" not in seek.headers

        # Only the people the rules name: the rest never reach nginx's file.
        assert client.get(media).status_code == 401
        supervisor = live_bearer(db, people.supervisor)
        assert client.get(media, headers=supervisor).status_code == 403
        assert client.get(media, headers=live_bearer(db, people.outsider)).status_code == 404
        stored = f"{MEDIA_LOCATION}recordings/{people.organisation.id}/{recording_id}/original"
        assert client.get(stored).status_code == 404

    # The coach's sitting (three reads, one through a link) is one viewing; the owner
    # watched nothing.
    assert media_viewings(db, recording_id) == [(people.coach.id, "stream")]
