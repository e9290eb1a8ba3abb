// A home-screen section: a heading, then loading, content, an empty state or an error.
import { h, replaceChildren } from "../dom.js";
import { recordingItem as listedRecording } from "../recordings/item.js";

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

/** A recording in a list (recordings/item.js); `ownerName`, when given, says whose it is
 * (the list's own name for them, when the recording does not carry one). */
export function recordingItem(recording, ownerName = "") {
  const why = recording.status === "rejected" && recording.rejection_reason
    ? h("span", { class: "list__meta" }, `Why: ${recording.rejection_reason}`)
    : null;
  const named = { ...recording, practitioner_name: recording.practitioner_name || ownerName || null };
  return listedRecording(named, { practitioner: Boolean(ownerName), extra: why });
}

export function listOrEmpty(items, emptyText) {
  return items.length ? h("ul", { class: "list" }, items) : h("p", { class: "muted" }, emptyText);
}

export function asList(response) {
  return Array.isArray(response) ? response : response.items || [];
}
