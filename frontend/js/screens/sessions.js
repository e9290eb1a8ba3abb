// Sessions: what is booked for the person (coming up, and past ones still to mark as done),
// booking a session for coaches, supervisors and leads, and the calendar feed.
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { assignedPractitioners } from "../home/coach.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { calendarFeedCard } from "../sessions/feed.js";
import { KIND_LABELS, sessionItem } from "../sessions/items.js";
import { organisationZone } from "../sessions/organisation.js";
import { addDays, todayIn, zonedIso } from "../zoned.js";

export const title = "Sessions";

const REPEATS = {
  "": "Does not repeat",
  "FREQ=WEEKLY": "Every week",
  "FREQ=WEEKLY;INTERVAL=2": "Every 2 weeks",
  "FREQ=MONTHLY": "Every month",
};

function field(id, label, control, hint = null) {
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null, control);
}

/** The people a staff member books with: those they coach or supervise; a lead, anyone. */
async function bookablePeople(membership, me) {
  if (hasRole(membership, "lead")) {
    const members = await api.getAll(`/organisations/${membership.organisation_id}/members`);
    return members.filter((m) => m.user_id !== me.id);
  }
  const [coached, supervised] = await Promise.all([
    hasRole(membership, "coach") ? assignedPractitioners(membership, me, "coach") : [],
    hasRole(membership, "supervisor") ? assignedPractitioners(membership, me, "supervisor") : [],
  ]);
  const seen = new Map([...coached, ...supervised].map((p) => [p.user_id, p]));
  return [...seen.values()];
}

function bookingForm({ membership, me, zone, people, onBooked }) {
  const status = h("div", {});
  const kind = h("select", { class: "input", id: "booking-kind", name: "kind" },
    Object.entries(KIND_LABELS).map(([value, label]) => h("option", { value, selected: value === (hasRole(membership, "coach") ? "coaching" : "supervision") }, label)));
  const who = h("fieldset", { class: "field", id: "booking-people" },
    h("legend", {}, "With"),
    people.length
      ? people.map((p) => h("label", { class: "choice" }, h("input", { type: "checkbox", name: "participant", value: p.user_id }), h("span", {}, displayName(p))))
      : h("p", { class: "muted" }, "Nobody is assigned to you yet."));
  const today = todayIn(zone);
  const repeat = h("select", { class: "input", id: "booking-repeat", name: "repeat" },
    Object.entries(REPEATS).map(([value, label]) => h("option", { value }, label)));
  const count = h("input", { class: "input", id: "booking-count", name: "count", type: "number", min: "2", max: "100", value: "6", inputmode: "numeric" });
  const countField = field("booking-count", "How many sessions in all", count);
  countField.hidden = true;
  repeat.addEventListener("change", () => {
    countField.hidden = !repeat.value;
  });
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-booking" },
    h("h2", { id: "new-booking" }, "Book a session"),
    h("p", { class: "muted" }, `Times are in ${zone}.`),
    field("booking-kind", "Kind of session", kind),
    field("booking-title", "Title", h("input", { class: "input", id: "booking-title", name: "title", type: "text", maxlength: "200", autocomplete: "off" }), "For example: Supervision with Pat."),
    who,
    field("booking-date", "Date", h("input", { class: "input", id: "booking-date", name: "date", type: "date", min: today, value: addDays(today, 1) })),
    h("div", { class: "inline-form" },
      field("booking-start", "Starts", h("input", { class: "input", id: "booking-start", name: "start", type: "time", value: "10:00" })),
      field("booking-end", "Ends", h("input", { class: "input", id: "booking-end", name: "end", type: "time", value: "11:00" })),
    ),
    field("booking-repeat", "Repeats", repeat),
    countField,
    field("booking-location", "Where (optional)", h("input", { class: "input", id: "booking-location", name: "location", type: "text", maxlength: "300" })),
    field("booking-video", "Video link (optional)", h("input", { class: "input", id: "booking-video", name: "video", type: "url", maxlength: "500" })),
    field("booking-agenda", "Agenda (optional)", h("textarea", { class: "input", id: "booking-agenda", name: "agenda", rows: "3" })),
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Book session")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = form.elements;
    const participants = [...form.querySelectorAll("input[name=participant]:checked")].map((box) => box.value);
    const problems = [];
    if (!values.title.value.trim()) problems.push(["booking-title", "Give the session a title."]);
    if (!participants.length) problems.push(["booking-people", "Choose who the session is with."]);
    if (!values.date.value || !values.start.value || !values.end.value) problems.push(["booking-date", "Choose the date and times."]);
    else if (values.end.value <= values.start.value) problems.push(["booking-end", "The session must end after it starts."]);
    for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
    if (problems.length) {
      for (const [id] of problems) form.querySelector(`#${id}`)?.setAttribute("aria-invalid", "true");
      replaceChildren(status, alertBox("error", "The session was not booked", h("ul", { class: "error-list" }, problems.map(([, text]) => h("li", {}, text)))));
      form.querySelector(`#${problems[0][0]}`)?.focus();
      return;
    }
    const body = {
      kind: kind.value,
      title: values.title.value.trim(),
      starts_at: zonedIso(values.date.value, values.start.value, zone),
      ends_at: zonedIso(values.date.value, values.end.value, zone),
      participant_user_ids: participants,
      location: values.location.value.trim(),
      video_url: values.video.value.trim(),
      agenda: values.agenda.value,
    };
    if (repeat.value) body.rrule = `${repeat.value};COUNT=${Number(count.value) || 2}`;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api.post(`/organisations/${membership.organisation_id}/bookings`, body);
      form.reset();
      countField.hidden = true;
      replaceChildren(status, alertBox("success", null, `Booked: ${body.title}.`));
      announce("Session booked.");
      onBooked();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The session was not booked", error.message));
      status.querySelector(".alert")?.focus();
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function render(main) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership) {
    append(main, alertBox("info", null, "You are not a member of an organisation in Tandem yet."));
    return;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const zone = await organisationZone(membership.organisation_id);
  const staff = hasRole(membership, "coach", "supervisor", "lead");
  const upcoming = section("Coming up", { intro: "Your sessions over the next four weeks." });
  const toMark = section("To mark as done", { intro: "Sessions you ran in the last two weeks that are not marked yet." });
  const today = todayIn(zone);
  const load = () => {
    fill(upcoming, async () => {
      const items = await api.getAll(`${base}/bookings?from=${today}&to=${addDays(today, 28)}&user_id=${me.id}`);
      const ahead = items.filter((o) => new Date(o.ends_at) >= new Date() && o.status !== "cancelled");
      return listOrEmpty(
        ahead.map((o) => sessionItem(o, { zone, myId: me.id, base, canChange: o.organiser.id === me.id || hasRole(membership, "lead"), onChange: load })),
        staff ? "Nothing booked. Book a session below." : "Nothing booked yet. Book a coaching session, or your coach or supervisor books one with you.",
      );
    });
    if (staff) {
      fill(toMark, async () => {
        const items = await api.getAll(`${base}/bookings?from=${addDays(today, -14)}&to=${today}&user_id=${me.id}&status=confirmed`);
        const past = items.filter((o) => new Date(o.starts_at) <= new Date() && o.organiser.id === me.id);
        return listOrEmpty(past.map((o) => sessionItem(o, { zone, myId: me.id, base, canChange: true, onChange: load })), "Everything is marked.");
      });
    }
  };
  load();
  const parts = [upcoming.element];
  if (staff) parts.push(toMark.element);
  const side = [];
  if (staff) {
    const people = await bookablePeople(membership, me);
    side.push(bookingForm({ membership, me, zone, people, onBooked: load }));
  } else if (hasRole(membership, "practitioner")) {
    side.push(h("section", { class: "card" }, h("h2", {}, "Book coaching"), h("p", {}, "Choose a free time in your coach's diary."), h("div", { class: "actions" }, h("a", { class: "button", href: "#/book" }, "Find a time"))));
  }
  side.push(calendarFeedCard());
  append(main, h("div", { class: "grid grid--two" }, h("div", { class: "stack" }, parts), h("div", { class: "stack" }, side)));
}
