"""An S3 API on loopback for tests: moto in server mode, spoken to over HTTP only."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto on 127.0.0.1 on a free port; yields its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@cache
def s3_client(endpoint_url: str) -> Any:
    """One client per server: making a boto3 session costs a fifth of a second."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def new_bucket(endpoint_url: str) -> str:
    """A bucket of its own for one test, so tests never see each other's objects."""
    name = f"tandem-test-{uuid.uuid4().hex[:16]}"
    s3_client(endpoint_url).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint_url: str, bucket: str) -> dict[str, Any]:
    """Settings (as field values) for the S3 backend against this server and bucket."""
    return {
        "storage_backend": "s3",
        "s3_endpoint_url": endpoint_url,
        "s3_bucket": bucket,
        "s3_region": REGION,
        "s3_access_key_id": ACCESS_KEY,
        "s3_secret_access_key": SECRET_KEY,
        "s3_addressing_style": "path",
        # The smallest part S3 allows, so a few MiB of test media span several parts.
        "s3_part_size_mib": 5,
    }


def as_environment(values: dict[str, Any]) -> dict[str, str]:
    """The same settings as TANDEM_* variables, for a server in another process."""
    return {f"TANDEM_{name.upper()}": str(value) for name, value in values.items()}


def everything_in(endpoint_url: str, bucket: str) -> tuple[list[str], list[str]]:
    """Every object key and every unfinished multipart upload in the bucket."""
    client = s3_client(endpoint_url)
    objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    pending = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    return [item["Key"] for item in objects], [item["Key"] for item in pending]
