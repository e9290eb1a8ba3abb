"""The upload queue never fails silently: every queued item survives a reload with its
file (or asks for the file again when the device could not keep it), home and the upload
screen tell the same story about each one, and the message on success depends on whether the
practitioner has a coach."""

import re
from pathlib import Path

from playwright.sync_api import CDPSession, Locator, Page, Request, expect
from sqlmodel import Session

from app.models import Role
from tests.e2e.conftest import (
    Team,
    screenshot,
    serious_accessibility_violations,
    settled,
    sign_in,
    write_wav,
)
from tests.e2e.test_uploads import (
    SLOW_UPLOAD,
    UPLOADS,
    creations,
    fill_in,
    slow_network,
    upload_item,
)
from tests.factories import make_user

# What a browser short of space does to a kept file: the details stay, the file goes.
FORGET_KEPT_FILES = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("tandem-upload-queue", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("items", {keyPath: "id"});
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const store = open.result.transaction("items", "readwrite").objectStore("items");
    store.getAll().onsuccess = (event) => {
      for (const record of event.target.result) store.put({ ...record, file: null });
      store.transaction.oncomplete = () => { open.result.close(); resolve(); };
    };
  };
})"""


def first_patch_stored(page: Page) -> object:
    return page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204)


def slower(network: CDPSession) -> None:
    """Slow enough that the rest of a 60 s recording takes 20 s: time to look at it."""
    network.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": 300_000})


def on_home(page: Page, title: str) -> Locator:
    page.get_by_role("link", name="Home", exact=True).click()
    recordings = page.get_by_role("region", name="My recordings")
    return recordings.get_by_role("listitem").filter(has_text=title)


def test_queued_uploads_survive_a_reload_and_read_the_same_on_home(
    sized_page: tuple[str, Page], team: Team, tmp_path: Path
) -> None:
    size, page = sized_page
    sign_in(page, team.practitioner)
    page.goto("/#/upload")
    network = slow_network(page)
    slower(network)
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 201):
        fill_in(page, write_wav(tmp_path / "first.wav", seconds=60), "First visit")
    # A second recording queued behind the running upload.
    fill_in(page, write_wav(tmp_path / "second.wav", seconds=2), "Second visit")
    expect(upload_item(page, "Second visit").get_by_text("Waiting", exact=True)).to_be_visible()

    page.reload()

    first, second = upload_item(page, "First visit"), upload_item(page, "Second visit")
    expect(first.get_by_text("Uploading", exact=True)).to_be_visible()
    expect(second.get_by_text("Waiting", exact=True)).to_be_visible()
    screenshot(page, f"upload-queue-after-reload-{size}")
    assert serious_accessibility_violations(page) == []
    # A recording made here stays on "this device": a laptop was once told "this phone".
    expect(
        page.get_by_text("The recording stays on this device until it is uploaded.")
    ).to_be_visible()

    # Paused here, it is paused on home too, in the same words, and listed once.
    first.get_by_role("button", name="Pause").click()
    expect(first.get_by_text("Paused", exact=True)).to_be_visible()
    expect(second.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    first_on_home = on_home(page, "First visit")
    expect(first_on_home.get_by_text("Paused", exact=True)).to_be_visible()
    expect(first_on_home).to_have_count(1)
    expect(first_on_home).to_contain_text("Resume whenever you like")
    second_on_home = page.get_by_role("region", name="My recordings").get_by_role("listitem")
    expect(
        second_on_home.filter(has_text="Second visit").get_by_text("Ready", exact=True)
    ).to_be_visible()
    settled(page)
    assert serious_accessibility_violations(page) == []

    first_on_home.get_by_role("link", name="First visit").click()
    network.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
    upload_item(page, "First visit").get_by_role("button", name="Resume").click()
    expect(upload_item(page, "First visit").get_by_text("Ready", exact=True)).to_be_visible(
        timeout=60_000
    )


def test_a_file_the_device_could_not_keep_is_asked_for_on_both_screens(
    page: Page, team: Team, tmp_path: Path
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request) if UPLOADS in request.url else None)
    sign_in(page, team.practitioner)
    page.goto("/#/upload")
    network = slow_network(page)
    recording = write_wav(tmp_path / "visit.wav", seconds=60)
    with first_patch_stored(page):
        fill_in(page, recording, "Visit to resume")
    slower(network)
    page.evaluate(FORGET_KEPT_FILES)

    page.reload()

    item = upload_item(page, "Visit to resume")
    expect(item.get_by_text("File needed", exact=True)).to_be_visible()
    expect(item).to_contain_text('This device could not keep "visit.wav". Choose it again')
    # The server's offset: at least the first chunk arrived before the reload.
    expect(item.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", re.compile(r"^[1-9]\d % uploaded")
    )
    on_home_item = on_home(page, "Visit to resume")
    expect(on_home_item.get_by_text("File needed", exact=True)).to_be_visible()
    expect(on_home_item).to_contain_text('This device could not keep "visit.wav". Choose it again')
    expect(on_home_item).to_have_count(1)

    on_home_item.get_by_role("link", name="Visit to resume").click()
    network.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
    item.get_by_label("Choose the file again").set_input_files(recording)

    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(requests)) == 1


def test_without_a_coach_nobody_is_promised_a_review(
    page: Page, team: Team, db: Session, tmp_path: Path
) -> None:
    uncoached = make_user(db, team.organisation, Role.practitioner, email="nico@example.org")
    sign_in(page, uncoached)
    page.goto("/#/upload")
    fill_in(page, write_wav(tmp_path / "alone.wav", seconds=1), "On my own")

    item = upload_item(page, "On my own")
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    expect(item).to_contain_text("No coach is assigned to you yet")
    expect(item).not_to_contain_text("Your coach can review")
