// What a queue item is, what this device keeps of it (stored-queue.js) and what it is again
// after a reload: with its file it waits its turn; without one the person picks it again.
import { mediaType } from "./media.js";

export const OFFLINE_MESSAGE = "You are offline. The upload starts by itself when you are back online.";

function newId() {
  return `upload-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
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

/** Waiting for its turn, or for the connection. */
export function queuedState() {
  return navigator.onLine ? { state: "waiting", message: "" } : { state: "offline", message: OFFLINE_MESSAGE };
}

export function newItem(file, details, fingerprint) {
  return {
    id: newId(),
    queuedAt: Date.now(),
    title: details.title,
    fileName: file.name,
    size: file.size,
    bytesSent: 0,
    fingerprint,
    details,
    metadata: metadataFor(file, details),
    file,
    recordingId: null,
    uploadUrl: null,
    samples: [],
    upload: null,
    ...queuedState(),
  };
}

/** What the device keeps of an item still to be sent. */
export function recordOf(item, userId) {
  const { id, queuedAt, title, fileName, size, fingerprint, details, metadata, file, recordingId, uploadUrl } = item;
  return { id, userId, queuedAt, title, fileName, size, fingerprint, details, metadata, file, recordingId, uploadUrl, state: "queued" };
}

export function needsFileMessage(fileName) {
  return `This device could not keep "${fileName}". Choose it again to continue where the upload stopped.`;
}

/** A kept record as a queue item again, after a reload or a restart. */
export function restoredItem(record) {
  const item = { ...record, samples: [], bytesSent: 0, upload: null, message: record.message || "" };
  if (record.state === "processing" || record.state === "rejected") {
    item.bytesSent = record.size;
    if (record.state === "processing") item.message = "Uploaded. Checking the recording…";
  } else if (record.file) {
    Object.assign(item, queuedState());
  } else {
    item.state = "needs-file";
    item.message = needsFileMessage(record.fileName);
  }
  return item;
}

/** An upload begun by an earlier version of the app, which kept only tus's resume record. */
export function itemFromResumeRecord(record) {
  return {
    ...record,
    id: newId(),
    queuedAt: Date.now(),
    samples: [],
    bytesSent: 0,
    upload: null,
    file: null,
    recordingId: null,
    state: "needs-file",
    message: needsFileMessage(record.fileName),
  };
}
