"""What Schemathesis explores: one in-process app per module, and for each operation a
world of its own (tests/access/conftest.py: an organisation, a recording with real
media, its reviews and everything around them), so ids in paths name real rows and
what one operation deletes or withdraws cannot change what the next one finds.
"""

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from tests.access.conftest import World, build_world
from tests.conftest import TEST_SECRET
from tests.support.database import empty_all_tables
from tests.support.media import make_video

# The roles the contract is fuzzed as, each an actor of the world: nobody signed in, a
# coach with the lead's grant to watch, a second rater with a draft, the owner's
# supervisor and coach, the owner (a practitioner) and the lead. Each case goes to them in
# this order, so those who may delete or withdraw things come last.
ROLES: Mapping[str, str] = {
    "anonymous": "anonymous",
    "guest_reviewer": "guest",
    "second_rater": "rater_blind",
    "supervisor": "supervisor",
    "coach": "coach",
    "practitioner": "owner",
    "lead": "lead",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Stage:
    """A world and the bearer headers of each role in it."""

    world: World
    headers: Mapping[str, Mapping[str, str]]
    _turns: Iterator[str] = field(default_factory=lambda: itertools.cycle(ROLES))

    def next_role(self) -> str:
        """The roles in turn, for cases sent as one role only."""
        return next(self._turns)

    def again(self) -> "Stage":
        """The same world for another operation, the roles' turns from the start."""
        return Stage(world=self.world, headers=self.headers)

    def ids(self) -> dict[str, str]:
        """Real ids for parameters and body fields, by name."""
        world, cast = self.world, self.world.cast
        values = {name: str(value) for name, value in world.path_values().items()}
        return values | {
            "user_id": str(cast["guest"].id),
            "owner_user_id": str(cast["owner"].id),
            "practitioner_user_id": str(cast["owner"].id),
            "staff_user_id": str(cast["other_coach"].id),
            "rater_user_id": str(cast["other_coach"].id),
            "coach_user_id": str(cast["coach"].id),
            "supervisor_user_id": str(cast["supervisor"].id),
            "rubric_version_id": str(cast.version.id),
            "ref_id": str(world.scene.coach_observation.id),
        }


@pytest.fixture(scope="module")
def contract_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    settings = Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        media_dir=tmp_path_factory.mktemp("contract") / "media",
        public_url="http://localhost",
        log_level="WARNING",
    )
    application = create_app(settings)
    try:
        yield application
    finally:
        empty_all_tables(application.state.engine)
        application.state.engine.dispose()


@pytest.fixture
def stage(request: pytest.FixtureRequest, contract_app: FastAPI, video: bytes) -> Stage:
    """A world of its own for an operation that may change it; reads share one."""
    method = str(getattr(request.node, "operation_label", "")).split(" ", 1)[0]
    if method in SAFE_METHODS:
        shared: Stage = request.getfixturevalue("shared_stage")
        return shared.again()
    return _build_stage(contract_app, video)


@pytest.fixture(scope="module")
def shared_stage(contract_app: FastAPI, video: bytes) -> Stage:
    """One world for a module's calls that change nothing the others look at."""
    return _build_stage(contract_app, video)


@pytest.fixture(scope="module")
def contract_client(contract_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(contract_app, base_url="http://localhost") as client:
        yield client


def _build_stage(app: FastAPI, video: bytes) -> Stage:
    with Session(app.state.engine, expire_on_commit=False) as db:
        world = build_world(app, db, TestClient(app), video)
        headers = {role: world.one_off_headers(db, actor) for role, actor in ROLES.items()}
    return Stage(world=world, headers=headers)


@pytest.fixture(scope="session")
def video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path: Path = make_video(tmp_path_factory.mktemp("contract") / "visit.mp4", seconds=1, width=160)
    return path.read_bytes()
