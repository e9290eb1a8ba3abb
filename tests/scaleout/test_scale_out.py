"""Two app processes over one PostgreSQL database and one S3 bucket act as one service
(issue #15, item 1).

DESIGN.md promises stateless processes: scale out by running more of them behind a load
balancer. A balancer sends each request to whichever process it likes, and cron may start
the daily purge on several machines at once. So these tests run two real uvicorn
processes (and two purge processes) and check what people rely on: an upload whose chunks
land on different processes arrives byte for byte, two chunks colliding never corrupt it,
the purge does each piece of work once, and signing in or out counts on every process.
"""

import asyncio
import hashlib
import itertools
import json
import subprocess
import sys
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, Recording, RecordingStatus, Upload
from app.models.base import utcnow
from tests.factories import PASSWORD, make_ready_recording
from tests.recording.conftest import bearer_for
from tests.recording.helpers import (
    OFFSET_STREAM,
    TUS,
    create_upload,
    offset_of,
    patch,
    wait_until_processed,
)
from tests.scaleout.conftest import (
    ANSWER_TIMEOUT_SECONDS,
    MIB,
    Cluster,
    Member,
    clients,
    process_environment,
)
from tests.support.event_loop import run_apart
from tests.support.live_server import LIVE_SERVER_SECRET, REPO_ROOT
from tests.support.s3 import everything_in, s3_client

pytestmark = pytest.mark.once_on_postgresql

# Not a whole number of 5 MiB parts: most PATCHes leave a tail that the other process
# must pick up from storage and the database.
CHUNK_BYTES = 3 * MIB + 12_345
PROCESSING_STALE_MINUTES = 5


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_bytes(cluster: Cluster, db: Session, recording_id: str) -> bytes:
    """The recording's object as S3 holds it, read past the app."""
    recording = db.get(Recording, uuid.UUID(recording_id))
    assert recording is not None
    stored = s3_client(cluster.s3_endpoint).get_object(
        Bucket=cluster.bucket, Key=recording.storage_key
    )
    data: bytes = stored["Body"].read()
    return data


def assert_recording_is_the_file(
    client: httpx.Client, cluster: Cluster, db: Session, upload_path: str, original: bytes
) -> str:
    """The upload became a ready recording whose every copy is the file sent."""
    upload = client.get(upload_path).json()
    assert upload["completed"] and upload["offset"] == len(original), upload
    recording_id: str = upload["recording_id"]
    recording = wait_until_processed(client, recording_id, {}, timeout=ANSWER_TIMEOUT_SECONDS)
    assert recording["status"] == "ready", recording
    assert recording["sha256"] == sha256_of(original)
    assert recording["size_bytes"] == len(original)
    played = client.get(f"/api/v1/recordings/{recording_id}/media")
    assert played.status_code == 200
    assert sha256_of(played.content) == sha256_of(original)
    assert sha256_of(stored_bytes(cluster, db, recording_id)) == sha256_of(original)
    return recording_id


def test_an_upload_whose_patches_alternate_between_processes_arrives_intact(
    cluster: Cluster, member: Member, large_video: Path, db: Session
) -> None:
    original = large_video.read_bytes()
    headers = bearer_for(db, member.practitioner, LIVE_SERVER_SECRET)
    with clients(cluster) as (first, second):
        created = create_upload(first, headers, len(original))
        assert created.status_code == 201, created.text
        upload_path = created.headers["Location"]
        processes = itertools.cycle((second, first))
        offset, patches = 0, 0
        while offset < len(original):
            client = next(processes)
            # As a tus client resuming wherever the balancer sends it: ask, then go on.
            assert offset_of(client, upload_path, headers) == offset
            body = original[offset : offset + CHUNK_BYTES]
            answer = patch(client, upload_path, headers, offset, body)
            assert answer.status_code == 204, answer.text
            offset, patches = offset + len(body), patches + 1
            assert int(answer.headers["Upload-Offset"]) == offset
        assert patches >= 3

        first.headers.update(headers)
        second.headers.update(headers)
        recording_id = assert_recording_is_the_file(first, cluster, db, upload_path, original)
        assert second.get(upload_path).json()["recording_id"] == recording_id
        listed = f"/api/v1/recordings?organisation_id={member.organisation.id}"
        for client in (first, second):
            recordings = client.get(listed).json()
            assert [(r["id"], r["status"]) for r in recordings] == [(recording_id, "ready")]
            assert client.get(f"/api/v1/recordings/{recording_id}").json()["sha256"] == (
                sha256_of(original)
            )


async def _race(
    urls: tuple[str, str], upload_path: str, headers: dict[str, str], offset: int, body: bytes
) -> list[httpx.Response]:
    """The same PATCH sent to both processes at once, each on a connection already open."""
    async with (
        httpx.AsyncClient(base_url=urls[0], timeout=ANSWER_TIMEOUT_SECONDS) as first,
        httpx.AsyncClient(base_url=urls[1], timeout=ANSWER_TIMEOUT_SECONDS) as second,
    ):
        sent = {**headers, **TUS, **OFFSET_STREAM, "Upload-Offset": str(offset)}
        for client in (first, second):
            warmed = await client.head(upload_path, headers={**headers, **TUS})
            assert int(warmed.headers["Upload-Offset"]) == offset
        return list(
            await asyncio.gather(
                first.patch(upload_path, headers=sent, content=body),
                second.patch(upload_path, headers=sent, content=body),
            )
        )


def test_the_same_patch_racing_on_both_processes_is_taken_once(
    cluster: Cluster, member: Member, large_video: Path, db: Session
) -> None:
    original = large_video.read_bytes()
    headers = bearer_for(db, member.practitioner, LIVE_SERVER_SECRET)
    refusals: list[str] = []
    with clients(cluster) as (first, second):
        created = create_upload(first, headers, len(original))
        assert created.status_code == 201, created.text
        upload_path = created.headers["Location"]
        race = partial(_race, (cluster.first, cluster.second), upload_path, headers)
        # Every chunk is raced, the last (which completes the upload) too.
        for offset in range(0, len(original), CHUNK_BYTES):
            body = original[offset : offset + CHUNK_BYTES]
            answers = run_apart(partial(race, offset, body))
            statuses = sorted(answer.status_code for answer in answers)
            # tus.py: the loser either found the upload leased to the winner (423
            # upload_locked) or, arriving after it, at another offset (409 offset_mismatch).
            assert statuses in ([204, 409], [204, 423]), [a.text for a in answers]
            taken = offset + len(body)
            accepted = next(answer for answer in answers if answer.status_code == 204)
            assert int(accepted.headers["Upload-Offset"]) == taken
            refused = next(answer for answer in answers if answer.status_code != 204)
            expected_code = "offset_mismatch" if refused.status_code == 409 else "upload_locked"
            assert refused.json()["error"]["code"] == expected_code
            refusals.append(expected_code)
            # The loser wrote nothing: both processes report only the winner's bytes.
            assert offset_of(first, upload_path, headers) == taken
            assert offset_of(second, upload_path, headers) == taken

        second.headers.update(headers)
        recording_id = assert_recording_is_the_file(second, cluster, db, upload_path, original)
        listed = second.get(f"/api/v1/recordings?organisation_id={member.organisation.id}")
        assert [recording["id"] for recording in listed.json()] == [recording_id]
    print(f"refusals of the losing PATCH: {refusals}")


# `python -m app purge` as cron starts it (runpy runs app/__main__.py exactly as -m does),
# held at a start line once the app is imported, so both purgers begin work together
# rather than whenever each finished importing.
PURGE_AT_THE_START_LINE = """
import runpy, sys
import app.cli, app.recording.retention
print("ready", flush=True)
sys.stdin.readline()
sys.argv = ["app", "purge"]
runpy.run_module("app", run_name="__main__", alter_sys=True)
"""


def run_purges_together(cluster: Cluster, count: int) -> list[tuple[int, str, str]]:
    """Exit status, stdout and stderr of each purger."""
    environment = process_environment(
        cluster, TANDEM_PROCESSING_STALE_MINUTES=str(PROCESSING_STALE_MINUTES)
    )
    purgers = [
        subprocess.Popen(
            [sys.executable, "-c", PURGE_AT_THE_START_LINE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=REPO_ROOT,
        )
        for _ in range(count)
    ]
    try:
        for purger in purgers:
            assert purger.stdout is not None
            assert purger.stdout.readline() == b"ready\n", purger.communicate(timeout=30)
        for purger in purgers:
            assert purger.stdin is not None
            purger.stdin.write(b"go\n")
            purger.stdin.flush()
        outputs = [purger.communicate(timeout=ANSWER_TIMEOUT_SECONDS) for purger in purgers]
    finally:
        for purger in purgers:
            if purger.poll() is None:
                purger.kill()
                purger.wait()
    return [
        (purger.returncode, out.decode(), err.decode())
        for purger, (out, err) in zip(purgers, outputs, strict=True)
    ]


def stored_under(cluster: Cluster, prefix: str) -> tuple[list[str], list[str]]:
    """The object keys and unfinished multipart uploads under `prefix`."""
    keys, pending = everything_in(cluster.s3_endpoint, cluster.bucket)
    return (
        [key for key in keys if key.startswith(prefix)],
        [key for key in pending if key.startswith(prefix)],
    )


def audit_count(db: Session, action: str, resource_id: uuid.UUID) -> int:
    statement = select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.resource_id == str(resource_id)
    )
    return len(db.exec(statement).all())


def leave_abandoned_upload(client: httpx.Client, headers: dict[str, str], db: Session) -> Upload:
    """An upload a phone gave up on after one whole part and a tail, now past its expiry."""
    created = create_upload(client, headers, 12 * MIB)
    assert created.status_code == 201, created.text
    started = patch(client, created.headers["Location"], headers, 0, b"y" * (6 * MIB))
    assert started.status_code == 204, started.text
    upload = db.exec(select(Upload)).one()
    upload.expires_at = utcnow() - timedelta(minutes=1)
    db.add(upload)
    db.commit()
    return upload


def put_media(cluster: Cluster, recording: Recording, data: bytes, *, poster: bool) -> None:
    client = s3_client(cluster.s3_endpoint)
    client.put_object(Bucket=cluster.bucket, Key=recording.storage_key, Body=data)
    if poster:
        poster_key = recording.storage_key.rsplit("/", 1)[0] + "/poster.jpg"
        client.put_object(Bucket=cluster.bucket, Key=poster_key, Body=b"\xff\xd8 a poster")


def test_two_purges_at_once_do_each_piece_of_work_once(
    cluster: Cluster, member: Member, large_video: Path, db: Session
) -> None:
    original = large_video.read_bytes()
    organisation, practitioner = member.organisation, member.practitioner
    organisation.retention_days = 30
    db.add(organisation)
    expired = make_ready_recording(db, organisation, practitioner)
    expired.uploaded_at, expired.size_bytes = utcnow() - timedelta(days=31), len(original)
    db.add(expired)
    # As a process that died halfway through processing left it, longer ago than the
    # stale limit: purge finishes it.
    stuck = make_ready_recording(db, organisation, practitioner, status=RecordingStatus.processing)
    stuck.size_bytes, stuck.sha256 = len(original), None
    stuck.processing_started_at = utcnow() - timedelta(minutes=2 * PROCESSING_STALE_MINUTES)
    db.add(stuck)
    db.commit()
    put_media(cluster, expired, original, poster=True)
    put_media(cluster, stuck, original, poster=False)
    with clients(cluster) as (first, _):
        client_headers = bearer_for(db, practitioner, LIVE_SERVER_SECRET)
        abandoned = leave_abandoned_upload(first, client_headers, db)
    # Read now: the purge removes the row, and with it what the session could reload.
    abandoned_id, abandoned_recording_id = abandoned.id, abandoned.recording_id
    organisation_prefix = f"recordings/{organisation.id}/"
    assert stored_under(cluster, organisation_prefix)[1], "a multipart upload to sweep"

    outcomes = run_purges_together(cluster, count=2)

    for status, out, err in outcomes:
        assert status == 0, (out, err)
        assert err == "", err
    reports = [json.loads(out.strip().splitlines()[-1]) for _, out, _ in outcomes]
    print(f"purge reports: {reports}")
    assert sum(report["recordings_expired"] for report in reports) == 1, reports
    assert sum(report["uploads_swept"] for report in reports) == 1, reports
    db.expire_all()
    # Retention: expired, erased, and audited once.
    erased = db.get(Recording, expired.id)
    assert erased is not None
    assert erased.status == RecordingStatus.deleted and erased.media_erased_at is not None
    assert audit_count(db, "recording.media_erased", expired.id) == 1
    # The abandoned upload: its rows, its part and its tail are gone, swept once.
    assert db.get(Upload, abandoned_id) is None
    assert db.get(Recording, abandoned_recording_id) is None
    assert audit_count(db, "upload.expired", abandoned_id) == 1
    # The stuck recording: processed once, and now what was stored.
    finished = db.get(Recording, stuck.id)
    assert finished is not None
    assert finished.status == RecordingStatus.ready and finished.sha256 == sha256_of(original)
    assert audit_count(db, "recording.ready", stuck.id) == 1
    # In storage, only the stuck recording's media remain (the bucket is the module's).
    keys, pending_multiparts = stored_under(cluster, organisation_prefix)
    assert pending_multiparts == []
    kept = f"{organisation_prefix}{stuck.id}/"
    assert sorted(keys) == [f"{kept}original", f"{kept}poster.jpg"]
    assert stored_under(cluster, f"uploads/{abandoned_id}/") == ([], [])


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_signing_in_and_out_counts_on_every_process(
    cluster: Cluster, member: Member, db: Session
) -> None:
    user = member.practitioner
    with clients(cluster) as (first, second):
        signed_in = first.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        tokens = signed_in.json()
        me = second.get("/api/v1/me", headers=bearer(tokens))
        assert me.status_code == 200 and me.json()["email"] == user.email
        # The refresh token too is the service's, not the process's.
        refreshed = second.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        latest = refreshed.json()
        assert first.get("/api/v1/me", headers=bearer(latest)).status_code == 200

        assert second.post("/api/v1/auth/logout", headers=bearer(latest)).status_code == 204

        for client in (first, second):
            for access in (tokens, latest):
                assert client.get("/api/v1/me", headers=bearer(access)).status_code == 401
            refused = client.post(
                "/api/v1/auth/refresh", json={"refresh_token": latest["refresh_token"]}
            )
            assert refused.status_code == 401, refused.text
