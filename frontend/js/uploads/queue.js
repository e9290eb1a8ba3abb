// The upload queue: one tus upload at a time, the rest waiting; it lives as long as the page,
// whichever screen is showing, and this device keeps it between visits (stored-queue.js):
// after a reload or a restart every item is back, with its file where the browser kept it.
//
// Item states: waiting, uploading, paused, offline, signed-out, failed, needs-file (the device
// could not keep the file: pick the same file again), processing, ready, rejected, cancelled.
import { API, ApiError, api, csrfToken, currentSession, sessionEnded } from "../api.js";
import { describeFailure, shouldRetry, SignedOutDuringUpload } from "./failures.js";
import { itemFromResumeRecord, newItem, queuedState, recordOf, restoredItem } from "./items.js";
import { chunkBytes, maxUploadBytes } from "./media.js";
import { followRecording } from "./processing.js";
import { forgetResumeRecord, resumeRecords } from "./resume-records.js";
import { isUnfinished } from "./states.js";
import { dropRecord, keepRecord, recordsOf, updateRecord } from "./stored-queue.js";

// tus-js-client (87 KB) loads with the first upload, not with every page of the app; the
// service worker keeps it for offline use like the rest of the shell.
async function tusUpload() {
  return (await import("./tus.js")).Upload;
}

const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
const SPEED_WINDOW_MS = 10000;
const TERMINATE_RETRY_DELAYS = [500, 1000, 2000, 4000];
const RECORDING_ID_HEADER = "Tandem-Recording-Id";

const items = [];
const listeners = new Set();
let userId = null;

function changed() {
  const snapshot = items.slice();
  for (const listener of listeners) listener(snapshot);
}

/** Hear the whole list after every change (and once now). */
export function subscribe(listener) {
  listeners.add(listener);
  listener(items.slice());
  return () => listeners.delete(listener);
}

export function unfinishedCount() {
  return items.filter(isUnfinished).length;
}

function fingerprintFor(file) {
  return ["tandem", userId, file.name, file.type, file.size, file.lastModified].join("/");
}

function set(item, state, message = "") {
  item.state = state;
  item.message = message;
  if (state !== "uploading") {
    item.speed = null;
    item.secondsLeft = null;
  }
  changed();
}

function measure(item, sent, total) {
  const now = performance.now();
  item.samples.push({ now, sent });
  while (item.samples.length > 2 && now - item.samples[0].now > SPEED_WINDOW_MS) item.samples.shift();
  const first = item.samples[0];
  const elapsed = (now - first.now) / 1000;
  item.bytesSent = sent;
  item.size = total;
  if (elapsed >= 1 && sent > first.sent) {
    item.speed = (sent - first.sent) / elapsed;
    item.secondsLeft = (total - sent) / item.speed;
  }
  changed();
}

/** The server names the recording an upload becomes from its creation on: home matches it. */
function noteServerAnswer(item, response) {
  const recordingId = response.getHeader(RECORDING_ID_HEADER);
  const location = response.getHeader("Location");
  const uploadUrl = location ? new URL(location, window.location.origin).href : item.uploadUrl;
  if (recordingId === item.recordingId && uploadUrl === item.uploadUrl) return;
  item.recordingId = recordingId || item.recordingId;
  item.uploadUrl = uploadUrl;
  updateRecord(item.id, { recordingId: item.recordingId, uploadUrl: item.uploadUrl });
  changed();
}

async function tusOptions(item) {
  return {
    endpoint: new URL(`${API}/uploads`, window.location.origin).href,
    // Each chunk is one PATCH. A cut one costs nothing (the server keeps what arrived);
    // a chunk well under proxies' body limits keeps uploads working behind them.
    chunkSize: await chunkBytes(),
    retryDelays: RETRY_DELAYS,
    removeFingerprintOnSuccess: true,
    metadata: item.metadata,
    fingerprint: (file) => Promise.resolve(fingerprintFor(file)),
    // The CSRF token is read per request: it changes when the person signs in again.
    onBeforeRequest: (request) => request.setHeader("X-CSRF-Token", csrfToken()),
    onAfterResponse: (_request, response) => {
      // Stop here: on a 401 tus-js-client would drop the resume record and start afresh.
      if (response.getStatus() === 401) throw new SignedOutDuringUpload();
      noteServerAnswer(item, response);
    },
    onShouldRetry: (error) => shouldRetry(error),
    onProgress: (sent, total) => measure(item, sent, total),
    onSuccess: () => uploaded(item),
    onError: (error) => stopped(item, error),
  };
}

/** Sending needs a connection and a session the server has confirmed (not the offline one). */
function canSend() {
  const session = currentSession();
  return Boolean(session) && !session.offline && navigator.onLine;
}

function schedule() {
  if (!navigator.onLine) {
    for (const item of items) if (item.state === "waiting") set(item, "offline", queuedState().message);
    return;
  }
  if (!canSend() || items.some((item) => item.state === "uploading")) return;
  const next = items.find((item) => item.state === "waiting");
  if (!next) return;
  next.samples = [];
  set(next, "uploading");
  start(next);
}

async function start(item) {
  if (!item.upload) {
    const Upload = await tusUpload();
    const upload = new Upload(item.file, await tusOptions(item));
    const previous = await upload.findPreviousUploads();
    if (previous.length > 0) {
      upload.resumeFromPreviousUpload(previous[0]);
      item.message = "Continuing from where it stopped.";
    }
    item.upload = upload;
  }
  // Paused or cancelled while tus-js-client was loading.
  if (item.state === "uploading") item.upload.start();
}

async function stopped(item, error) {
  const failure = describeFailure(error, await maxUploadBytes());
  set(item, failure.state, failure.message);
  if (failure.state === "signed-out") sessionEnded();
  schedule();
}

async function uploaded(item) {
  item.bytesSent = item.size;
  item.uploadUrl = item.upload.url;
  item.file = null;
  set(item, "processing", "Uploaded. Checking the recording…");
  schedule();
  // Every byte is on the server: the device lets go of the recording itself.
  await updateRecord(item.id, { file: null, state: "processing", uploadUrl: item.uploadUrl });
  await follow(item);
}

/** Success is said only once the server has checked the recording and found it playable. */
async function follow(item) {
  const uploadId = item.uploadUrl.split("/").pop();
  await followRecording(uploadId, item.details.organisationId, async (state, message, recordingId) => {
    item.recordingId = recordingId || item.recordingId;
    // Ready: the device has nothing more to keep. Rejected: kept until dismissed.
    if (state === "ready") await dropRecord(item.id);
    else await updateRecord(item.id, { state, message, recordingId: item.recordingId });
    set(item, state, message);
  });
}

/**
 * Queue a file; this device keeps it until it is uploaded. An upload of the same file started
 * before (even before a reload) carries on from where it stopped.
 */
export async function addUpload(file, details) {
  const item = newItem(file, details, fingerprintFor(file));
  removeWhere((other) => other.state === "needs-file" && other.fingerprint === item.fingerprint);
  items.push(item);
  changed();
  await keepRecord(recordOf(item, userId));
  schedule();
  return item;
}

function removeWhere(predicate) {
  for (let i = items.length - 1; i >= 0; i -= 1) if (predicate(items[i])) items.splice(i, 1);
}

export function pause(item) {
  if (item.state !== "uploading" && item.state !== "waiting") return;
  if (item.upload) item.upload.abort(false);
  set(item, "paused", "Paused. Resume whenever you like; nothing is lost.");
  schedule();
}

export function resume(item) {
  if (!["paused", "failed", "offline", "signed-out"].includes(item.state)) return;
  set(item, "waiting");
  schedule();
}

/** Stop sending and let go of everything this device keeps of the upload. */
async function forget(item) {
  if (item.upload) item.upload.abort(false);
  forgetResumeRecord(item.fingerprint);
  await dropRecord(item.id);
}

async function discardOnServer(item) {
  const url = (item.upload && item.upload.url) || item.uploadUrl;
  try {
    // The server stops the PATCH just aborted, if it still runs, and deletes everything.
    // A few quick retries for a flaky network, then leave it to the server, which drops
    // unfinished uploads when they expire.
    if (url) await (await tusUpload()).terminate(url, { ...(await tusOptions(item)), retryDelays: TERMINATE_RETRY_DELAYS });
  } catch {
    // Offline or signed out: as above.
  }
}

/** Stop an upload for good: the server deletes what it has, this device forgets the file. */
export async function cancel(item) {
  if (!isUnfinished(item)) return;
  const copy = { ...item };
  item.file = null;
  item.upload = null;
  await forget(copy);
  set(item, "cancelled", "Cancelled. The part already uploaded is discarded, and this device no longer keeps the recording.");
  schedule();
  await discardOnServer(copy);
}

/** Take a rejected or cancelled item off the list (and off this device). */
export async function dismiss(item) {
  if (!["rejected", "cancelled", "ready"].includes(item.state)) return;
  // The device lets go first, then the list: taken off the list first, an item reloaded
  // before the deletion was written came back.
  await dropRecord(item.id);
  removeWhere((other) => other === item);
  changed();
}

/** The device could not keep the file: the person picks it again; it must be the same file. */
export async function provideFile(item, file) {
  if (fingerprintFor(file) !== item.fingerprint) {
    return `That is a different file. Choose "${item.fileName}" to continue this upload.`;
  }
  item.file = file;
  item.upload = null;
  const { state, message } = queuedState();
  set(item, state, message);
  await keepRecord(recordOf(item, userId));
  schedule();
  return null;
}

function onOnline() {
  for (const item of items) if (item.state === "offline") set(item, "waiting");
  schedule();
}

function onOffline() {
  schedule();
}

/** How far the server got with an upload whose file must be picked again. */
function showServerOffset(item, uploadUrl, fingerprint) {
  if (!uploadUrl) return;
  api
    .get(`/uploads/${uploadUrl.split("/").pop()}`)
    .then((upload) => {
      item.bytesSent = upload.offset;
      changed();
    })
    .catch((error) => {
      // Expired or removed on the server: the file picked again starts afresh.
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) forgetResumeRecord(fingerprint);
    });
}

async function restore() {
  for (const record of await recordsOf(userId)) {
    if (items.some((item) => item.id === record.id)) continue;
    const item = restoredItem(record);
    items.push(item);
    if (item.state === "processing") follow(item);
    if (item.state === "needs-file") showServerOffset(item, record.uploadUrl, record.fingerprint);
  }
  // Uploads begun by an earlier version of the app, which kept no queue: the file again.
  for (const record of resumeRecords(userId)) {
    if (items.some((item) => item.fingerprint === record.fingerprint)) continue;
    const item = itemFromResumeRecord(record);
    items.push(item);
    showServerOffset(item, record.uploadUrl, record.fingerprint);
  }
}

/** Called once signed in (or opened offline): picks up where a reload or a session left off. */
export async function startQueue(user) {
  if (userId && userId !== user) {
    for (const item of items) if (item.upload) item.upload.abort(false);
    removeWhere(() => true);
  }
  userId = user;
  window.removeEventListener("online", onOnline);
  window.addEventListener("online", onOnline);
  window.removeEventListener("offline", onOffline);
  window.addEventListener("offline", onOffline);
  for (const item of items) if (item.state === "signed-out") set(item, "waiting");
  await restore();
  changed();
  schedule();
}

/** Signing out: stop and delete every unfinished upload, on the server too. */
export async function stopQueue() {
  for (const item of items.slice()) {
    if (isUnfinished(item)) {
      await forget(item);
      await discardOnServer(item);
    }
  }
  removeWhere(() => true);
  userId = null;
  changed();
}
