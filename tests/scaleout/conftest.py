"""Two app processes over one PostgreSQL database and one S3 bucket, as behind a load
balancer: the same secret key and storage settings, different ports."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.models import Organisation, Role, User
from tests.factories import make_organisation, make_user
from tests.support.live_server import LIVE_SERVER_SECRET, live_server
from tests.support.media import make_video, pad_with_free_box
from tests.support.s3 import as_environment, moto_server, new_bucket, s3_settings

MIB = 1024 * 1024
# Long enough for a dozen MiB through moto and a poster frame on a busy 2-core machine.
ANSWER_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Cluster:
    first: str  # base URL of process A
    second: str  # base URL of process B
    s3_endpoint: str
    bucket: str
    environment: dict[str, str]  # the TANDEM_* settings every process of the cluster shares


@dataclass(frozen=True)
class Member:
    organisation: Organisation
    practitioner: User


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def cluster(
    database_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """Started once for the module: importing the app takes a process about 3.5 s here.
    Each test makes its own organisation, and the `db` fixture empties the tables after
    it, so the tests share processes and a bucket but no data."""
    work_dir = tmp_path_factory.mktemp("cluster")
    bucket = new_bucket(s3_endpoint)
    environment = {
        "TANDEM_DATABASE_URL": database_url,
        # live_server gives both processes this key; other processes get it from here.
        "TANDEM_SECRET_KEY": LIVE_SERVER_SECRET,
        "TANDEM_MEDIA_DIR": str(work_dir / "media"),
        **as_environment(s3_settings(s3_endpoint, bucket)),
    }
    with (
        live_server(database_url=database_url, work_dir=work_dir / "a", env=environment) as first,
        live_server(database_url=database_url, work_dir=work_dir / "b", env=environment) as second,
    ):
        yield Cluster(first, second, s3_endpoint, bucket, environment)


@contextmanager
def clients(cluster: Cluster) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """One client per process; media redirects to presigned S3 URLs are followed."""
    with (
        httpx.Client(
            base_url=cluster.first, timeout=ANSWER_TIMEOUT_SECONDS, follow_redirects=True
        ) as first,
        httpx.Client(
            base_url=cluster.second, timeout=ANSWER_TIMEOUT_SECONDS, follow_redirects=True
        ) as second,
    ):
        yield first, second


def process_environment(cluster: Cluster, **overrides: str) -> dict[str, str]:
    """The environment of another process of the cluster (a cron job), as live_server
    builds it: the developer's own TANDEM_* variables never leak in."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("TANDEM_")}
    return {**inherited, "TANDEM_ENV": "test", **cluster.environment, **overrides}


@pytest.fixture
def member(db: Session) -> Member:
    organisation = make_organisation(db)
    return Member(organisation, make_user(db, organisation, Role.practitioner))


@pytest.fixture(scope="session")
def large_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid MP4 of about 12 MiB: two whole 5 MiB storage parts and a shorter last one."""
    video = make_video(tmp_path_factory.mktemp("scaleout") / "visit.mp4", seconds=2)
    return pad_with_free_box(video, 12 * MIB)
