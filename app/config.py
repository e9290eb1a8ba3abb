"""Every setting Tandem reads, in one place (environment prefix ``TANDEM_``)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import Depends, Request
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-development-only-secret-key"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# Requests one process works on at once unless TANDEM_CONCURRENCY says (`request_turns`).
POSTGRESQL_TURNS = 16
SQLITE_TURNS = 2


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./var/tandem.sqlite3"
    secret_key: str = DEFAULT_SECRET_KEY
    public_url: str = "http://127.0.0.1:8000"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    frontend_dir: Path = Path(__file__).resolve().parent.parent / "frontend"

    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=14, ge=1)
    browser_session_hours: int = Field(default=12, ge=1)
    invitation_days: int = Field(default=7, ge=1)
    password_reset_minutes: int = Field(default=30, ge=5, le=1440)
    cookie_secure: Literal["auto", "always", "never"] = "auto"

    login_slowdown_after: int = Field(default=3, ge=1)
    login_lockout_after: int = Field(default=10, ge=2)
    login_lockout_minutes: int = Field(default=15, ge=1)

    oidc_discovery_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_display_name: str = "your organisation"

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "tandem@localhost"

    # Web Push (app/notifications/push.py): off unless both keys are set; `python -m app
    # generate-vapid-keys` makes a pair. The subject (mailto: or https:) tells push
    # services whom to contact; by default the sender address of email.
    vapid_public_key: str | None = None
    vapid_private_key: str | None = None
    vapid_subject: str | None = None

    cors_origins: list[str] = []

    storage_backend: Literal["disk", "s3"] = "disk"
    media_dir: Path = Path("./var/media")
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_bucket: str = "tandem-media"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_server_side_encryption: str | None = None
    s3_part_size_mib: int = Field(default=8, ge=5)
    # Path-style (endpoint/bucket/key) for MinIO, Ceph and moto; "auto" lets boto3 choose.
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    # An S3 that takes longer than this to take a connection, or to send the next bytes
    # of an answer, is out of reach for that try (three tries, then 503): a store that
    # hangs holds an upload for about three times this, not boto3's five minutes.
    s3_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    presigned_url_seconds: int = Field(default=300, ge=1, le=900)
    # Disk storage behind nginx: the internal location under which nginx serves media_dir.
    # Media answers then carry X-Accel-Redirect and nginx sends the bytes (and the Ranges).
    media_accel_redirect: str | None = Field(default=None, pattern=r"^/([A-Za-z0-9_-]+/)+$")

    max_upload_bytes: int = Field(default=8 * 1024**3, ge=1)
    upload_expiry_hours: int = Field(default=24, ge=1)
    # Recordings: a PATCH holds its upload for this long and renews it while bytes arrive,
    # so a killed process blocks the upload for at most this long.
    upload_lock_seconds: int = Field(default=60, ge=5)
    # The PWA sends PATCHes of this many storage parts (OPTIONS /api/v1/uploads says so in
    # Tandem-Chunk-Size): whole parts leave no tail to store and read back between PATCHes.
    upload_chunk_parts: int = Field(default=4, ge=1)
    # Plain multipart POSTs are for small files and simple clients; big ones use tus.
    plain_upload_max_bytes: int = Field(default=1024**3, ge=1)
    # Processing (sha256, probe, poster) left unfinished this long is taken over again.
    processing_stale_minutes: int = Field(default=30, ge=1)
    # The job queue (app/jobs): a web process runs the job its request queued right after
    # answering (off: leave every job to `python -m app worker`); the embedded worker runs
    # the whole queue in a thread of the web process (`make run`); a worker holds a job
    # for the lease, looks for work every poll, and sends digests from this hour (UTC).
    work_after_response: bool = True
    embedded_worker: bool = False
    job_lease_minutes: int = Field(default=30, ge=1)
    worker_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    digest_hour: int = Field(default=7, ge=0, le=23)
    # Request bodies of every route but the uploads and imports (they stream theirs and
    # have their own limits): more answers 413 without being read.
    max_json_bytes: int = Field(default=1024**2, ge=1024)
    # API requests one process works on at once (each holds one database connection);
    # the rest wait up to queue_seconds for a turn, then hear 503 with Retry-After rather
    # than stall. The database pool is sized from it (app/db.py). Unset: `request_turns`.
    concurrency: int | None = Field(default=None, ge=1, le=500)
    # The bearer token Prometheus sends to /metrics (app/metrics.py); none: no /metrics.
    metrics_token: str | None = Field(default=None, min_length=16)
    queue_seconds: float = Field(default=2.0, gt=0, le=30)

    @property
    def request_turns(self) -> int:
        """TANDEM_CONCURRENCY, or by default 16 on PostgreSQL and 2 on SQLite.

        A request waiting on PostgreSQL waits on the network, and others use the
        interpreter meanwhile. SQLite works inside the process: its requests never wait on
        anything but the interpreter lock, so more than two at once only take turns at it,
        each hand-over costing more than it gives (wrk on /me over SQLite: 16 turns served
        469-527 requests/s, 4 turns 591-640, 2 turns 722-825; bench/README.md). Two, not
        one, so that one long request (a report) never holds every other back."""
        if self.concurrency is not None:
            return self.concurrency
        return SQLITE_TURNS if self.database_url.startswith("sqlite") else POSTGRESQL_TURNS

    @property
    def part_size_bytes(self) -> int:
        """Every part of a multipart write but the last has this size (disk and S3 alike)."""
        return self.s3_part_size_mib * 1024**2

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        # TANDEM_ENV defaults to development, so a forgotten TANDEM_ENV must not be enough
        # to serve the public with the key everyone can read in this file.
        if self.secret_key == DEFAULT_SECRET_KEY and not self._is_local_development:
            raise ValueError(
                "TANDEM_SECRET_KEY must be set to a private value unless TANDEM_ENV is "
                "development or test and TANDEM_PUBLIC_URL is on localhost"
            )
        if self.env == "production" and len(self.secret_key) < 32:
            raise ValueError("TANDEM_SECRET_KEY must be at least 32 characters in production")
        return self

    @model_validator(mode="after")
    def _vapid_keys_are_a_pair(self) -> "Settings":
        if bool(self.vapid_public_key) != bool(self.vapid_private_key):
            raise ValueError(
                "TANDEM_VAPID_PUBLIC_KEY and TANDEM_VAPID_PRIVATE_KEY are set together, or neither"
            )
        if self.vapid_private_key:
            from app.notifications.push import public_key_of

            try:
                matches = public_key_of(self.vapid_private_key) == self.vapid_public_key
            except ValueError:
                matches = False
            if not matches:
                raise ValueError(
                    "TANDEM_VAPID_PUBLIC_KEY is not the public key of TANDEM_VAPID_PRIVATE_KEY "
                    "(python -m app generate-vapid-keys makes a pair)"
                )
        return self

    @model_validator(mode="after")
    def _uploads_fit_in_s3_parts(self) -> "Settings":
        # An S3 multipart upload has at most 10,000 parts; the largest upload must fit.
        if self.max_upload_bytes > self.s3_part_size_mib * 1024**2 * 10_000:
            raise ValueError(
                "TANDEM_MAX_UPLOAD_BYTES would need over 10,000 S3 parts; "
                "raise TANDEM_S3_PART_SIZE_MIB"
            )
        return self

    @property
    def _is_local_development(self) -> bool:
        host = urlsplit(self.public_url).hostname or ""
        return self.env in ("development", "test") and host in LOOPBACK_HOSTS

    @property
    def media_origins(self) -> list[str]:
        """Where browsers fetch presigned media from: the S3 endpoint's origins (path-style,
        virtual-hosted or both, as boto3 may choose under "auto"); none on disk."""
        if self.storage_backend != "s3":
            return []
        if self.s3_endpoint_url:
            parts = urlsplit(self.s3_endpoint_url)
            scheme, host = parts.scheme, parts.netloc
        else:
            regional = "" if self.s3_region == "us-east-1" else f".{self.s3_region}"
            scheme, host = "https", f"s3{regional}.amazonaws.com"
        path_style = f"{scheme}://{host}"
        virtual = f"{scheme}://{self.s3_bucket}.{host}"
        return {"path": [path_style], "virtual": [virtual]}.get(
            self.s3_addressing_style, [path_style, virtual]
        )

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_discovery_url and self.oidc_client_id)

    # Every sign-in, API or browser, ends after this long unused, and this long after
    # signing in however much it is used (the kind's own lifetime above applies when
    # shorter). Use is written at most once a minute, so the idle limit is at least 5.
    session_idle_minutes: int = Field(default=60, ge=5)
    session_absolute_hours: int = Field(default=14 * 24, ge=1)
    # Failed sign-ins are forgotten after this long without another, so one person's
    # typos spread over weeks never add up to a slowdown or a lock.
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # One address may be a whole office: it makes more typos than one person does.
    login_address_slowdown_after: int = Field(default=20, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def settings_of_app(request: Request) -> Settings:
    """The settings the running app was built with (tests build one app per config)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(settings_of_app)]
