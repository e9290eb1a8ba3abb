// The words for an upload's state, the same on every screen that shows one (the upload
// screen and home), so a person never reads two different stories about one recording.

export const STATE_LABELS = {
  waiting: "Waiting",
  uploading: "Uploading",
  paused: "Paused",
  offline: "Waiting for connection",
  "signed-out": "Signed out",
  failed: "Stopped",
  "needs-file": "File needed",
  processing: "Processing",
  ready: "Ready",
  rejected: "Rejected",
  cancelled: "Cancelled",
};

const STATUS_CLASS = {
  uploading: "uploading", waiting: "waiting", paused: "paused", offline: "waiting",
  "signed-out": "failed", failed: "failed", "needs-file": "paused",
  processing: "processing", ready: "ready", rejected: "rejected", cancelled: "paused",
};

// Bytes still to send: the upload needs this device (and maybe the person) to finish.
const UNFINISHED = new Set(["waiting", "uploading", "paused", "offline", "signed-out", "failed", "needs-file"]);

export function isUnfinished(item) {
  return UNFINISHED.has(item.state);
}

export function stateLabel(item) {
  return STATE_LABELS[item.state] || item.state;
}

export function statusClass(item) {
  return `status status--${STATUS_CLASS[item.state] || "waiting"}`;
}

export function isError(item) {
  return ["failed", "rejected", "signed-out"].includes(item.state);
}
