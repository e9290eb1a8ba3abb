"""The tus routes in the OpenAPI schema: the headers they read and answer, the chunk body,
and what each can refuse (https://tus.io/protocols/resumable-upload)."""

from typing import Any

from app.error_docs import error_responses

TUS_VERSION = "1.0.0"
OFFSET_STREAM = "application/offset+octet-stream"
EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration"
RECORDING_ID_HEADER = "Tandem-Recording-Id"

_TEXT = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_CHECKSUM = r"^(sha1|sha256|md5) ([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "Tus-Resumable": {"required": True, "schema": {"type": "string", "enum": [TUS_VERSION]}},
    "Upload-Length": {"required": True, "schema": _COUNT, "description": "Bytes in all."},
    "Upload-Offset": {"required": True, "schema": _COUNT, "description": "Where this chunk goes."},
    "Upload-Metadata": {
        "required": True,
        "schema": _TEXT,
        "description": (
            "Comma-separated `key base64(value)` pairs: filename, filetype, title, consent "
            "(obtained), consent_scope (coaching or coaching_and_training), and optionally "
            "recorded_at, programme_id, consent_method (written or verbal)."
        ),
    },
    "Upload-Checksum": {
        "required": False,
        "schema": {"type": "string", "pattern": _CHECKSUM},
        "description": "`<algorithm> <base64 digest>` of this chunk: sha1, sha256 or md5.",
    },
}
_CHUNK = {"content": {OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}}}


def _reads(*names: str, body: bool | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "parameters": [{"name": name, "in": "header", **_REQUEST_HEADERS[name]} for name in names]
    }
    if body is not None:
        extra["requestBody"] = {"required": body, **_CHUNK}
    return extra


def _answers(status: int, description: str, *headers: str) -> dict[int | str, dict[str, Any]]:
    documented = {name: {"required": True, "schema": _TEXT} for name in ("Tus-Resumable", *headers)}
    return {status: {"description": description, "headers": documented}}


CREATION = _reads(
    "Tus-Resumable", "Upload-Length", "Upload-Metadata", "Upload-Checksum", body=False
)
CREATED = {
    **_answers(
        201,
        "Created: upload the rest to Location.",
        "Location",
        "Upload-Offset",
        RECORDING_ID_HEADER,
    ),
    **error_responses(400, 403, 404, 410, 412, 423, 460, 507),
}
OFFSET = _reads("Tus-Resumable")
OFFSET_READ = {
    **_answers(200, "Bytes stored so far.", "Upload-Offset", "Upload-Length", RECORDING_ID_HEADER),
    **error_responses(410, 412),
}
APPEND = _reads("Tus-Resumable", "Upload-Offset", "Upload-Checksum", body=True)
APPENDED = {
    **_answers(204, "Stored.", "Upload-Offset"),
    **error_responses(400, 409, 410, 412, 415, 423, 460, 507),
}
TERMINATION = _reads("Tus-Resumable")
TERMINATED = {**_answers(204, "Removed."), **error_responses(409, 412)}
DISCOVERED = _answers(
    204, "What this server supports.", "Tus-Version", "Tus-Extension", "Tus-Max-Size"
)
