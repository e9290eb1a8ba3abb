"""CORS for the configured origins only (TANDEM_CORS_ORIGINS).

Starlette's middleware answers every preflight itself (400 in plain text for an origin it
does not know) and adds its credential and exposed-header fields to any request that names
an origin. Here a request from an origin that is not configured passes it by untouched:
it gets no CORS field at all, and its OPTIONS is answered by the API like any other
(app/allowed_methods.py).
"""

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class ConfiguredOriginsCORS:
    def __init__(
        self, app: ASGIApp, *, allow_origins: Sequence[str], expose_headers: Sequence[str]
    ) -> None:
        self.app = app
        self.origins = frozenset(allow_origins)
        self.cors = CORSMiddleware(
            app,
            allow_origins=allow_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=expose_headers,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = Headers(scope=scope).get("origin") if scope["type"] == "http" else None
        if origin is not None and (origin in self.origins or "*" in self.origins):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)
