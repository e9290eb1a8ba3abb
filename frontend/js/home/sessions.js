// Home cards for sessions and ring-fenced time.
import { api } from "../api.js";
import { h } from "../dom.js";
import { counted } from "../format.js";
import { sessionItem } from "../sessions/items.js";
import { organisationZone } from "../sessions/organisation.js";
import { monthRange } from "../sessions/time-table.js";
import { addDays, todayIn } from "../zoned.js";
import { fill, listOrEmpty, section } from "./section.js";

/** The person's next sessions (over `days` days), the soonest first. */
export function upcomingSessions(membership, me, { title, days, empty, action }) {
  const part = section(title, { action });
  const base = `/organisations/${membership.organisation_id}`;
  fill(part, async () => {
    const zone = await organisationZone(membership.organisation_id);
    const today = todayIn(zone);
    const items = await api.get(`${base}/bookings?from=${today}&to=${addDays(today, days)}&user_id=${me.id}&status=confirmed&limit=5`);
    const ahead = items.filter((o) => new Date(o.ends_at) >= new Date());
    return listOrEmpty(ahead.map((o) => sessionItem(o, { zone, myId: me.id, base })), empty);
  });
  return part.element;
}

export function practitionerSessions(membership, me) {
  return upcomingSessions(membership, me, {
    title: "Next sessions",
    days: 28,
    empty: "Nothing booked yet. Book a coaching session, or your coach or supervisor books one with you.",
    action: h("div", { class: "actions" },
      h("a", { class: "button", href: "#/book" }, "Book coaching"),
      h("a", { class: "button button--secondary", href: "#/time" }, "My time")),
  });
}

export function coachWeek(membership, me) {
  return upcomingSessions(membership, me, {
    title: "My week",
    days: 7,
    empty: "No sessions in the next seven days.",
    action: h("div", { class: "actions" },
      h("a", { class: "button button--secondary", href: "#/sessions" }, "All sessions"),
      h("a", { class: "button button--secondary", href: "#/availability" }, "My availability")),
  });
}

/** Supervisors and leads: whose ring-fenced time is being eroded this month. */
export function timeSummary(membership) {
  const part = section("Ring-fenced time", {
    action: h("div", { class: "actions" }, h("a", { class: "button", href: "#/team-time" }, "Team time")),
  });
  fill(part, async () => {
    const zone = await organisationZone(membership.organisation_id);
    const { from, to } = monthRange(todayIn(zone).slice(0, 7));
    const rows = await api.getAll(`/organisations/${membership.organisation_id}/reports/time?from=${from}&to=${to}`);
    const eroded = new Set(rows.filter((r) => r.eroded).map((r) => r.practitioner_user_id));
    const people = new Set(rows.map((r) => r.practitioner_user_id));
    if (!people.size) return h("p", { class: "muted" }, "No time is set aside for anyone yet. Set allocations on Team time.");
    return h("p", {}, eroded.size
      ? `This month, time is being eroded for ${eroded.size} of ${counted(people.size, "practitioner")}.`
      : `This month, no one's time is being eroded (${counted(people.size, "practitioner")} with time set aside).`);
  });
  return part.element;
}
