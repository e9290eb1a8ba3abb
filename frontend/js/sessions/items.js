// One session (an occurrence of a booking) in a list, with what its organiser can do to it.
import { API, api } from "../api.js";
import { alertBox, announce, h, replaceChildren, uniqueId } from "../dom.js";
import { formatSpan, localDate, localTime, zonedIso } from "../zoned.js";

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

function actionForms(occurrence, base, zone, onChange) {
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
  let notesForm = null;
  if (started) {
    buttons.push(h("button", { class: "button button--small", type: "button", on: { click: () => act("complete", {}, "Session marked as done.") } }, "Mark as done"));
    buttons.push(h("button", { class: "button button--small button--secondary", type: "button", on: { click: () => act("no-show", {}, "Session marked as a no-show.") } }, "No-show"));
    notesForm = notesAndActions(occurrence, path, message);
    buttons.push(disclosure("Notes and actions…", notesForm));
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
    const following = cancelForm.querySelector("input[name=following]")?.checked;
    act("cancel", { reason: reason.value.trim(), ...(following ? { scope: "following" } : {}) }, following ? "Sessions cancelled." : "Session cancelled.");
  });
  if (occurrence.is_series) {
    cancelForm.insertBefore(
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "following" }), h("span", {}, "Also cancel the later sessions of this series")),
      cancelForm.lastChild,
    );
  }
  let moveForm = null;
  if (!started) {
    moveForm = moveSession(occurrence, path, zone, message, onChange);
    buttons.push(disclosure("Move…", moveForm));
    buttons.push(disclosure("Cancel…", cancelForm));
  }
  return [h("div", { class: "actions" }, buttons), moveForm, cancelForm, notesForm, message];
}

/** New times for a session (one occurrence of a series: only that one). */
function moveSession(occurrence, path, zone, message, onChange) {
  const id = uniqueId("move");
  const date = h("input", { class: "input", id: `${id}-date`, type: "date", value: localDate(occurrence.starts_at, zone) });
  const start = h("input", { class: "input", id: `${id}-start`, type: "time", value: localTime(occurrence.starts_at, zone) });
  const end = h("input", { class: "input", id: `${id}-end`, type: "time", value: localTime(occurrence.ends_at, zone) });
  const form = h("form", { class: "inline-form", novalidate: true, hidden: true },
    h("div", { class: "field" }, h("label", { for: date.id }, "New date"), date),
    h("div", { class: "field" }, h("label", { for: start.id }, "Starts"), start),
    h("div", { class: "field" }, h("label", { for: end.id }, "Ends"), end),
    h("button", { class: "button button--small", type: "submit" }, "Move session"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!date.value || !start.value || !end.value || end.value <= start.value) {
      replaceChildren(message, alertBox("error", null, "Choose a date, and an end after the start."));
      end.focus();
      return;
    }
    const times = { starts_at: zonedIso(date.value, start.value, zone), ends_at: zonedIso(date.value, end.value, zone) };
    try {
      await api.patch(path, { ...times, ...(occurrence.is_series ? { occurrence_start: occurrence.original_starts_at, scope: "this" } : {}) });
      announce("Session moved.");
      onChange("Session moved.");
    } catch (error) {
      replaceChildren(message, alertBox("error", "The session was not moved", error.message));
    }
  });
  return form;
}

/** A participant accepts a proposed session (or the one occurrence of a series). */
function acceptButton(occurrence, base, onChange) {
  const message = h("div", {});
  const button = h("button", { class: "button button--small", type: "button" }, "Accept");
  button.addEventListener("click", async () => {
    try {
      await api.post(`${base}/bookings/${occurrence.booking_id}/confirm`, occurrenceBody(occurrence));
      announce("Session accepted.");
      onChange("Session accepted.");
    } catch (error) {
      replaceChildren(message, alertBox("error", "The session was not accepted", error.message));
    }
  });
  return [h("div", { class: "actions" }, button), message];
}

/** A button that shows and hides `part` (and says which, for screen readers). */
function disclosure(label, part) {
  const button = h("button", { class: "button button--small button--secondary", type: "button", "aria-expanded": "false" }, label);
  button.addEventListener("click", () => {
    part.hidden = !part.hidden;
    button.setAttribute("aria-expanded", String(!part.hidden));
    if (!part.hidden) part.querySelector("input, textarea, select")?.focus();
  });
  return button;
}

/** Notes after the session; each line of actions becomes a learning objective of the
 * practitioner chosen, in the same step. */
function notesAndActions(occurrence, path, message) {
  const id = uniqueId("notes");
  const people = occurrence.participants || [];
  const who = h("select", { class: "input", id: `${id}-who` }, people.map((p) => h("option", { value: p.id }, p.name)));
  const notes = h("textarea", { class: "input", id: `${id}-text`, rows: "3", maxlength: "20000" });
  const actions = h("textarea", { class: "input", id: `${id}-actions`, rows: "3" });
  const form = h("form", { class: "stack", novalidate: true, hidden: true },
    h("div", { class: "field" }, h("label", { for: notes.id }, "Notes from the session"), notes),
    h("div", { class: "field" }, h("label", { for: actions.id }, "Actions (one a line; each becomes a learning objective)"), actions),
    people.length > 1 ? h("div", { class: "field" }, h("label", { for: who.id }, "Actions for"), who) : null,
    h("div", { class: "actions" }, h("button", { class: "button button--small", type: "submit" }, "Save notes")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!notes.value.trim()) {
      notes.setAttribute("aria-invalid", "true");
      replaceChildren(message, alertBox("error", null, "Write the notes first."));
      notes.focus();
      return;
    }
    const lines = actions.value.split("\n").map((line) => line.trim()).filter(Boolean);
    const practitioner = who.value || people[0]?.id;
    try {
      const saved = await api.post(`${path}/notes`, {
        ...occurrenceBody(occurrence),
        notes: notes.value.trim(),
        actions: lines.map((title) => ({ practitioner_user_id: practitioner, title })),
      });
      const made = saved.objective_ids.length;
      const done = made ? `Notes saved; ${made === 1 ? "1 learning objective" : `${made} learning objectives`} set.` : "Notes saved.";
      replaceChildren(message, alertBox("success", null, done));
      announce(done);
      form.hidden = true;
    } catch (error) {
      replaceChildren(message, alertBox("error", "The notes were not saved", error.message));
    }
  });
  return form;
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
  const invited = occurrence.status === "proposed" && occurrence.participants?.some((p) => p.id === myId);
  return h("li", { class: "list__item list__item--stack session", "aria-labelledby": headingId, "data-booking-id": occurrence.booking_id },
    h("div", { class: "session__head" },
      h("span", { class: "list__title", id: headingId }, occurrence.title),
      h("span", { class: `tag tag--${occurrence.status}` }, STATUS_LABELS[occurrence.status] || occurrence.status),
    ),
    h("span", { class: "list__meta" }, formatSpan(occurrence.starts_at, occurrence.ends_at, zone)),
    h("span", { class: "list__meta" }, [KIND_LABELS[occurrence.kind] || occurrence.kind, withWhom(occurrence, myId)].filter(Boolean).join(" ")),
    where.length ? h("span", { class: "list__meta" }, ...where.flatMap((part, i) => (i ? [" · ", part] : [part]))) : null,
    h("a", { class: "list__link", href: `${API}${base}/bookings/${occurrence.booking_id}/calendar.ics`, download: "" }, "Add to my calendar (.ics)"),
    changeable ? actionForms(occurrence, base, zone, onChange) : null,
    invited ? acceptButton(occurrence, base, onChange) : null,
  );
}
