"""Installable, opening with no signal (the app from the service worker's cache, so a
practitioner records and queues a session offline), and nothing personal in that cache."""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models.recording import Recording
from tests.e2e.conftest import (
    WITH_SERVICE_WORKER,
    Team,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    write_wav,
)
from tests.e2e.test_uploads import fill_in, upload_item
from tests.support.live_server import REPO_ROOT

pytestmark = WITH_SERVICE_WORKER

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


def reload_under_the_worker(page: Page) -> None:
    """Wait until the worker is active, then reload: a page that navigates while an
    active worker exists is controlled from its first request. Reloading sooner leaves it
    to `clients.claim()`, which may miss a page caught mid-navigation while the worker
    installs (so the page would stay uncontrolled until the next load)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function(CONTROLLED)


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


def test_with_no_signal_the_app_opens_queues_a_recording_and_uploads_it_later(
    page: Page, team: Team, db: Session, tmp_path: Path
) -> None:
    sign_in(page, team.practitioner)
    page.goto("/#/upload")
    reload_under_the_worker(page)
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()

    page.context.set_offline(True)
    page.reload()

    # The app itself, not an offline page: the upload screen works with no signal.
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()
    expect(page.locator("#offline-notice")).to_contain_text("You are offline")
    fill_in(page, write_wav(tmp_path / "no-signal.wav", seconds=2), "Visit with no signal")
    item = upload_item(page, "Visit with no signal")
    expect(item.get_by_text("Waiting for connection", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is in your uploads")).to_contain_text(
        "sends it by itself when you are back online"
    )
    screenshot(page, "upload-offline-phone")
    assert serious_accessibility_violations(page) == []
    # Screens that need the server say so; the queued recording is on home all the same.
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Pat Practitioner")
    expect(
        page.get_by_text("Feedback waiting could not be loaded. You are offline")
    ).to_be_visible()
    on_home = page.get_by_role("region", name="My recordings").get_by_role("listitem")
    expect(on_home.filter(has_text="Visit with no signal")).to_contain_text(
        "Waiting for connection"
    )
    # Any other page says what this device keeps, truthfully.
    page.goto("/docs")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "Recordings waiting to upload are kept on this device until they are sent"
    )
    expect(page.get_by_role("status")).to_have_text(re.compile("tries again by itself"))

    page.go_back()  # the app again, from the cache, with the queue as it was left
    expect(on_home.filter(has_text="Visit with no signal")).to_contain_text(
        "Waiting for connection"
    )
    on_home.get_by_role("link", name="Visit with no signal").click()
    expect(item.get_by_text("Waiting for connection", exact=True)).to_be_visible()
    page.context.set_offline(False)

    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    expect(page.locator("#offline-notice")).to_be_hidden()
    recording = db.exec(select(Recording).where(Recording.title == "Visit with no signal")).one()
    assert recording.status == "ready"
    assert recording.owner_user_id == team.practitioner.id


def test_the_cache_holds_only_the_app_never_data(page: Page, team: Team) -> None:
    sign_in(page, team.practitioner)
    reload_under_the_worker(page)
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
