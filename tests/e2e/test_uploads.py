"""Recording and uploading from a phone: consent, the tus upload with progress, pause and
resume, a reload or a lost connection in the middle, and a clear word for every failure."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import CDPSession, Dialog, Locator, Page, Request, expect
from sqlmodel import Session, select

from app.models.recording import ConsentRecord, Recording
from tests.e2e.conftest import (
    CHUNK_BYTES,
    MAX_UPLOAD_BYTES,
    PHONE,
    Team,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    write_wav,
)
from tests.factories import PASSWORD

# Uploads far slower than loopback, so there is time to pause, reload or go offline midway.
SLOW_UPLOAD = {
    "offline": False,
    "latency": 0,
    "downloadThroughput": -1,
    "uploadThroughput": 1_500_000,
}
UPLOADS = "/api/v1/uploads"
# How many uploads this device keeps (frontend/js/uploads/stored-queue.js).
QUEUED = """() => new Promise((resolve) => {
  const open = indexedDB.open("tandem-upload-queue", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("items", {keyPath: "id"});
  open.onsuccess = () => {
    const request = open.result.transaction("items").objectStore("items").count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""


@pytest.fixture
def practitioner_page(page: Page, team: Team) -> Page:
    page.set_viewport_size(PHONE)
    sign_in(page, team.practitioner)
    page.goto("/#/upload")
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()
    return page


@pytest.fixture
def tus_requests(practitioner_page: Page) -> Iterator[list[Request]]:
    seen: list[Request] = []
    practitioner_page.on(
        "request", lambda request: seen.append(request) if UPLOADS in request.url else None
    )
    yield seen


def slow_network(page: Page) -> CDPSession:
    """Chromium's own network emulation (DevTools); it also takes the page offline below."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    return cdp


def set_offline(cdp: CDPSession, offline: bool) -> None:
    cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "offline": offline})


def fill_in(page: Page, file: Path, title: str) -> None:
    page.get_by_label("Choose a file").set_input_files(file)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Everyone recorded agreed").check()
    page.get_by_label("Coaching and supervision only").check()
    page.get_by_label("In writing").check()
    page.get_by_role("button", name="Upload recording").click()


def upload_item(page: Page, title: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))


def creations(requests: list[Request]) -> list[Request]:
    return [request for request in requests if request.method == "POST"]


def test_upload_with_consent_becomes_a_ready_recording(
    practitioner_page: Page, team: Team, db: Session, tmp_path: Path
) -> None:
    page = practitioner_page
    fill_in(page, write_wav(tmp_path / "week-4.wav", seconds=2), "Home visit week 4")

    item = upload_item(page, "Home visit week 4")
    expect(item).to_contain_text("100 %")
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    # Pat has a coach (the team's Cora), so someone reviews it now.
    expect(item).to_contain_text("Your coach can review it now")
    screenshot(page, "upload-done-phone")
    recording = db.exec(select(Recording).where(Recording.title == "Home visit week 4")).one()
    assert recording.owner_user_id == team.practitioner.id
    consent = db.exec(select(ConsentRecord).where(ConsentRecord.recording_id == recording.id)).one()
    assert (consent.scope, consent.method) == ("coaching", "written")
    assert consent.obtained_by_user_id == team.practitioner.id
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tus::'))") == []
    # Done, it opens from here (to reflect on it) or leaves the list: a ready upload once
    # sat in "Your uploads" with no way to either.
    expect(item.get_by_role("link", name="Open recording")).to_have_attribute(
        "href", f"#/recordings/{recording.id}"
    )
    assert serious_accessibility_violations(page) == []
    item.get_by_role("button", name="Dismiss").click()
    expect(upload_item(page, "Home visit week 4")).to_have_count(0)
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("region", name="My recordings")).to_contain_text("Home visit week 4")


def test_without_consent_nothing_is_uploaded(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    page.get_by_label("Choose a file").set_input_files(write_wav(tmp_path / "a.wav", seconds=1))
    page.get_by_role("button", name="Upload recording").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Confirm that everyone recorded agreed")
    expect(summary).to_contain_text("Say what the family agreed")
    summary.get_by_role("link", name="Confirm that everyone recorded agreed").click()
    expect(page.get_by_label("Everyone recorded agreed")).to_be_focused()
    expect(page.get_by_label("Everyone recorded agreed")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "upload-errors-phone")
    assert creations(tus_requests) == []


def test_a_file_that_is_not_audio_or_video_is_refused_before_upload(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    fill_in(practitioner_page, notes, "Notes")

    expect(practitioner_page.get_by_role("alert")).to_contain_text("not a video or audio file")
    assert creations(tus_requests) == []


def test_a_file_over_the_limit_is_refused_before_upload(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    # From disk, as a phone's picker gives it (and a sparse file: a buffer this size
    # crosses to the browser as base64, which took most of a minute).
    too_long = tmp_path / "long.mp4"
    with too_long.open("wb") as file:
        file.truncate(MAX_UPLOAD_BYTES + 1)
    practitioner_page.get_by_label("Choose a file").set_input_files(too_long)
    practitioner_page.get_by_label("Title").fill("Too long")

    practitioner_page.get_by_role("button", name="Upload recording").click()

    expect(practitioner_page.get_by_role("alert")).to_contain_text("too large")
    expect(practitioner_page.get_by_role("alert")).to_contain_text("25.2 MB")
    assert creations(tus_requests) == []


def test_a_fake_video_is_rejected_never_called_a_success_and_can_be_dismissed(
    practitioner_page: Page, tmp_path: Path
) -> None:
    page = practitioner_page
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"this is text pretending to be a video" * 100)
    fill_in(page, fake, "Pretend video")

    item = upload_item(page, "Pretend video")
    expect(item.get_by_text("Rejected", exact=True)).to_be_visible(timeout=30_000)
    expect(item).to_contain_text("Tandem could not use this recording")
    # Queued is not a success: only a recording the server found playable is one.
    expect(page.get_by_role("status").filter(has_text="is in your uploads")).to_be_visible()
    expect(page.locator(".alert--success")).to_have_count(0)
    # The rejection stays, on this device, until the person dismisses it.
    page.reload()
    dismiss = item.get_by_role("button", name="Dismiss")
    expect(dismiss).to_be_visible()
    box = dismiss.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    dismiss.click()
    expect(item).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Upload a recording")).to_be_visible()
    expect(item).to_have_count(0)


def test_pause_and_resume_carry_on_from_where_it_stopped(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, write_wav(tmp_path / "long.wav", seconds=60), "Long visit")
    item = upload_item(page, "Long visit")
    expect(item.get_by_text("Uploading", exact=True)).to_be_visible()
    expect(item).to_contain_text("/s")
    expect(item).to_contain_text("left")
    screenshot(page, "upload-progress-phone")

    item.get_by_role("button", name="Pause").click()

    expect(item.get_by_text("Paused", exact=True)).to_be_visible()
    expect(item.get_by_role("button", name="Resume")).to_be_focused()
    item.get_by_role("button", name="Resume").click()
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(tus_requests)) == 1
    resumed = [r for r in tus_requests if r.method == "PATCH"]
    assert any(int(r.headers["upload-offset"]) >= CHUNK_BYTES for r in resumed)


def test_after_a_reload_the_upload_continues_by_itself_where_it_stopped(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    slow_network(page)
    recording = write_wav(tmp_path / "visit.wav", seconds=60)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, recording, "Visit to resume")

    page.reload()

    # The device kept the file (Chromium stores files in IndexedDB): nothing to pick again.
    item = upload_item(page, "Visit to resume")
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(tus_requests)) == 1
    patches = [r for r in tus_requests if r.method == "PATCH"]
    assert any(int(r.headers["upload-offset"]) >= CHUNK_BYTES for r in patches)
    assert page.evaluate(QUEUED) == 0


def test_a_lost_connection_waits_and_then_continues(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    network = slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, write_wav(tmp_path / "bus.wav", seconds=60), "On the bus")

    set_offline(network, True)
    item = upload_item(page, "On the bus")
    expect(item.get_by_text("Waiting for connection", exact=True)).to_be_visible(timeout=30_000)
    expect(item).to_contain_text("You are offline")
    set_offline(network, False)

    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(tus_requests)) == 1


def test_several_uploads_queue_one_after_another(practitioner_page: Page, tmp_path: Path) -> None:
    page = practitioner_page
    fill_in(page, write_wav(tmp_path / "one.wav", seconds=20), "First visit")
    # As a person would: the next recording is chosen once the first is in the queue.
    expect(upload_item(page, "First visit")).to_be_visible()
    fill_in(page, write_wav(tmp_path / "two.wav", seconds=1), "Second visit")

    for title in ("First visit", "Second visit"):
        item = upload_item(page, title)
        expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)


def test_signed_out_midway_the_upload_waits_for_the_next_sign_in(
    practitioner_page: Page, team: Team, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, write_wav(tmp_path / "late.wav", seconds=60), "Late visit")

    page.context.clear_cookies()

    expect(page.get_by_text("Your session has ended")).to_be_visible(timeout=30_000)
    page.get_by_label("Email").fill(team.practitioner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    item = upload_item(page, "Late visit")
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(tus_requests)) == 1


def record_in_browser(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_focused()
    expect(page.get_by_role("timer")).to_have_text("00:02", timeout=10_000)
    stop.click()
    expect(page.locator("#chosen-file")).to_have_text(re.compile(r"^Chosen: .* recording"))


def give_consent_and_upload(page: Page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Everyone recorded agreed").check()
    page.get_by_label("Coaching, supervision and training").check()
    page.get_by_label("Verbally").check()
    page.get_by_role("button", name="Upload recording").click()


def test_a_recording_made_in_the_browser_uploads(practitioner_page: Page, db: Session) -> None:
    page = practitioner_page
    record_in_browser(page, "Record sound only")
    give_consent_and_upload(page, "Recorded here")

    item = upload_item(page, "Recorded here")
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    recording = db.exec(select(Recording).where(Recording.title == "Recorded here")).one()
    assert recording.has_audio
    consent = db.exec(select(ConsentRecord).where(ConsentRecord.recording_id == recording.id)).one()
    assert (consent.scope, consent.method) == ("coaching_and_training", "verbal")
    assert page.evaluate(QUEUED) == 0


def test_a_browser_recording_survives_a_reload_midway(
    practitioner_page: Page, tus_requests: list[Request]
) -> None:
    page = practitioner_page
    record_in_browser(page, "Record video")
    network = slow_network(page)
    network.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": 50_000})
    with page.expect_request(lambda r: r.method == "PATCH"):
        give_consent_and_upload(page, "Kept on the phone")
    assert page.evaluate(QUEUED) == 1

    page.reload()

    item = upload_item(page, "Kept on the phone")
    network.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
    expect(item.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert len(creations(tus_requests)) == 1
    assert page.evaluate(QUEUED) == 0


def test_cancel_stops_the_upload_and_deletes_it_on_the_server(
    practitioner_page: Page, tus_requests: list[Request], tmp_path: Path
) -> None:
    page = practitioner_page
    slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, write_wav(tmp_path / "wrong.wav", seconds=60), "Wrong file")
    item = upload_item(page, "Wrong file")

    # First a question, in a real dialog, saying what cancelling throws away.
    item.get_by_role("button", name="Cancel").click()
    dialog = page.get_by_role("dialog", name="Cancel the upload of “Wrong file”?")
    expect(dialog).to_contain_text("The part already uploaded")
    expect(dialog).to_contain_text("is discarded")
    expect(dialog.get_by_role("button", name="Keep uploading")).to_be_focused()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "upload-cancel-question-phone")
    dialog.get_by_role("button", name="Keep uploading").click()
    expect(dialog).to_have_count(0)
    expect(item.get_by_role("button", name="Cancel")).to_be_focused()
    assert [r for r in tus_requests if r.method == "DELETE"] == []

    item.get_by_role("button", name="Cancel").click()
    # The server may answer 423 while it finishes the aborted PATCH; the client retries.
    with page.expect_response(
        lambda r: r.request.method == "DELETE" and r.status == 204, timeout=30_000
    ):
        dialog.get_by_role("button", name="Cancel upload").click()

    expect(item.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(item).to_contain_text("discarded")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tus::'))") == []
    assert page.evaluate(QUEUED) == 0
    item.get_by_role("button", name="Dismiss").click()
    expect(item).to_have_count(0)


def test_signing_out_midway_asks_first_then_deletes_the_upload(
    practitioner_page: Page, tmp_path: Path
) -> None:
    page = practitioner_page
    slow_network(page)
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.status == 204):
        fill_in(page, write_wav(tmp_path / "private.wav", seconds=60), "Private visit")
    questions: list[str] = []

    def answer(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    with page.expect_response(
        lambda r: r.request.method == "DELETE" and r.status == 204, timeout=30_000
    ):
        page.get_by_role("button", name="Sign out").click()

    assert "1 unfinished upload" in questions[0]
    expect(page.get_by_role("heading", name="Sign in to Tandem")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage)") == []
