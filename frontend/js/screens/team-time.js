// Team time: a supervisor's (or lead's) view of ring-fenced time for a month: allocated
// against used per practitioner and category, erosion flagged, a practitioner in detail
// with their allocations and the month's sign-off. Month and person live in the URL.
import { API, api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { assignedPractitioners } from "../home/coach.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { organisationZone } from "../sessions/organisation.js";
import { CATEGORY_LABELS, monthLabel, monthRange, shiftMonth, timeTable } from "../sessions/time-table.js";
import { dayLabel, formatMinutes, todayIn } from "../zoned.js";

export const title = "Team time";

function link(month, practitioner = null) {
  return `#/team-time?month=${month}${practitioner ? `&practitioner=${practitioner}` : ""}`;
}

function field(id, label, control) {
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), control);
}

async function teamMembers(membership, me) {
  if (hasRole(membership, "lead")) {
    const members = await api.getAll(`/organisations/${membership.organisation_id}/members`);
    return members.filter((m) => m.roles.includes("practitioner"));
  }
  return assignedPractitioners(membership, me, "supervisor");
}

function allocationForm({ base, practitionerId, month, onSaved }) {
  const status = h("div", {});
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "set-allocation" },
    h("h2", { id: "set-allocation" }, "Set aside time"),
    field("allocation-category", "Category", h("select", { class: "input", id: "allocation-category", name: "category" },
      Object.entries(CATEGORY_LABELS).map(([value, label]) => h("option", { value }, label)))),
    h("div", { class: "inline-form" },
      field("allocation-minutes", "Minutes", h("input", { class: "input", id: "allocation-minutes", name: "minutes", type: "number", min: "1", step: "15", value: "90", inputmode: "numeric" })),
      field("allocation-period", "Every", h("select", { class: "input", id: "allocation-period", name: "period" },
        h("option", { value: "month" }, "Month"), h("option", { value: "week" }, "Week"))),
    ),
    field("allocation-from", "From", h("input", { class: "input", id: "allocation-from", name: "from", type: "date", value: `${month}-01` })),
    field("allocation-until", "Until (optional)", h("input", { class: "input", id: "allocation-until", name: "until", type: "date" })),
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Save allocation")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = form.elements;
    const minutes = Number(values.minutes.value);
    if (!Number.isInteger(minutes) || minutes < 1) {
      values.minutes.setAttribute("aria-invalid", "true");
      replaceChildren(status, alertBox("error", null, "Minutes must be a whole number above 0."));
      values.minutes.focus();
      return;
    }
    values.minutes.removeAttribute("aria-invalid");
    try {
      await api.post(`${base}/allocations`, {
        practitioner_user_id: practitionerId,
        category: values.category.value,
        minutes,
        period: values.period.value,
        effective_from: values.from.value,
        effective_until: values.until.value || null,
      });
      replaceChildren(status, alertBox("success", null, "Allocation saved."));
      announce("Allocation saved.");
      onSaved();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The allocation was not saved", error.message));
    }
  });
  return form;
}

function allocationItem(allocation, base, reload) {
  const remove = h("button", { class: "button button--small button--secondary", type: "button" }, "Remove");
  remove.addEventListener("click", async () => {
    if (!window.confirm("Remove this allocation? Past figures change with it.")) return;
    try {
      await api.delete(`${base}/allocations/${allocation.id}`);
      announce("Allocation removed.");
      reload();
    } catch (error) {
      remove.replaceWith(alertBox("error", null, error.message));
    }
  });
  const until = allocation.effective_until ? ` to ${dayLabel(allocation.effective_until)}` : " onwards";
  return h("li", { class: "list__item" },
    h("div", {},
      h("span", { class: "list__title" }, `${CATEGORY_LABELS[allocation.category] || allocation.category}: ${formatMinutes(allocation.minutes)} a ${allocation.period}`),
      h("span", { class: "list__meta" }, `From ${dayLabel(allocation.effective_from)}${until}`),
    ),
    remove,
  );
}

function signOffPart({ base, practitionerId, name, month, from, to, today }) {
  const part = section(`Sign-off for ${monthLabel(month)}`);
  if (to > today) {
    // The API signs off only days that have passed: no button that can only fail.
    part.show(h("p", {}, `${name}'s time for ${monthLabel(month)} can be signed off once the month has ended.`));
    return part.element;
  }
  const load = () => fill(part, async () => {
    const all = await api.getAll(`${base}/time-sign-offs?practitioner_user_id=${practitionerId}`);
    const current = all.find((s) => s.period_start === from && s.period_end === to && !s.reopened_at);
    if (current) {
      const reason = h("input", { class: "input", id: "reopen-reason", type: "text", maxlength: "2000" });
      const form = h("form", { class: "inline-form", novalidate: true },
        field("reopen-reason", "Reason to reopen", reason),
        h("button", { class: "button button--secondary", type: "submit" }, "Reopen"));
      const status = h("div", {});
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!reason.value.trim()) {
          replaceChildren(status, alertBox("error", null, "Say why the month is reopened: it is recorded."));
          reason.focus();
          return;
        }
        try {
          await api.post(`${base}/time-sign-offs/${current.id}/reopen`, { reason: reason.value.trim() });
          announce("Month reopened.");
          load();
        } catch (error) {
          replaceChildren(status, alertBox("error", "The month was not reopened", error.message));
        }
      });
      return [alertBox("success", null, `${name}'s time for ${monthLabel(month)} is signed off: logged time in it is locked.`), form, status];
    }
    const status = h("div", {});
    const button = h("button", { class: "button", type: "button" }, "Sign off this month");
    button.addEventListener("click", async () => {
      try {
        await api.post(`${base}/time-sign-offs`, { practitioner_user_id: practitionerId, period_start: from, period_end: to });
        announce("Month signed off.");
        load();
      } catch (error) {
        replaceChildren(status, alertBox("error", "The month was not signed off", error.message));
      }
    });
    return [h("p", {}, `Confirm ${name}'s time for ${monthLabel(month)}. Logged time in a signed-off month is locked.`), status, h("div", { class: "actions" }, button)];
  });
  load();
  return part.element;
}

function practitionerDetail({ base, person, month, from, to, today }) {
  const name = displayName(person);
  const figures = section(`${name}: ${monthLabel(month)}`);
  const allocations = section("Allocations");
  const load = () => {
    fill(figures, async () => {
      const rows = await api.getAll(`${base}/reports/time?from=${from}&to=${to}&practitioner_user_id=${person.user_id}`);
      return rows.length ? timeTable(rows, { caption: `${name}'s ring-fenced time, ${monthLabel(month)}` }) : h("p", { class: "muted" }, "No time set aside yet.");
    });
    fill(allocations, async () => {
      const list = await api.getAll(`${base}/allocations?practitioner_user_id=${person.user_id}`);
      return listOrEmpty(list.map((a) => allocationItem(a, base, load)), "No allocations yet.");
    });
  };
  load();
  return [
    h("p", {}, h("a", { class: "list__link", href: link(month) }, "Back to the whole team")),
    figures.element,
    h("div", { class: "grid grid--two" },
      h("div", { class: "stack" }, allocations.element, signOffPart({ base, practitionerId: person.user_id, name, month, from, to, today })),
      h("div", { class: "stack" }, allocationForm({ base, practitionerId: person.user_id, month, onSaved: load })),
    ),
  ];
}

export async function render(main, { query }) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "supervisor", "lead")) {
    append(main, alertBox("info", null, "Team time is for supervisors and implementation leads."));
    return;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const zone = await organisationZone(membership.organisation_id);
  const month = /^\d{4}-\d{2}$/.test(query.get("month") || "") ? query.get("month") : todayIn(zone).slice(0, 7);
  const { from, to } = monthRange(month);
  const people = await teamMembers(membership, me);
  // Wide as the reports: on a desktop the table keeps its bars in view, not scrolled off.
  main.classList.add("page--wide");
  const widthBack = () => main.classList.remove("page--wide");
  const names = new Map(people.map((p) => [p.user_id, displayName(p)]));
  append(main, h("nav", { class: "month-nav", "aria-label": "Month" },
    h("a", { class: "button button--secondary button--small", href: link(shiftMonth(month, -1), query.get("practitioner")) }, "Previous month"),
    h("span", { class: "month-nav__label" }, monthLabel(month)),
    h("a", { class: "button button--secondary button--small", href: link(shiftMonth(month, 1), query.get("practitioner")) }, "Next month"),
  ));
  const chosen = people.find((p) => p.user_id === query.get("practitioner"));
  if (chosen) {
    append(main, practitionerDetail({ base, person: chosen, month, from, to, today: todayIn(zone) }));
    return widthBack;
  }
  const team = section(`Ring-fenced time, ${monthLabel(month)}`, {
    intro: "Allocated against used and booked time for each practitioner. Eroded: time the organisation cancelled, or too little used by the month's end.",
  });
  fill(team, async () => {
    const rows = await api.getAll(`${base}/reports/time?from=${from}&to=${to}`);
    const eroded = new Set(rows.filter((r) => r.eroded).map((r) => r.practitioner_user_id));
    const nameOf = (id) => names.get(id) || "Someone who left";
    return [
      eroded.size
        ? alertBox("warning", null, `Time is being eroded for ${[...eroded].map(nameOf).join(", ")}.`)
        : h("p", {}, "No time is being eroded."),
      rows.length
        ? timeTable(rows, { caption: `Team ring-fenced time, ${monthLabel(month)}`, nameOf, onPick: (id) => link(month, id) })
        : h("p", { class: "muted" }, "No time is set aside yet. Choose a practitioner below to set their allocations."),
      h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: `${API}${base}/reports/time?from=${from}&to=${to}&format=csv`, download: "" }, "Download CSV")),
    ];
  });
  const list = section("Practitioners");
  list.show(listOrEmpty(people.map((p) => h("li", { class: "list__item" }, h("a", { class: "list__title list__link", href: link(month, p.user_id) }, displayName(p)))), "Nobody is in your team yet."));
  append(main, team.element, list.element);
  return widthBack;
}
