"""Recordings run on both storage backends: disk, and S3 (moto on loopback)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.auth.tokens import hash_secret, issue_access_token, new_secret
from app.config import Settings
from app.models import AuthSession, Organisation, Role, User
from app.models.base import utcnow
from app.models.identity import SessionKind
from app.storage import Storage, get_storage
from tests.factories import assign, make_organisation, make_user
from tests.support.live_server import LIVE_SERVER_SECRET, live_server
from tests.support.media import make_video
from tests.support.s3 import as_environment, moto_server, new_bucket, s3_settings

both_backends = pytest.mark.parametrize("backend", ["disk", "s3"], indirect=True)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "disk" unless a test asks for both (see `both_backends`)."""
    return str(getattr(request, "param", "disk"))


@pytest.fixture
def storage_values(backend: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    if backend == "s3":
        endpoint: str = request.getfixturevalue("s3_endpoint")
        return s3_settings(endpoint, new_bucket(endpoint))
    return {"storage_backend": "disk"}


@pytest.fixture
def settings(settings: Settings, storage_values: dict[str, Any]) -> Settings:
    return settings.model_copy(update=storage_values)


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return get_storage(settings)


@pytest.fixture(scope="session")
def video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "session.mp4")


@dataclass
class People:
    organisation: Organisation
    practitioner: User
    coach: User
    other_coach: User
    supervisor: User
    lead: User
    outsider: User
    other_organisation: Organisation


@pytest.fixture
def people(db: Session) -> People:
    organisation = make_organisation(db)
    practitioner = make_user(db, organisation, Role.practitioner)
    coach = make_user(db, organisation, Role.coach)
    other_coach = make_user(db, organisation, Role.coach)
    supervisor = make_user(db, organisation, Role.supervisor)
    lead = make_user(db, organisation, Role.lead)
    assign(db, organisation, coach, practitioner, "coach")
    assign(db, organisation, supervisor, practitioner, "supervisor")
    other_organisation = make_organisation(db)
    outsider = make_user(db, other_organisation, Role.practitioner, Role.coach, Role.lead)
    return People(
        organisation,
        practitioner,
        coach,
        other_coach,
        supervisor,
        lead,
        outsider,
        other_organisation,
    )


def bearer_for(db: Session, user: User, secret_key: str) -> dict[str, str]:
    """A real session and access token, minted the way sign-in does, minus the password
    check: argon2 is slow on purpose, and the password grant has tests of its own."""
    auth_session = AuthSession(
        user_id=user.id,
        kind=SessionKind.api,
        secret_hash=hash_secret(new_secret()),
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.add(auth_session)
    db.commit()
    token, _ = issue_access_token(
        secret_key=secret_key,
        user_id=user.id,
        session_id=auth_session.id,
        lifetime=timedelta(hours=1),
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(db: Session, settings: Settings) -> Any:
    """Bearer headers for a user of the in-process app."""
    cache: dict[str, dict[str, str]] = {}

    def headers(user: User) -> dict[str, str]:
        if user.email not in cache:
            cache[user.email] = bearer_for(db, user, settings.secret_key)
        return cache[user.email]

    return headers


def live_environment(settings: Settings, storage_values: dict[str, Any]) -> dict[str, str]:
    """What a server in another process needs to share this test's storage."""
    return {**as_environment(storage_values), "TANDEM_MEDIA_DIR": str(settings.media_dir)}


@pytest.fixture
def live(
    db: Session, settings: Settings, storage_values: dict[str, Any], tmp_path: Path
) -> Iterator[str]:
    """The app in a real uvicorn process over this test's database and storage."""
    env = live_environment(settings, storage_values)
    with live_server(
        database_url=settings.database_url, work_dir=tmp_path / "live", env=env
    ) as url:
        yield url


def live_bearer(db: Session, user: User) -> dict[str, str]:
    """Bearer headers for a user of the live server (see tests/support/live_server.py)."""
    return bearer_for(db, user, LIVE_SERVER_SECRET)
