"""Each storage test runs on the local disk and on S3 (moto on loopback, over HTTP)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from app.storage import Storage, get_storage
from tests.support.s3 import moto_server, new_bucket, s3_settings


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(params=["disk", "s3"])
def storage_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    values: dict[str, object] = {"media_dir": tmp_path / "media"}
    if request.param == "s3":
        endpoint: str = request.getfixturevalue("s3_endpoint")
        values |= s3_settings(endpoint, new_bucket(endpoint))
    return Settings(env="test", **values)  # type: ignore[arg-type]


@pytest.fixture
def storage(storage_settings: Settings) -> Storage:
    return get_storage(storage_settings)
