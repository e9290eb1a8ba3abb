"""Shared by the benchmarks: servers on free loopback ports (stopped by PID), the app's
data and a bearer token, a tus client, media files, RSS and CPU readings, summaries."""

import base64
import os
import random
import statistics
import struct
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import httpx
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.auth.tokens import hash_secret, issue_access_token, new_secret
from app.db import make_engine
from app.models import AuthSession, Membership, MembershipRole, Organisation, Role, User
from app.models.base import utcnow
from app.models.identity import SessionKind
from tests.support.database import migrate
from tests.support.ports import free_port
from tests.support.processes import running_process

REPO_ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
MB = 1_000_000
CLIENT_READ_BYTES = 8 * MIB
SECRET_KEY = "bench-secret-key-that-is-long-enough-for-production"
TOKEN_LIFETIME = timedelta(hours=12)
# Every uvicorn process of a benchmark gets exactly these flags: one process, no reload.
UVICORN_FLAGS = ["--factory", "--host", "127.0.0.1", "--no-access-log", "--log-level", "warning"]
TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_STREAM = "application/offset+octet-stream"
CONSENT = {"consent": "obtained", "consent_scope": "coaching", "consent_method": "written"}
TIMEOUT = httpx.Timeout(300.0)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


def app_settings(database_url: str, media_dir: Path) -> dict[str, str]:
    """The app's settings in every bench: production mode, disk storage."""
    return {
        "TANDEM_ENV": "production",
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SECRET_KEY": SECRET_KEY,
        "TANDEM_MEDIA_DIR": str(media_dir),
        "TANDEM_STORAGE_BACKEND": "disk",
    }


@contextmanager
def uvicorn_server(
    target: str, *, log_path: Path, env: dict[str, str], ready_seconds: float = 30
) -> Iterator[Server]:
    """`target` (a factory) in its own uvicorn process on a free loopback port."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", target, *UVICORN_FLAGS, "--port", str(port)]
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    url = f"http://127.0.0.1:{port}"
    with running_process(
        args,
        ready_url=f"{url}/healthz",
        log_path=log_path,
        env={**inherited, **env},
        cwd=REPO_ROOT,
        timeout_seconds=ready_seconds,
    ) as process:
        yield Server(url, process.pid)


@dataclass(frozen=True)
class Tandem:
    server: Server
    headers: dict[str, str]
    organisation_id: uuid.UUID
    database_url: str
    media_dir: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.url, headers=self.headers, timeout=TIMEOUT)

    def discard_media(self) -> None:
        """Drop stored originals between runs, so the disk does not fill up (untimed)."""
        for path in (self.media_dir / "recordings").rglob("original"):
            path.unlink()
        os.sync()


@contextmanager
def tandem(work_dir: Path) -> Iterator[Tandem]:
    """The real app over a fresh SQLite database and disk storage, with one practitioner."""
    work_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{work_dir / 'tandem.sqlite3'}"
    media_dir = work_dir / "media"
    migrate(database_url)
    organisation_id, token = _practitioner(database_url)
    env = app_settings(database_url, media_dir)
    with uvicorn_server("app.main:create_app", log_path=work_dir / "app.log", env=env) as server:
        headers = {"Authorization": f"Bearer {token}"}
        yield Tandem(server, headers, organisation_id, database_url, media_dir)


def _practitioner(database_url: str) -> tuple[uuid.UUID, str]:
    """An organisation, a practitioner in it, and an access token, written through the models
    (the password grant would only add an argon2 hash)."""
    engine = make_engine(database_url)
    with Session(engine) as db:
        organisation = Organisation(name="Benchmarks", slug="benchmarks")
        user = User(email="bench@example.org", display_name="Bench Practitioner")
        db.add_all([organisation, user])
        db.flush()
        membership = Membership(organisation_id=organisation.id, user_id=user.id)
        db.add(membership)
        db.flush()
        db.add(MembershipRole(membership_id=membership.id, role=Role.practitioner))
        session = AuthSession(
            user_id=user.id,
            kind=SessionKind.api,
            secret_hash=hash_secret(new_secret()),
            expires_at=utcnow() + TOKEN_LIFETIME,
        )
        db.add(session)
        db.flush()
        token, _ = issue_access_token(
            secret_key=SECRET_KEY, user_id=user.id, session_id=session.id, lifetime=TOKEN_LIFETIME
        )
        organisation_id = organisation.id
        db.commit()
    engine.dispose()
    return organisation_id, token


def bearer_headers(db: Session, user_id: uuid.UUID) -> dict[str, str]:
    """A sign-in of this user's, minted as the password grant does (minus argon2)."""
    session = AuthSession(
        user_id=user_id,
        kind=SessionKind.api,
        secret_hash=hash_secret(new_secret()),
        expires_at=utcnow() + TOKEN_LIFETIME,
    )
    db.add(session)
    db.commit()
    token, _ = issue_access_token(
        secret_key=SECRET_KEY, user_id=user_id, session_id=session.id, lifetime=TOKEN_LIFETIME
    )
    return {"Authorization": f"Bearer {token}"}


def analyze(engine: Engine) -> None:
    """Statistics, as autovacuum gathers them within a minute of a bulk write: without any,
    PostgreSQL takes every fresh table for one row and plans nested loops over 80,000."""
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def file_chunks(path: Path, start: int = 0, length: int | None = None) -> Iterator[bytes]:
    """`length` bytes of the file from `start`, read as a phone's client streams them."""
    with path.open("rb") as file:
        file.seek(start)
        left = path.stat().st_size - start if length is None else length
        while left > 0:
            data = file.read(min(CLIENT_READ_BYTES, left))
            if not data:
                raise EOFError(path)
            left -= len(data)
            yield data


def prime_free_memory(folder: Path, size: int) -> None:
    """Write and delete a scratch file of `size` bytes, so the run after it finds that much
    recently freed memory, as every other run does.

    On our virtual machines the kernel hands memory that has stayed free for about a
    second back to the host (virtio-balloon free page reporting); taking it back costs
    ~2 s of kernel CPU per GiB written, charged to whichever process writes next. Without
    this, the run that follows a pause (an idle baseline server, a sync) pays it and the
    others do not: the same case measured 270 or 750 MB/s depending on its place.
    """
    scratch = folder / "prime.bin"
    folder.mkdir(parents=True, exist_ok=True)
    block = b"\0" * (8 * MIB)
    with scratch.open("wb") as file:
        for _ in range(0, size, len(block)):
            file.write(block)
    scratch.unlink()  # dirty and never written back: freed at once
    os.sync()


def expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.url}: {response.status_code} "
            f"{response.text[:300]}"
        )
    return response


def upload_metadata(organisation_id: uuid.UUID, filename: str) -> str:
    values = {
        "filename": filename,
        "filetype": "video/mp4",
        "title": "Benchmark",
        "organisation_id": str(organisation_id),
        **CONSENT,
    }
    return ",".join(f"{key} {base64.b64encode(v.encode()).decode()}" for key, v in values.items())


def tus_upload(app: Tandem, client: httpx.Client, path: Path, patch_bytes: int | None) -> str:
    """Create a tus upload and send the file in PATCHes of `patch_bytes` (None: one PATCH)
    until the last answers 204; returns the upload's URL."""
    size = path.stat().st_size
    created = client.post(
        "/api/v1/uploads",
        headers={
            **TUS,
            "Upload-Length": str(size),
            "Upload-Metadata": upload_metadata(app.organisation_id, path.name),
        },
    )
    url = expect(created, 201).headers["Location"]
    step = patch_bytes or size
    for offset in range(0, size, step):
        length = min(step, size - offset)
        headers = {
            **TUS,
            "Content-Type": OFFSET_STREAM,
            "Upload-Offset": str(offset),
            "Content-Length": str(length),
        }
        expect(client.patch(url, headers=headers, content=file_chunks(path, offset, length)), 204)
    return url


def wait_processed(client: httpx.Client, recording_id: str, timeout: float = 600) -> dict[str, Any]:
    """The recording once processing has finished with it (ready or rejected)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = expect(client.get(f"/api/v1/recordings/{recording_id}"), 200).json()
        if body["status"] in ("ready", "rejected"):
            return body
        time.sleep(0.1)
    raise TimeoutError(f"recording {recording_id} still processing after {timeout} s")


def recording_of_upload(client: httpx.Client, upload_url: str) -> str:
    recording_id: str = expect(client.get(upload_url), 200).json()["recording_id"]
    return recording_id


def make_media(path: Path, size: int, seed: int = 1) -> Path:
    """A valid MP4 of exactly `size` bytes: one second of 160x120 H.264, then a top-level
    `free` box of random bytes (players and PyAV skip it; the file stays a real video)."""
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for index in range(25):
            frame = av.VideoFrame(160, 120, "rgb24")
            frame.planes[0].update(bytes([index * 10 % 256]) * frame.planes[0].buffer_size)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    padding = size - path.stat().st_size
    if padding < 8:
        raise ValueError(f"{size} bytes is smaller than the video itself")
    generator = random.Random(seed)
    with path.open("ab") as file:
        file.write(struct.pack(">I", padding) + b"free")
        left = padding - 8
        while left:
            step = min(CLIENT_READ_BYTES, left)
            file.write(generator.randbytes(step))
            left -= step
    os.sync()  # its writeback must not land in the first measurement
    return path


def filesystem_of(path: Path) -> str:
    """The mount point and type the path lives on, from /proc/mounts ("/ (ext4)")."""
    resolved, best = str(path.resolve()), ("", "?")
    for line in Path("/proc/mounts").read_text().splitlines():
        mount_point, kind = line.split()[1:3]
        if resolved.startswith(mount_point.rstrip("/") + "/") and len(mount_point) > len(best[0]):
            best = (mount_point, kind)
    return f"{best[0]} ({best[1]})"


def run_note() -> str:
    """When and where: figures from a loaded machine (load average > 0.5) are not comparable."""
    one, _, fifteen = os.getloadavg()
    return (
        f"(finished {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average "
        f"{one:.1f} over 1 min, {fifteen:.1f} over 15 min: other work on the machine skews it)"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )
