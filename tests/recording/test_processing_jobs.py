"""Processing after an upload is a job (app/jobs), queued in the transaction that moves the
recording to processing: the web process runs it right after answering, or, when it
leaves its jobs to the workers, `python -m app worker` does, even one started later."""

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.jobs.kinds import PROCESS_RECORDING, processing_key
from app.models import Job, Recording, RecordingStatus
from tests.recording.conftest import People, live_environment
from tests.recording.helpers import CONSENT, upload_whole
from tests.support.live_server import REPO_ROOT

FORM = {"title": "Visit", **CONSENT}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A web process that leaves its jobs to the workers, as in a scaled-out deployment."""
    return settings.model_copy(update={"work_after_response": False})


def _worker_environment(settings: Settings, storage_values: dict[str, Any]) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    return {
        **inherited,
        **live_environment(settings, storage_values),
        "TANDEM_ENV": "test",
        "TANDEM_DATABASE_URL": settings.database_url,
        "TANDEM_SECRET_KEY": settings.secret_key,
        "TANDEM_WORKER_POLL_SECONDS": "0.2",
    }


def _processing_job(db: Session, recording_id: str) -> Job:
    db.expire_all()
    job = db.exec(
        select(Job).where(col(Job.dedupe_key) == processing_key(uuid.UUID(recording_id)))
    ).one()
    assert job.kind == PROCESS_RECORDING
    return job


def _status(db: Session, recording_id: str) -> str:
    db.expire_all()
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None
    return recording.status


def test_a_recording_waits_for_a_worker_and_the_worker_command_processes_it(
    client: TestClient,
    db: Session,
    people: People,
    auth: Any,
    video_file: Path,
    settings: Settings,
    storage_values: dict[str, Any],
) -> None:
    data = video_file.read_bytes()
    answer = client.post(
        "/api/v1/recordings",
        headers=auth(people.practitioner),
        data=FORM,
        files={"file": ("visit.mp4", data, "video/mp4")},
    )
    assert answer.status_code == 201, answer.text
    recording_id = answer.json()["id"]
    # Nothing ran it here: it waits, queued with the recording.
    assert _status(db, recording_id) == RecordingStatus.processing
    assert _processing_job(db, recording_id).finished_at is None

    ran = subprocess.run(
        [sys.executable, "-m", "app", "worker", "--once"],
        env=_worker_environment(settings, storage_values),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    assert "Jobs run: 2." in ran.stdout  # the recording's processing and the hourly purge
    assert _status(db, recording_id) == RecordingStatus.ready
    assert _processing_job(db, recording_id).finished_at is not None
    read = client.get(f"/api/v1/recordings/{recording_id}", headers=auth(people.practitioner))
    assert read.json()["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_running_worker_takes_new_uploads_and_stops_cleanly_on_sigterm(
    client: TestClient,
    db: Session,
    people: People,
    auth: Any,
    video_file: Path,
    settings: Settings,
    storage_values: dict[str, Any],
    tmp_path: Path,
) -> None:
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "app", "worker"],
            env=_worker_environment(settings, storage_values),
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # A tus upload finished after the worker started: its next look finds it.
        recording_id = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
        deadline = time.monotonic() + 60
        while _status(db, recording_id) != RecordingStatus.ready:
            assert worker.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the worker never processed the recording"
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, log_path.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert _processing_job(db, recording_id).finished_at is not None
    assert "Traceback" not in log_path.read_text()


def test_by_default_the_web_process_runs_the_job_right_after_answering(
    client: TestClient,
    db: Session,
    people: People,
    auth: Any,
    video_file: Path,
    settings: Settings,
    app: Any,
) -> None:
    app.state.settings = settings.model_copy(update={"work_after_response": True})
    recording_id = upload_whole(client, auth(people.practitioner), video_file.read_bytes())
    assert _status(db, recording_id) == RecordingStatus.ready
    job = _processing_job(db, recording_id)
    assert job.finished_at is not None and job.attempts == 1
