// A recording in a list: its poster frame, title, how long, when, whose and who coaches,
// its status and the comments the reader has not seen. A ready one links to its review.
import { h } from "../dom.js";
import { formatDate, formatDuration } from "../format.js";

export const STATUS_LABELS = { uploading: "Uploading", processing: "Processing", ready: "Ready", rejected: "Rejected", deleted: "Deleted" };

/** The poster frame, loaded only when scrolled near. Its alt is empty: the title beside it
 * in the same link names the recording, and a description of the frame would describe the
 * family. Without a frame the reader may see, a plain tile keeps the list aligned. */
function thumbnail(recording) {
  if (!recording.poster_url) return h("span", { class: "recording-item__thumb recording-item__thumb--none", "aria-hidden": "true" });
  return h("img", { class: "recording-item__thumb", src: recording.poster_url, alt: "", loading: "lazy", decoding: "async", width: "96", height: "54" });
}

function coachWords(recording) {
  if (!recording.coaches) return "";
  if (!recording.coaches.length) return "No coach assigned";
  return `Coach: ${recording.coaches.map((coach) => coach.name).join(", ")}`;
}

/** "3 unread" for sight, "3 unread comments" for screen readers; nothing when none. */
export function unreadBadge(count) {
  if (!count) return null;
  return h("span", { class: "unread", "data-unread": String(count) },
    `${count} unread`, h("span", { class: "visually-hidden" }, count === 1 ? " comment" : " comments"));
}

/**
 * `practitioner`: also say whose recording it is (coaches, supervisors and leads see
 * several people's); `extra`: more lines under the details (why it was rejected...).
 */
export function recordingItem(recording, { practitioner = false, extra = [] } = {}) {
  const ready = recording.status === "ready";
  const title = h("span", { class: "list__title" }, recording.title);
  const head = ready
    ? h("a", { class: "recording-item__link", href: `#/recordings/${recording.id}` }, thumbnail(recording), title)
    : h("div", { class: "recording-item__link" }, thumbnail(recording), title);
  const details = [
    formatDuration(recording.duration_seconds),
    formatDate(recording.recorded_at || recording.created_at),
    practitioner ? recording.practitioner_name : "",
    coachWords(recording),
  ].filter(Boolean);
  return h("li", { class: "list__item recording-item", "data-recording-id": recording.id },
    h("div", { class: "recording-item__main" },
      head,
      details.length ? h("span", { class: "list__meta recording-item__meta" }, details.join(" · ")) : null,
      extra),
    h("div", { class: "recording-item__state" },
      // Only a ready recording opens, and opening it is what reads its comments.
      ready ? unreadBadge(recording.unread_comments) : null,
      h("span", { class: `status status--${recording.status}` }, STATUS_LABELS[recording.status] || recording.status)),
  );
}
