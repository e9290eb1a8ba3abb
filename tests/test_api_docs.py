"""/docs serves Swagger UI from this origin only, under a strict policy of its own."""

import json
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from app.api_docs import STATIC_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
}


class _References(HTMLParser):
    """Every address the page loads, and any script or style written inline."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.inline_scripts += any(name.startswith("on") for name in attributes)
        self.inline_styles += tag == "style" or "style" in attributes
        self._in_script = tag == "script" and "src" not in attributes
        # docs.js fetches the schema from data-openapi-url.
        for name in ("src", "href", "data-openapi-url"):
            if attributes.get(name):
                self.urls.append(str(attributes[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _references(client: TestClient) -> _References:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parser = _References()
    parser.feed(page.text)
    return parser


def _policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_docs_load_only_same_origin_assets_and_no_inline_code(client: TestClient) -> None:
    references = _references(client)

    assert len(references.urls) >= 4  # stylesheet, icon, Swagger UI, our start-up script
    for url in references.urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert references.inline_scripts == 0
    assert references.inline_styles == 0


def test_every_asset_of_the_docs_answers_with_its_content_type(client: TestClient) -> None:
    for url in _references(client).urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        content_type = answer.headers["content-type"].split(";")[0]
        if url == "/openapi.json":
            assert content_type == "application/json"
            assert "/api/v1/me" in answer.json()["paths"]
        else:
            assert content_type in CONTENT_TYPES[Path(url).suffix], url
            assert answer.content


def test_docs_policy_allows_this_origin_only(client: TestClient) -> None:
    headers = client.get("/docs").headers
    assert len(headers.get_list("content-security-policy")) == 1
    policy = _policy(headers["content-security-policy"])

    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for values in policy.values():
        for value in values:
            assert value in ("'self'", "'none'", "data:", "blob:"), value


def test_the_rest_of_the_app_keeps_the_pwa_policy(client: TestClient) -> None:
    docs_policy = client.get("/docs").headers["content-security-policy"]
    for path in ("/healthz", "/docs/assets/docs.js", "/api/v1/me"):
        headers = client.get(path).headers
        assert headers.get_list("content-security-policy") != [docs_policy], path
        assert len(headers.get_list("content-security-policy")) == 1, path


def test_redoc_and_the_oauth2_redirect_page_are_gone(client: TestClient) -> None:
    # The API signs in with the password flow: no redirect page, and ReDoc is not vendored.
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_a_missing_asset_is_a_json_404(client: TestClient) -> None:
    answer = client.get("/docs/assets/vendor/nothing.js")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_vendored_swagger_ui_matches_the_lock_file() -> None:
    """app/api_docs/static/vendor/VERSIONS names what frontend-tools' package-lock.json pins."""
    lock = json.loads((REPO_ROOT / "frontend-tools" / "package-lock.json").read_text())
    lines = (STATIC_DIR / "vendor" / "VERSIONS").read_text().splitlines()
    listed = dict(line.split()[:2] for line in lines if not line.startswith("#"))
    assert "swagger-ui-dist" in listed
    for name, version in listed.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
