// One session (an occurrence of a booking) in a list, with what its organiser can do to it.
import { API, api } from "../api.js";
import { alertBox, announce, h, replaceChildren, uniqueId } from "../dom.js";
import { formatSpan } from "../zoned.js";

export const KIND_LABELS = {
  coaching: "Coaching",
  supervision: "Supervision",
  group_supervision: "Group supervision",
  fidelity_assessment: "Fidelity assessment",
  training: "Training",
  planning: "Planning",
};

const STATUS_LABELS = {
  proposed: "Proposed",
  confirmed: "Confirmed",
  completed: "Done",
  cancelled: "Cancelled",
  no_show: "No-show",
};

/** "with Pat Practitioner and Sam Supervisor", leaving out whoever is looking. */
export function withWhom(occurrence, myId) {
  const people = [occurrence.organiser, ...(occurrence.participants || [])]
    .filter((p) => p && p.id !== myId)
    .map((p) => p.name);
  if (!people.length) return "";
  const last = people.pop();
  return `with ${people.length ? `${people.join(", ")} and ${last}` : last}`;
}

function occurrenceBody(occurrence) {
  // One occurrence of a series is named by where the series put it.
  return occurrence.is_series ? { occurrence_start: occurrence.original_starts_at } : {};
}

function actionForms(occurrence, base, onChange) {
  const message = h("div", {});
  const path = `${base}/bookings/${occurrence.booking_id}`;
  const act = async (verb, body, done) => {
    try {
      await api.post(`${path}/${verb}`, { ...occurrenceBody(occurrence), ...body });
      announce(done);
      onChange(done);
    } catch (error) {
      replaceChildren(message, alertBox("error", "That did not work", error.message));
    }
  };
  const started = new Date(occurrence.starts_at) <= new Date();
  const buttons = [];
  if (started) {
    buttons.push(h("button", { class: "button button--small", type: "button", on: { click: () => act("complete", {}, "Session marked as done.") } }, "Mark as done"));
    buttons.push(h("button", { class: "button button--small button--secondary", type: "button", on: { click: () => act("no-show", {}, "Session marked as a no-show.") } }, "No-show"));
  }
  const reasonId = uniqueId("cancel-reason");
  const reason = h("input", { class: "input", id: reasonId, type: "text", maxlength: "2000", autocomplete: "off" });
  const cancelForm = h("form", { class: "inline-form", novalidate: true, hidden: true },
    h("div", { class: "field" }, h("label", { for: reasonId }, "Why is it cancelled?"), reason),
    h("button", { class: "button button--small button--danger", type: "submit" }, "Cancel session"));
  cancelForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      reason.setAttribute("aria-invalid", "true");
      replaceChildren(message, alertBox("error", null, "Say why the session is cancelled: the people in it are told."));
      reason.focus();
      return;
    }
    act("cancel", { reason: reason.value.trim() }, "Session cancelled.");
  });
  if (!started) {
    buttons.push(h("button", { class: "button button--small button--secondary", type: "button", "aria-expanded": "false", on: {
      click: (event) => {
        cancelForm.hidden = !cancelForm.hidden;
        event.currentTarget.setAttribute("aria-expanded", String(!cancelForm.hidden));
        if (!cancelForm.hidden) reason.focus();
      },
    } }, "Cancel…"));
  }
  return [h("div", { class: "actions" }, buttons), cancelForm, message];
}

/**
 * A session: when (in the organisation's zone), what, with whom, where; its status; and,
 * for whoever may change it, the actions that fit its time (done or no-show once started,
 * cancel before).
 */
export function sessionItem(occurrence, { zone, myId, base, canChange = false, onChange = () => {} }) {
  const headingId = uniqueId("session");
  const where = [occurrence.location, occurrence.video_url ? h("a", { class: "list__link", href: occurrence.video_url, rel: "noopener" }, "Video link") : null].filter(Boolean);
  const changeable = canChange && occurrence.status === "confirmed";
  return h("li", { class: "list__item list__item--stack session", "aria-labelledby": headingId, "data-booking-id": occurrence.booking_id },
    h("div", { class: "session__head" },
      h("span", { class: "list__title", id: headingId }, occurrence.title),
      h("span", { class: `tag tag--${occurrence.status}` }, STATUS_LABELS[occurrence.status] || occurrence.status),
    ),
    h("span", { class: "list__meta" }, formatSpan(occurrence.starts_at, occurrence.ends_at, zone)),
    h("span", { class: "list__meta" }, [KIND_LABELS[occurrence.kind] || occurrence.kind, withWhom(occurrence, myId)].filter(Boolean).join(" ")),
    where.length ? h("span", { class: "list__meta" }, ...where.flatMap((part, i) => (i ? [" · ", part] : [part]))) : null,
    h("a", { class: "list__link", href: `${API}${base}/bookings/${occurrence.booking_id}/calendar.ics`, download: "" }, "Add to my calendar (.ics)"),
    changeable ? actionForms(occurrence, base, onChange) : null,
  );
}
