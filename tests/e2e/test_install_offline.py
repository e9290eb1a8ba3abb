"""Installable, with an offline page, and nothing personal kept by the service worker."""

import json
import re
import subprocess
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Team, settled, sign_in
from tests.support.live_server import REPO_ROOT

# `ready` resolves as the worker starts activating; it takes the open page (clients.claim)
# a moment later, so wait for the controller itself rather than read it once.
CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


def test_manifest_makes_the_app_installable(page: Page) -> None:
    page.goto("/")
    page.evaluate("() => navigator.serviceWorker.ready")
    manifest: dict[str, Any] = page.request.get("/manifest.webmanifest").json()

    assert manifest["short_name"] == "Tandem"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"]
    icons = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).ok, icon["src"]
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    # Chromium's own verdict; Playwright's contexts are incognito, which alone forbids it.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []


def test_service_worker_controls_the_page_and_the_offline_page_appears(
    page: Page, team: Team
) -> None:
    sign_in(page, team.practitioner)
    page.reload()
    page.wait_for_function(CONTROLLED)

    page.context.set_offline(True)
    page.reload()

    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile("tries again by itself"))
    # Back online, the offline page returns to the app by itself.
    page.context.set_offline(False)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello", timeout=20_000)
    settled(page)


def test_the_cache_holds_only_the_app_never_data(page: Page, team: Team) -> None:
    sign_in(page, team.practitioner)
    page.reload()
    page.wait_for_function(CONTROLLED)
    page.goto("/#/upload")
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()

    cached = page.evaluate(CACHED_URLS)

    assert "/offline.html" in cached
    assert [url for url in cached if url.startswith("/api/")] == []


def test_service_worker_version_matches_the_files_it_caches() -> None:
    """A changed file must change the cache's version, or installed apps keep the old one."""
    result = subprocess.run(
        ["node", "frontend-tools/stamp-service-worker.mjs", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_vendored_libraries_match_the_lock_file() -> None:
    """frontend/vendor/VERSIONS names what package-lock.json pins."""
    lock = json.loads((REPO_ROOT / "frontend-tools" / "package-lock.json").read_text())
    versions = (REPO_ROOT / "frontend" / "vendor" / "VERSIONS").read_text().splitlines()
    listed = dict(line.split()[:2] for line in versions if not line.startswith("#"))
    for name, version in listed.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
