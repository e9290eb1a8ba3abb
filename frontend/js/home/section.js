// A home-screen section: a heading, then loading, content, an empty state or an error.
import { h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";

let sequence = 0;

export function section(title, { intro = null, action = null } = {}) {
  sequence += 1;
  const headingId = `section-${sequence}`;
  const body = h("div", { "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  const element = h(
    "section",
    { class: "card", "aria-labelledby": headingId },
    h("h2", { id: headingId }, title),
    intro ? h("p", { class: "muted" }, intro) : null,
    body,
    action,
  );
  return {
    element,
    show(...content) {
      body.removeAttribute("aria-busy");
      replaceChildren(body, content);
    },
    fail(error, retry) {
      body.removeAttribute("aria-busy");
      replaceChildren(
        body,
        h("div", { class: "alert alert--error", role: "alert" },
          h("p", {}, `${title} could not be loaded. ${error.message}`),
          h("button", { class: "button button--secondary", type: "button", on: { click: retry } }, "Try again"),
        ),
      );
    },
  };
}

/** A section whose content arrives with a feature still being built. */
export function comingSoon(title, text) {
  return h("section", { class: "card" }, h("h2", {}, title), h("p", { class: "muted" }, text));
}

/** Runs `load()` and shows its result, or the error with a way to try again. */
export async function fill(part, load) {
  try {
    part.show(await load());
  } catch (error) {
    part.fail(error, () => {
      part.show(h("p", { class: "loading" }, "Loading…"));
      fill(part, load);
    });
  }
}

const STATUS_LABELS = { uploading: "Uploading", processing: "Processing", ready: "Ready", rejected: "Rejected", deleted: "Deleted" };

/** A recording in a list; a ready one links to its review screen. */
export function recordingItem(recording, ownerName = "") {
  const when = formatDate(recording.recorded_at || recording.created_at);
  const meta = [ownerName, when].filter(Boolean).join(" · ");
  return h(
    "li",
    { class: "list__item" },
    h("div", {},
      recording.status === "ready"
        ? h("a", { class: "list__title list__link", href: `#/recordings/${recording.id}` }, recording.title)
        : h("span", { class: "list__title" }, recording.title),
      meta ? h("span", { class: "list__meta" }, meta) : null,
      recording.status === "rejected" && recording.rejection_reason
        ? h("span", { class: "list__meta" }, `Why: ${recording.rejection_reason}`)
        : null,
    ),
    h("span", { class: `status status--${recording.status}` }, STATUS_LABELS[recording.status] || recording.status),
  );
}

export function listOrEmpty(items, emptyText) {
  return items.length ? h("ul", { class: "list" }, items) : h("p", { class: "muted" }, emptyText);
}

export function asList(response) {
  return Array.isArray(response) ? response : response.items || [];
}
