"""Reading an uploaded rubric file: a multipart form field `file`, or the raw request body."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from app.errors import PayloadTooLarge, Unprocessable, UnsupportedMedia
from app.request_guard import require_storable
from app.rubric.validation import Problem, rubric_error

MAX_FILE_BYTES = 2 * 1024 * 1024
# The file and, when it comes as a form, the form around it.
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 64 * 1024


def uploaded_text(*raw_media_types: str) -> Callable[[Request], Awaitable[str]]:
    """A dependency giving the uploaded file as text (UTF-8, an optional BOM is dropped)."""

    async def read(request: Request) -> str:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == "multipart/form-data":
            data = await _form_file(request)
        elif media_type in raw_media_types:
            data = await _body(request)
        else:
            accepted = ", ".join(("multipart/form-data", *raw_media_types))
            raise UnsupportedMedia(f"Send the file as one of: {accepted}.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise rubric_error([Problem("The file is not UTF-8 text.")]) from error
        require_storable(text, "file")
        return text

    return read


async def _form_file(request: Request) -> bytes:
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable("Send the file in a form field called 'file'.", code="file_missing")
        data = await upload.read(MAX_FILE_BYTES + 1)
    _check_size(len(data))
    return data


async def _body(request: Request) -> bytes:
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        _check_size(len(data))
    return bytes(data)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise PayloadTooLarge(f"A rubric file is at most {MAX_FILE_BYTES // 1024} KiB.")


def file_request_body(*raw_media_types: str) -> dict[str, Any]:
    """The OpenAPI description of a file upload that the route reads itself."""
    file_form = {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    }
    content: dict[str, Any] = {"multipart/form-data": {"schema": file_form}}
    content.update({media: {"schema": {"type": "string"}} for media in raw_media_types})
    return {"requestBody": {"required": True, "content": content}}
