// Book coaching: a practitioner picks one of their coaches' free times and books it in one
// step. Coach and week live in the URL (#/book?coach=...&from=2026-12-07).
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { fill, section } from "../home/section.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { navigate } from "../router.js";
import { organisationZone } from "../sessions/organisation.js";
import { addDays, dayLabel, formatSpan, localDate, localTime, todayIn } from "../zoned.js";

export const title = "Book coaching";
const DAYS = 14;

async function myCoaches(membership, me) {
  const base = `/organisations/${membership.organisation_id}`;
  const [assignments, members] = await Promise.all([
    api.getAll(`${base}/assignments?user_id=${me.id}`),
    api.getAll(`${base}/members`),
  ]);
  const ids = new Set(assignments.filter((a) => a.kind === "coach" && a.practitioner_user_id === me.id).map((a) => a.staff_user_id));
  return members.filter((m) => ids.has(m.user_id));
}

function link(coach, from) {
  return `/book?coach=${coach}&from=${from}`;
}

function confirmPart({ base, coach, slot, zone, onBooked, onBack }) {
  const status = h("div", {});
  const agenda = h("textarea", { class: "input", id: "slot-agenda", rows: "3", maxlength: "20000" });
  const book = h("button", { class: "button", type: "submit" }, "Book this time");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "confirm-slot" },
    h("h2", { id: "confirm-slot", tabindex: "-1" }, "Book this time?"),
    h("p", { class: "lede" }, `${formatSpan(slot.starts_at, slot.ends_at, zone)} with ${displayName(coach)}`),
    h("div", { class: "field" }, h("label", { for: agenda.id }, "What would you like to talk about? (optional)"), agenda),
    status,
    h("div", { class: "actions" }, book, h("button", { class: "button button--secondary", type: "button", on: { click: onBack } }, "Choose another time")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    book.disabled = true;
    try {
      await api.post(`${base}/coaches/${coach.user_id}/free-slots/book`, { starts_at: slot.starts_at, agenda: agenda.value });
      announce("Coaching session booked.");
      onBooked(slot);
    } catch (error) {
      replaceChildren(status, alertBox("error", "That time was not booked", error.message));
      status.querySelector(".alert")?.focus();
      book.disabled = false;
    }
  });
  return form;
}

function slotDays(slots, zone, choose) {
  const byDay = new Map();
  for (const slot of slots) {
    const day = localDate(slot.starts_at, zone);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(slot);
  }
  if (!byDay.size) return h("p", { class: "muted" }, "No free times in these two weeks. Try the next two weeks, or ask your coach.");
  return [...byDay.entries()].map(([day, daySlots]) => {
    const headingId = `slots-${day}`;
    return h("section", { class: "slot-day", "aria-labelledby": headingId },
      h("h3", { id: headingId }, dayLabel(day)),
      h("ul", { class: "slot-list" }, daySlots.map((slot) => h("li", {},
        h("button", { class: "button button--secondary", type: "button", on: { click: () => choose(slot) } },
          h("span", { class: "visually-hidden" }, `${dayLabel(day)}, `),
          `${localTime(slot.starts_at, zone)}–${localTime(slot.ends_at, zone)}`)))),
    );
  });
}

export async function render(main, { query }) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "practitioner")) {
    append(main, alertBox("info", null, "Booking coaching is for practitioners."));
    return;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const zone = await organisationZone(membership.organisation_id);
  const coaches = await myCoaches(membership, me);
  if (!coaches.length) {
    append(main, alertBox("info", null, "You have no coach yet. Your implementation lead assigns one; then their free times appear here."));
    return;
  }
  const today = todayIn(zone);
  const coach = coaches.find((c) => c.user_id === query.get("coach")) || coaches[0];
  const from = /^\d{4}-\d{2}-\d{2}$/.test(query.get("from") || "") && query.get("from") >= today ? query.get("from") : today;
  const to = addDays(from, DAYS - 1);
  const picker = coaches.length > 1
    ? h("div", { class: "field" }, h("label", { for: "book-coach" }, "Coach"),
      h("select", { class: "input", id: "book-coach", on: { change: (event) => navigate(link(event.target.value, from)) } },
        coaches.map((c) => h("option", { value: c.user_id, selected: c === coach }, displayName(c)))))
    : h("p", { class: "lede" }, `Free times with ${displayName(coach)}, your coach. Times are in ${zone}.`);
  const slots = section(`${dayLabel(from)} to ${dayLabel(to)}`);
  const outlet = h("div", {}, slots.element);
  const showSlots = () => {
    replaceChildren(outlet, slots.element);
    fill(slots, async () => slotDays(await api.get(`${base}/coaches/${coach.user_id}/free-slots?from=${from}&to=${to}`), zone, (slot) => {
      const form = confirmPart({
        base, coach, slot, zone,
        onBack: showSlots,
        onBooked: (booked) => {
          replaceChildren(outlet, alertBox("success", "Booked", `${formatSpan(booked.starts_at, booked.ends_at, zone)} with ${displayName(coach)}. It is on your home screen and in your calendar feed.`),
            h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "Go to home"), h("a", { class: "button button--secondary", href: "#/sessions" }, "All sessions")));
          outlet.querySelector(".alert").focus();
        },
      });
      replaceChildren(outlet, form);
      form.querySelector("h2").focus();
    }));
  };
  showSlots();
  append(main, picker,
    h("nav", { class: "month-nav", "aria-label": "Weeks" },
      from > today ? h("a", { class: "button button--secondary button--small", href: `#${link(coach.user_id, addDays(from, -DAYS) < today ? today : addDays(from, -DAYS))}` }, "Earlier") : null,
      h("a", { class: "button button--secondary button--small", href: `#${link(coach.user_id, addDays(from, DAYS))}` }, "Later"),
    ),
    outlet);
}
