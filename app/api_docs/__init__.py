"""The API's interactive documentation at /docs: Swagger UI served from this package (see
static/vendor/VERSIONS), no inline script, and a Content-Security-Policy of its own, so
the page works without the internet and loads nothing from anywhere else."""

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PATH = "/docs/assets"
# Used instead of the PWA's (the security headers middleware keeps a route's own policy).
# No 'unsafe-inline' for styles: Swagger UI 5 sets styles through the DOM, which CSP
# allows, and tests/e2e/test_api_docs.py fails on any violation. Images allow data: (the
# stylesheet's icons) and blob: (image answers shown by "Try it out").
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def add_api_docs(app: FastAPI) -> None:
    """/docs and its assets; call before anything is mounted at /."""
    page = _page(title=f"{app.title} API", openapi_url=app.openapi_url or "/openapi.json")

    # Made once above, so no worker thread is needed to answer.
    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"content-security-policy": DOCS_POLICY})

    # The bundle is 1.7 MB, 460 kB compressed.
    assets = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1000)
    app.mount(ASSETS_PATH, assets, name="api_docs_assets")


def _page(*, title: str, openapi_url: str) -> str:
    vendor = f"{ASSETS_PATH}/vendor"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{vendor}/swagger-ui.css">
<link rel="icon" type="image/png" href="{vendor}/favicon-32x32.png">
<script src="{vendor}/swagger-ui-bundle.js" defer></script>
<script src="{ASSETS_PATH}/docs.js" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
</body>
</html>
"""
