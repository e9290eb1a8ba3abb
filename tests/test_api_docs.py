"""/docs (Swagger UI) and /redoc (ReDoc) are served from this origin only, each under a
strict policy of its own."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api_docs import STATIC_DIR, VIEWS

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
        # docs.js and redoc.js fetch the schema from data-openapi-url.
        for name in ("src", "href", "data-openapi-url"):
            if attributes.get(name):
                self.urls.append(str(attributes[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _references(client: TestClient, path: str) -> _References:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    parser = _References()
    parser.feed(page.text)
    return parser


def _policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", VIEWS)
def test_docs_load_only_same_origin_assets_and_no_inline_code(
    client: TestClient, path: str
) -> None:
    references = _references(client, path)

    # Our stylesheet, the icon, the viewer, our start-up script, the schema, both pages.
    assert len(references.urls) >= 7
    assert set(VIEWS) <= set(references.urls)
    for url in references.urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert references.inline_scripts == 0
    assert references.inline_styles == 0


@pytest.mark.parametrize("path", VIEWS)
def test_every_asset_of_the_docs_answers_with_its_content_type(
    client: TestClient, path: str
) -> None:
    for url in _references(client, path).urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        content_type = answer.headers["content-type"].split(";")[0]
        if url in VIEWS:
            assert content_type == "text/html"
        elif url == "/openapi.json":
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


def test_redoc_policy_relaxes_only_what_redoc_needs(client: TestClient) -> None:
    headers = client.get("/redoc").headers
    assert len(headers.get_list("content-security-policy")) == 1
    policy = _policy(headers["content-security-policy"])

    assert policy["default-src"] == ["'none'"]  # so fonts, frames and media: none
    assert policy["script-src"] == ["'self'"]
    # styled-components' <style> elements; style attributes in markup stay forbidden.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src-attr"] == ["'none'"]
    assert policy["worker-src"] == ["blob:"]  # the search index's worker
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "font-src" not in policy


def test_the_rest_of_the_app_keeps_the_pwa_policy(client: TestClient) -> None:
    own_policies = [client.get(path).headers["content-security-policy"] for path in VIEWS]
    for path in ("/healthz", "/docs/assets/docs.js", "/docs/assets/redoc.js", "/api/v1/me"):
        headers = client.get(path).headers
        assert len(headers.get_list("content-security-policy")) == 1, path
        assert headers["content-security-policy"] not in own_policies, path


def test_the_oauth2_redirect_page_is_gone(client: TestClient) -> None:
    # The API signs in with the password flow: no redirect page.
    assert client.get("/docs/oauth2-redirect").status_code == 404


def test_a_missing_asset_is_a_json_404(client: TestClient) -> None:
    answer = client.get("/docs/assets/vendor/nothing.js")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_vendored_swagger_ui_and_redoc_match_the_lock_file() -> None:
    """app/api_docs/static/vendor/VERSIONS names what frontend-tools' package-lock.json pins."""
    lock = json.loads((REPO_ROOT / "frontend-tools" / "package-lock.json").read_text())
    lines = (STATIC_DIR / "vendor" / "VERSIONS").read_text().splitlines()
    listed = dict(line.split()[:2] for line in lines if not line.startswith("#"))
    assert {"swagger-ui-dist", "redoc"} <= set(listed)
    for name, version in listed.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def test_the_vendored_redoc_no_longer_fetches_redoclys_logo() -> None:
    """frontend-tools/vendor.mjs cuts the one remote address ReDoc loads on its own."""
    assert "cdn.redoc.ly" not in (STATIC_DIR / "vendor" / "redoc.standalone.js").read_text()
