"""The load benchmark's yardstick: a bare Starlette JSON endpoint, served with the same
uvicorn flags as the app (bench/common.py). `GET /json/{name}` serialises, on every
request, the document the app answered for that endpoint (recorded by bench/load.py in
BENCH_BODIES_DIR): the same bytes out, none of the app's work (no sign-in, no database)."""

import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_app() -> Starlette:
    folder = Path(os.environ["BENCH_BODIES_DIR"])
    documents: dict[str, Any] = {
        path.name: json.loads(path.read_bytes()) for path in folder.iterdir()
    }

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def document(request: Request) -> JSONResponse:
        return JSONResponse(documents[request.path_params["name"]])

    return Starlette(routes=[Route("/healthz", healthz), Route("/json/{name}", document)])
