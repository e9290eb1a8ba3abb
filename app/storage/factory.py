"""Building the configured storage, once per application."""

import threading
from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.storage.disk import DiskStorage
from app.storage.protocol import Storage
from app.storage.s3 import S3Storage

_lock = threading.Lock()


def get_storage(settings: Settings) -> Storage:
    """A new storage for these settings (CLI jobs and tests call this directly)."""
    part_size = settings.part_size_bytes
    if settings.storage_backend == "s3":
        return S3Storage(
            bucket=settings.s3_bucket,
            part_size=part_size,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            server_side_encryption=settings.s3_server_side_encryption,
            addressing_style=settings.s3_addressing_style,
            timeout_seconds=settings.s3_timeout_seconds,
        )
    return DiskStorage(settings.media_dir, part_size=part_size)


async def app_storage(request: Request) -> Storage:
    """The application's storage, built on first use (a boto3 client is costly to make,
    once per process). Async, so routes that need nothing else run without a thread."""
    state = request.app.state
    with _lock:
        if getattr(state, "storage", None) is None:
            state.storage = get_storage(state.settings)
    storage: Storage = state.storage
    return storage


StorageDep = Annotated[Storage, Depends(app_storage)]
