// The upload queue: one tus upload at a time, the rest waiting; it lives as long as the page,
// whichever screen is showing. Resume records (tus fingerprints in localStorage) and
// in-browser recordings (IndexedDB) carry uploads over a reload.
//
// Item states: waiting, uploading, paused, offline, signed-out, failed, needs-file (after a
// reload: pick the same file again), processing, ready, rejected.
import { API, api, ApiError, csrfToken, currentSession, sessionEnded } from "../api.js";
import { capturesOf, dropCapture, keepCapture } from "./captures.js";
import { describeFailure, shouldRetry, SignedOutDuringUpload } from "./failures.js";
import { chunkBytes, maxUploadBytes, mediaType } from "./media.js";
import { followRecording } from "./processing.js";
import { forgetResumeRecord, resumeRecords } from "./resume-records.js";

// tus-js-client (87 KB) loads with the first upload, not with every page of the app; the
// service worker keeps it for offline use like the rest of the shell.
async function tusUpload() {
  return (await import("./tus.js")).Upload;
}

const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
const UNFINISHED = new Set(["waiting", "uploading", "paused", "offline", "signed-out", "failed", "needs-file"]);
const SPEED_WINDOW_MS = 10000;
const TERMINATE_RETRY_DELAYS = [500, 1000, 2000, 4000];

const items = [];
const listeners = new Set();
let userId = null;
let counter = 0;

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
  return items.filter((item) => UNFINISHED.has(item.state)).length;
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
    },
    onShouldRetry: (error) => shouldRetry(error),
    onProgress: (sent, total) => measure(item, sent, total),
    onSuccess: () => uploaded(item),
    onError: (error) => stopped(item, error),
  };
}

function schedule() {
  if (!currentSession() || items.some((item) => item.state === "uploading")) return;
  const next = items.find((item) => item.state === "waiting");
  if (!next) return;
  next.samples = [];
  set(next, "uploading");
  next.upload.start();
}

async function stopped(item, error) {
  const failure = describeFailure(error, await maxUploadBytes());
  set(item, failure.state, failure.message);
  if (failure.state === "signed-out") sessionEnded();
  schedule();
}

async function uploaded(item) {
  item.bytesSent = item.size;
  set(item, "processing", "Uploaded. Checking the recording…");
  schedule();
  if (item.captureId) dropCapture(item.captureId);
  const uploadId = item.upload.url.split("/").pop();
  await followRecording(uploadId, (state, message, recordingId) => {
    item.recordingId = recordingId || item.recordingId;
    set(item, state, message);
  });
}

/** Metadata sent with the upload (tus Upload-Metadata); `details` come from the form. */
function metadataFor(file, details) {
  const metadata = {
    filename: file.name,
    filetype: mediaType(file),
    title: details.title,
    consent: "obtained",
    consent_scope: details.consentScope,
    organisation_id: details.organisationId,
  };
  if (details.consentMethod) metadata.consent_method = details.consentMethod;
  if (details.recordedAt) metadata.recorded_at = details.recordedAt;
  if (details.programmeId) metadata.programme_id = details.programmeId;
  return metadata;
}

/**
 * Queue a file. An upload of the same file started before (even before a reload) carries
 * on from where it stopped. `capture` marks a recording made in the browser.
 */
export async function addUpload(file, details, { capture = false, captureId = null } = {}) {
  counter += 1;
  const fingerprint = fingerprintFor(file);
  const item = {
    id: `upload-${counter}`,
    title: details.title,
    fileName: file.name,
    size: file.size,
    bytesSent: 0,
    fingerprint,
    details,
    metadata: metadataFor(file, details),
    captureId,
    samples: [],
    state: "waiting",
    message: "",
  };
  const Upload = await tusUpload();
  item.upload = new Upload(file, await tusOptions(item));
  const previous = await item.upload.findPreviousUploads();
  if (previous.length > 0) {
    item.upload.resumeFromPreviousUpload(previous[0]);
    item.message = "Continuing from where it stopped.";
  }
  removeWhere((other) => other.state === "needs-file" && other.fingerprint === fingerprint);
  if (capture && !captureId) {
    item.captureId = `capture-${Date.now()}-${counter}`;
    await keepCapture({ id: item.captureId, userId, file, details });
  }
  items.push(item);
  changed();
  schedule();
  return item;
}

function removeWhere(predicate) {
  for (let i = items.length - 1; i >= 0; i -= 1) if (predicate(items[i])) items.splice(i, 1);
}

export function pause(item) {
  if (item.state !== "uploading" && item.state !== "waiting") return;
  item.upload.abort(false);
  set(item, "paused", "Paused. Resume whenever you like; nothing is lost.");
  schedule();
}

export function resume(item) {
  if (!["paused", "failed", "offline", "signed-out"].includes(item.state)) return;
  set(item, "waiting");
  schedule();
}

/** Stop an upload for good: the server deletes what it has, this device forgets it. */
export async function cancel(item) {
  removeWhere((other) => other === item);
  changed();
  if (item.upload) item.upload.abort(false);
  const url = (item.upload && item.upload.url) || item.uploadUrl;
  try {
    // The server stops the PATCH just aborted, if it still runs, and deletes everything.
    // A few quick retries for a flaky network, then leave it to the server, which drops
    // unfinished uploads when they expire.
    if (url) await (await tusUpload()).terminate(url, { ...(await tusOptions(item)), retryDelays: TERMINATE_RETRY_DELAYS });
  } catch {
    // Offline or signed out: as above.
  }
  forgetResumeRecord(item.fingerprint);
  if (item.captureId) await dropCapture(item.captureId);
  schedule();
}

/** After a reload: the person picks the file again; it must be the same file. */
export async function provideFile(item, file) {
  if (fingerprintFor(file) !== item.fingerprint) {
    return `That is a different file. Choose "${item.fileName}" to continue this upload.`;
  }
  await addUpload(file, item.details);
  return null;
}

function onOnline() {
  for (const item of items) if (item.state === "offline") set(item, "waiting");
  schedule();
}

async function restoreInterrupted() {
  for (const record of resumeRecords(userId)) {
    if (items.some((item) => item.fingerprint === record.fingerprint)) continue;
    const item = { ...record, id: `upload-${(counter += 1)}`, samples: [], bytesSent: 0 };
    item.state = "needs-file";
    item.message = `Interrupted. Choose "${record.fileName}" again to continue where it stopped.`;
    items.push(item);
    api
      .get(`/uploads/${record.uploadId}`)
      .then((upload) => {
        item.bytesSent = upload.offset;
        changed();
      })
      .catch((error) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
          forgetResumeRecord(record.fingerprint);
          removeWhere((other) => other === item);
          changed();
        }
      });
  }
  for (const capture of await capturesOf(userId)) {
    if (items.some((item) => item.captureId === capture.id)) continue;
    await addUpload(capture.file, capture.details, { capture: true, captureId: capture.id });
  }
}

/** Called once signed in: picks up where a reload or an ended session left off. */
export async function startQueue(user) {
  if (userId && userId !== user) {
    for (const item of items) if (item.upload) item.upload.abort(false);
    removeWhere(() => true);
  }
  userId = user;
  window.removeEventListener("online", onOnline);
  window.addEventListener("online", onOnline);
  for (const item of items) if (item.state === "signed-out") set(item, "waiting");
  await restoreInterrupted();
  changed();
  schedule();
}

/** Signing out: stop and delete every unfinished upload, on the server too. */
export async function stopQueue() {
  for (const item of items.slice()) {
    if (UNFINISHED.has(item.state)) await cancel(item);
  }
  removeWhere(() => true);
  userId = null;
  changed();
}
