"""`python -m app purge`: retention, abandoned uploads, leftovers; nothing left behind."""

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import Organisation, Recording, Upload
from app.models.base import utcnow
from app.recording.retention import run_purge, sweep_uploads
from app.storage import get_storage
from tests.recording.conftest import People, both_backends
from tests.recording.helpers import create_upload, patch, upload_whole


def set_retention(
    db: Session, organisation: Organisation, days: int, basis: str = "upload"
) -> None:
    organisation.retention_days, organisation.retention_basis = days, basis
    db.add(organisation)
    db.commit()


def age(db: Session, recording_id: str, days: int, *, reviewed_days_ago: int | None = None) -> None:
    recording = db.get(Recording, __import__("uuid").UUID(recording_id))
    assert recording is not None
    recording.uploaded_at = utcnow() - timedelta(days=days)
    if reviewed_days_ago is not None:
        recording.last_reviewed_at = utcnow() - timedelta(days=reviewed_days_ago)
    db.add(recording)
    db.commit()


def leave_abandoned_upload(client: TestClient, headers: dict[str, str], db: Session) -> None:
    url = create_upload(client, headers, 7 * 1024 * 1024).headers["Location"]
    assert patch(client, url, headers, 0, b"y" * (6 * 1024 * 1024)).status_code == 204
    for upload in db.exec(select(Upload).where(Upload.completed_at == None)):  # noqa: E711
        upload.expires_at = utcnow() - timedelta(minutes=1)
        db.add(upload)
    db.commit()


@both_backends
def test_purge_leaves_no_object_behind(
    client: TestClient,
    people: People,
    auth: Any,
    video_file: Path,
    storage: Any,
    settings: Settings,
    db: Session,
) -> None:
    headers = auth(people.practitioner)
    old = upload_whole(client, headers, video_file.read_bytes())
    older = upload_whole(client, headers, video_file.read_bytes())
    leave_abandoned_upload(client, headers, db)
    set_retention(db, people.organisation, 30)
    age(db, old, 31)
    age(db, older, 400)
    assert storage.list("") != [] and storage.list_multiparts() != []

    report = run_purge(settings)

    assert (report.recordings_expired, report.media_erased, report.uploads_swept) == (2, 2, 1)
    assert storage.list("") == []
    assert storage.list_multiparts() == []
    if settings.storage_backend == "disk":
        assert [p for p in Path(settings.media_dir).rglob("*") if p.is_file()] == []
    db.expire_all()
    statuses = {r.status for r in db.exec(select(Recording))}
    assert statuses == {"deleted"}  # tombstones of the two expired; the abandoned one is gone
    assert db.exec(select(Upload).where(Upload.completed_at == None)).first() is None  # noqa: E711
    body = client.get(f"/api/v1/recordings/{old}", headers=headers).json()
    assert body["status"] == "deleted" and body["retention_until"] is None


def test_recent_recordings_and_organisations_without_retention_are_kept(
    client: TestClient, people: People, auth: Any, video_file: Path, settings: Settings, db: Session
) -> None:
    headers = auth(people.practitioner)
    recent = upload_whole(client, headers, video_file.read_bytes())
    reviewed = upload_whole(client, headers, video_file.read_bytes())
    set_retention(db, people.organisation, 30, basis="last_review")
    age(db, recent, 10)
    age(db, reviewed, 100, reviewed_days_ago=5)  # old, but reviewed last week
    body = client.get(f"/api/v1/recordings/{reviewed}", headers=headers).json()
    assert body["retention_until"] is not None
    assert run_purge(settings).recordings_expired == 0
    set_retention(db, people.organisation, None)  # type: ignore[arg-type]
    age(db, recent, 1000)
    assert run_purge(settings).recordings_expired == 0
    assert client.get(f"/api/v1/recordings/{recent}", headers=headers).json()["status"] == "ready"


@both_backends
def test_purges_running_at_once_on_several_machines_agree(
    client: TestClient,
    people: People,
    auth: Any,
    video_file: Path,
    storage: Any,
    settings: Settings,
    db: Session,
) -> None:
    headers = auth(people.practitioner)
    ids = [upload_whole(client, headers, video_file.read_bytes()) for _ in range(3)]
    leave_abandoned_upload(client, headers, db)
    set_retention(db, people.organisation, 1)
    for recording_id in ids:
        age(db, recording_id, 2)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def purge() -> None:
        try:
            reports.append(run_purge(settings))
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    workers = [threading.Thread(target=purge) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(report.recordings_expired for report in reports) == 3
    assert sum(report.uploads_swept for report in reports) == 1
    assert storage.list("") == [] and storage.list_multiparts() == []


def test_an_upload_renewed_while_the_purge_ran_stays_open_to_its_phone(
    client: TestClient, people: People, auth: Any, db: Session, settings: Settings, app: Any
) -> None:
    headers = auth(people.practitioner)
    url = create_upload(client, headers, 100).headers["Location"]
    # The purge lists uploads expired as of when it began; this one was renewed since (as
    # if listed by a purge that began after its old expiry), so it is looked at and kept.
    later = utcnow() + timedelta(days=2)
    swept = sweep_uploads(app.state.engine, get_storage(settings), settings, now=later)
    assert swept == 0
    # Kept and not left locked: the next PATCH goes straight in, not 423 for a minute.
    assert patch(client, url, headers, 0, b"x" * 100).status_code == 204
