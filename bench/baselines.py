"""The plain ways to take an upload and to serve a file, as yardsticks for the app
(the benchmarks serve this with the same uvicorn flags as the app).

Both upload routes end with one fsync, so a 200 means the bytes are on disk, as a tus
204 does. Files are served from the same folder by Starlette's FileResponse.
"""

import os
import shutil
from pathlib import Path

from fastapi import FastAPI, Request, UploadFile
from fastapi.responses import FileResponse, Response


def create_app() -> FastAPI:
    folder = Path(os.environ["BENCH_UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.put("/raw/{name}")
    async def raw(name: str, request: Request) -> dict[str, int]:
        """request.stream() straight into a file: the ceiling for any Python upload route.
        The writes block the loop on purpose: no thread hop per chunk (page-cache writes)."""
        size = 0
        with (folder / Path(name).name).open("wb") as file:
            async for chunk in request.stream():
                file.write(chunk)
                size += len(chunk)
            file.flush()
            os.fsync(file.fileno())
        return {"size": size}

    @app.post("/form/{name}")
    def form(name: str, file: UploadFile) -> dict[str, int]:
        """The usual FastAPI upload: Starlette spools the part to a temporary file, the
        route copies it to its place."""
        with (folder / Path(name).name).open("wb") as target:
            shutil.copyfileobj(file.file, target)
            target.flush()
            os.fsync(target.fileno())
            size = target.tell()
        return {"size": size}

    # The request-cost benchmark's yardstick: the exact bytes the app answered, from memory.
    bodies = _recorded_bodies()

    @app.get("/same/{name}")
    async def same(name: str) -> Response:
        return Response(bodies[name], media_type="application/json")

    @app.get("/files/{name}")
    def serve_file(name: str) -> FileResponse:
        """Starlette's FileResponse with Range support, and nothing else."""
        return FileResponse(folder / Path(name).name)

    return app


def _recorded_bodies() -> dict[str, bytes]:
    folder = os.environ.get("BENCH_BODIES_DIR")
    if not folder:
        return {}
    return {path.name: path.read_bytes() for path in Path(folder).iterdir()}
