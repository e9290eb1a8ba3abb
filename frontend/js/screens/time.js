// My time: a practitioner's ring-fenced time this month against their allocation, and
// time they log outside sessions (planning, self-study).
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren } from "../dom.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMe, currentMembership, hasRole } from "../me.js";
import { organisationZone } from "../sessions/organisation.js";
import { CATEGORY_LABELS, monthLabel, monthRange, shiftMonth, timeTable } from "../sessions/time-table.js";
import { dayLabel, formatMinutes, todayIn } from "../zoned.js";

export const title = "My time";

function field(id, label, control) {
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), control);
}

function monthNav(month) {
  return h("nav", { class: "month-nav", "aria-label": "Month" },
    h("a", { class: "button button--secondary button--small", href: `#/time?month=${shiftMonth(month, -1)}` }, "Previous month"),
    h("span", { class: "month-nav__label" }, monthLabel(month)),
    h("a", { class: "button button--secondary button--small", href: `#/time?month=${shiftMonth(month, 1)}` }, "Next month"),
  );
}

function logForm({ base, me, today, onLogged }) {
  const status = h("div", {});
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "log-time" },
    h("h2", { id: "log-time" }, "Log time"),
    h("p", { class: "muted" }, "Time outside booked sessions: planning, reading, self-study."),
    field("entry-category", "Category", h("select", { class: "input", id: "entry-category", name: "category" },
      ["planning", "training", "coaching", "supervision"].map((c) => h("option", { value: c }, CATEGORY_LABELS[c])))),
    field("entry-date", "Date", h("input", { class: "input", id: "entry-date", name: "date", type: "date", max: today, value: today })),
    field("entry-minutes", "Minutes", h("input", { class: "input", id: "entry-minutes", name: "minutes", type: "number", min: "1", max: "1440", step: "5", value: "60", inputmode: "numeric" })),
    field("entry-note", "Note (optional)", h("input", { class: "input", id: "entry-note", name: "note", type: "text", maxlength: "500" })),
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Log time")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const minutes = Number(form.elements.minutes.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      form.elements.minutes.setAttribute("aria-invalid", "true");
      replaceChildren(status, alertBox("error", null, "Minutes must be a whole number from 1 to 1440."));
      form.elements.minutes.focus();
      return;
    }
    form.elements.minutes.removeAttribute("aria-invalid");
    try {
      await api.post(`${base}/time-entries`, {
        practitioner_user_id: me.id,
        category: form.elements.category.value,
        on_date: form.elements.date.value,
        minutes,
        note: form.elements.note.value.trim(),
      });
      replaceChildren(status, alertBox("success", null, `Logged ${formatMinutes(minutes)}.`));
      announce("Time logged.");
      onLogged();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The time was not logged", error.message));
    }
  });
  return form;
}

function entryItem(entry, base, reload) {
  const remove = h("button", { class: "button button--small button--secondary", type: "button" }, "Remove");
  remove.addEventListener("click", async () => {
    try {
      await api.delete(`${base}/time-entries/${entry.id}`);
      announce("Entry removed.");
      reload();
    } catch (error) {
      remove.replaceWith(alertBox("error", null, error.message));
    }
  });
  return h("li", { class: "list__item" },
    h("div", {},
      h("span", { class: "list__title" }, `${CATEGORY_LABELS[entry.category] || entry.category}: ${formatMinutes(entry.minutes)}`),
      h("span", { class: "list__meta" }, [dayLabel(entry.on_date), entry.note].filter(Boolean).join(" · ")),
    ),
    remove,
  );
}

export async function render(main, { query }) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "practitioner")) {
    append(main, alertBox("info", null, "Ring-fenced time is kept for practitioners."));
    return;
  }
  const base = `/organisations/${membership.organisation_id}`;
  const zone = await organisationZone(membership.organisation_id);
  const today = todayIn(zone);
  const month = /^\d{4}-\d{2}$/.test(query.get("month") || "") ? query.get("month") : today.slice(0, 7);
  const { from, to } = monthRange(month);
  const figures = section(`Time in ${monthLabel(month)}`, {
    intro: "Time set aside for you, the time used in sessions and logged, and what is booked.",
  });
  const entries = section("Time you logged");
  const load = () => {
    fill(figures, async () => {
      const rows = await api.getAll(`${base}/reports/time?from=${from}&to=${to}&practitioner_user_id=${me.id}`);
      return rows.length
        ? timeTable(rows, { caption: `Your ring-fenced time, ${monthLabel(month)}` })
        : h("p", { class: "muted" }, "No time is set aside for you this month yet. Your supervisor sets it.");
    });
    fill(entries, async () => {
      const logged = await api.getAll(`${base}/time-entries?practitioner_user_id=${me.id}&from=${from}&to=${to}`);
      return listOrEmpty(logged.map((entry) => entryItem(entry, base, load)), "Nothing logged this month.");
    });
  };
  load();
  append(main, monthNav(month), figures.element,
    h("div", { class: "grid grid--two" },
      h("div", { class: "stack" }, entries.element),
      h("div", { class: "stack" }, logForm({ base, me, today, onLogged: load })),
    ),
  );
}
