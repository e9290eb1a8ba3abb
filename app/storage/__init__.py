"""Where media live: local disk or an S3 API, chosen by settings (see protocol.py)."""

from app.storage.factory import StorageDep, get_storage
from app.storage.protocol import (
    Storage,
    StorageError,
    StorageFull,
    StorageUnavailable,
    StoredObject,
    StoredPart,
)

__all__ = [
    "Storage",
    "StorageDep",
    "StorageError",
    "StorageFull",
    "StorageUnavailable",
    "StoredObject",
    "StoredPart",
    "get_storage",
]
