"""The API's documentation: Swagger UI at /docs (interactive) and ReDoc at /redoc (a
reference to read), both served from this package (see static/vendor/VERSIONS), with no
inline script and a Content-Security-Policy of their own, so the pages work without the
internet and load nothing from anywhere else."""

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PATH = "/docs/assets"
VENDOR_PATH = f"{ASSETS_PATH}/vendor"
# Used instead of the PWA's (the security headers middleware keeps a route's own policy).
# No 'unsafe-inline' for styles: Swagger UI 5 sets styles through the DOM, which CSP
# allows, and tests/e2e/test_api_docs.py fails on any violation. Images allow data: (the
# stylesheet's icons) and blob: (image answers shown by "Try it out").
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# ReDoc needs two relaxations, each found by running it under DOCS_POLICY in Chromium.
# 'unsafe-inline' for style elements: styled-components writes the page's CSS into a
# <style> it adds (a nonce would need a page per request and a bundle that reads one); the
# style attributes React sets go through the DOM, so style-src-attr stays 'none'. And
# worker-src blob: for search, whose index (lunr) runs in a worker made from a blob: URL
# built into the bundle. Images are this origin's and data: (the search icon); no fonts
# (redoc.js names the system's); Redocly's logo, the one remote image, is cut from the
# bundle as it is vendored (frontend-tools/vendor.mjs).
REDOC_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "style-src-attr 'none'; img-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)


# The two pages link to each other from a bar at the top (static/api-docs.css).
VIEWS = {"/docs": "Interactive (Swagger UI)", "/redoc": "Reference (ReDoc)"}


def add_api_docs(app: FastAPI) -> None:
    """/docs, /redoc and their assets; call before anything is mounted at /."""
    title = f"{app.title} API"
    openapi_url = escape(app.openapi_url or "/openapi.json")
    # Made once here, so no worker thread is needed to answer.
    docs_page = _page(
        title=title,
        path="/docs",
        head=f"""<link rel="stylesheet" href="{VENDOR_PATH}/swagger-ui.css">
<script src="{VENDOR_PATH}/swagger-ui-bundle.js" defer></script>
<script src="{ASSETS_PATH}/docs.js" defer></script>""",
        body=f"""<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>""",
    )
    redoc_page = _page(
        title=f"{title} reference",
        path="/redoc",
        head=f"""<script src="{VENDOR_PATH}/redoc.standalone.js" defer></script>
<script src="{ASSETS_PATH}/redoc.js" defer></script>""",
        body=f"""<div id="redoc" data-openapi-url="{openapi_url}"></div>""",
    )

    @app.get("/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(docs_page, headers={"content-security-policy": DOCS_POLICY})

    @app.get("/redoc", include_in_schema=False)
    async def api_reference() -> HTMLResponse:
        return HTMLResponse(redoc_page, headers={"content-security-policy": REDOC_POLICY})

    # Swagger UI's bundle is 1.7 MB, 460 kB compressed; ReDoc's 1.1 MB, 330 kB.
    assets = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1000)
    app.mount(ASSETS_PATH, assets, name="api_docs_assets")


def _page(*, title: str, path: str, head: str, body: str) -> str:
    links = []
    for href, label in VIEWS.items():
        current = ' aria-current="page"' if href == path else ""
        links.append(f'<a href="{href}"{current}>{label}</a>')
    views = " ".join(links)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" type="image/png" href="{VENDOR_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS_PATH}/api-docs.css">
{head}
</head>
<body>
<nav class="api-docs-views" aria-label="API documentation">
{views}
</nav>
{body}
</body>
</html>
"""
