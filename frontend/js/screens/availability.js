// My availability: a coach's weekly windows for self-booking, how slots are cut and
// limited, and the days that differ (away, or extra hours). Times on the organisation's clock.
import { api } from "../api.js";
import { alertBox, announce, append, h, replaceChildren, uniqueId } from "../dom.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMe, currentMembership, hasRole } from "../me.js";
import { dayLabel } from "../zoned.js";

export const title = "My availability";
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function field(id, label, control) {
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), control);
}

function windowRow(window, onRemove) {
  const id = uniqueId("window");
  const row = h("li", { class: "list__item window-row" },
    field(`${id}-day`, "Day", h("select", { class: "input", id: `${id}-day`, name: "weekday" },
      WEEKDAYS.map((name, index) => h("option", { value: String(index), selected: index === window.weekday }, name)))),
    field(`${id}-start`, "From", h("input", { class: "input", id: `${id}-start`, name: "start", type: "time", value: window.start_time })),
    field(`${id}-end`, "To", h("input", { class: "input", id: `${id}-end`, name: "end", type: "time", value: window.end_time })),
  );
  row.append(h("button", { class: "button button--small button--secondary", type: "button", on: { click: () => onRemove(row) } }, "Remove"));
  return row;
}

function numberField(id, label, value, { min, max, optional = false }) {
  return field(id, label, h("input", { class: "input", id, name: id, type: "number", min: String(min), max: String(max), value: value ?? "", inputmode: "numeric", placeholder: optional ? "No limit" : null }));
}

function weeklyForm(path, availability) {
  const status = h("div", {});
  const rows = h("ul", { class: "list" });
  const none = h("p", { class: "muted" }, "No windows yet: the practitioners you coach cannot book you until you add one.");
  const showNone = () => {
    none.hidden = rows.children.length > 0;
  };
  const remove = (row) => {
    row.remove();
    showNone();
    announce("Window removed; save to keep the change.");
  };
  for (const window of availability.windows) rows.append(windowRow(window, remove));
  showNone();
  const add = h("button", { class: "button button--secondary", type: "button" }, "Add a window");
  add.addEventListener("click", () => {
    const row = windowRow({ weekday: 0, start_time: "09:00", end_time: "12:00" }, remove);
    rows.append(row);
    showNone();
    row.querySelector("select").focus();
  });
  const rules = availability.rules;
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "weekly-windows" },
    h("h2", { id: "weekly-windows" }, "Every week"),
    h("p", { class: "muted" }, `Practitioners you coach can book free times inside these windows. Times are in ${availability.time_zone}.`),
    rows, none, h("div", { class: "actions" }, add),
    h("h3", {}, "Sessions"),
    h("div", { class: "inline-form" },
      numberField("slot_minutes", "Session length (minutes)", rules.slot_minutes, { min: 10, max: 480 }),
      numberField("buffer_minutes", "Break between sessions (minutes)", rules.buffer_minutes, { min: 0, max: 240 }),
    ),
    h("div", { class: "inline-form" },
      numberField("max_per_day", "Most in a day", rules.max_per_day, { min: 1, max: 24, optional: true }),
      numberField("max_per_week", "Most in a week", rules.max_per_week, { min: 1, max: 100, optional: true }),
      numberField("min_notice_hours", "Notice needed (hours)", rules.min_notice_hours, { min: 0, max: 720 }),
    ),
    status,
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Save availability")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const windows = [...rows.children].map((row) => ({
      weekday: Number(row.querySelector("[name=weekday]").value),
      start_time: row.querySelector("[name=start]").value,
      end_time: row.querySelector("[name=end]").value,
    }));
    const bad = windows.findIndex((w) => !w.start_time || !w.end_time || w.end_time <= w.start_time);
    if (bad >= 0) {
      const row = rows.children[bad];
      row.querySelector("[name=end]").setAttribute("aria-invalid", "true");
      replaceChildren(status, alertBox("error", null, `Window ${bad + 1} must end after it starts.`));
      row.querySelector("[name=end]").focus();
      return;
    }
    const number = (name) => (form.elements[name].value === "" ? null : Number(form.elements[name].value));
    try {
      await api.put(path, {
        windows,
        rules: {
          slot_minutes: number("slot_minutes"),
          buffer_minutes: number("buffer_minutes"),
          max_per_day: number("max_per_day"),
          max_per_week: number("max_per_week"),
          min_notice_hours: number("min_notice_hours"),
        },
      });
      for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
      replaceChildren(status, alertBox("success", null, "Availability saved."));
      announce("Availability saved.");
    } catch (error) {
      replaceChildren(status, alertBox("error", "Availability was not saved", error.message));
      status.querySelector(".alert")?.focus();
    }
  });
  return form;
}

function exceptionText(exception) {
  const hours = exception.start_time ? `${exception.start_time}–${exception.end_time}` : "all day";
  const what = exception.available ? `Extra hours ${hours}` : `Away ${hours}`;
  return [what, exception.note].filter(Boolean).join(" · ");
}

function exceptionsPart(path) {
  const part = section("Days that differ");
  const load = () => fill(part, async () => {
    const list = await api.getAll(`${path}/exceptions`);
    return listOrEmpty(list.map((exception) => {
      const remove = h("button", { class: "button button--small button--secondary", type: "button" }, "Remove");
      remove.addEventListener("click", async () => {
        try {
          await api.delete(`${path}/exceptions/${exception.id}`);
          announce("Day removed.");
          load();
        } catch (error) {
          remove.replaceWith(alertBox("error", null, error.message));
        }
      });
      return h("li", { class: "list__item" }, h("div", {}, h("span", { class: "list__title" }, dayLabel(exception.on_date)), h("span", { class: "list__meta" }, exceptionText(exception))), remove);
    }), "None: every week is the same.");
  });
  const status = h("div", {});
  const kind = h("select", { class: "input", id: "exception-kind" },
    h("option", { value: "away" }, "Away all day"), h("option", { value: "away-hours" }, "Away some hours"), h("option", { value: "extra" }, "Extra hours"));
  const hours = h("div", { class: "inline-form", hidden: true },
    field("exception-start", "From", h("input", { class: "input", id: "exception-start", type: "time", value: "09:00" })),
    field("exception-end", "To", h("input", { class: "input", id: "exception-end", type: "time", value: "12:00" })));
  kind.addEventListener("change", () => {
    hours.hidden = kind.value === "away";
  });
  const form = h("form", { novalidate: true, "aria-labelledby": "new-exception" },
    h("h3", { id: "new-exception" }, "Add a day"),
    field("exception-date", "Date", h("input", { class: "input", id: "exception-date", type: "date" })),
    field("exception-kind", "What changes", kind),
    hours,
    field("exception-note", "Note (optional)", h("input", { class: "input", id: "exception-note", type: "text", maxlength: "300" })),
    status,
    h("div", { class: "actions" }, h("button", { class: "button button--secondary", type: "submit" }, "Add day")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const date = form.querySelector("#exception-date");
    if (!date.value) {
      date.setAttribute("aria-invalid", "true");
      replaceChildren(status, alertBox("error", null, "Choose the date."));
      date.focus();
      return;
    }
    date.removeAttribute("aria-invalid");
    const body = { on_date: date.value, available: kind.value === "extra", note: form.querySelector("#exception-note").value.trim() };
    if (kind.value !== "away") {
      body.start_time = form.querySelector("#exception-start").value;
      body.end_time = form.querySelector("#exception-end").value;
    }
    try {
      await api.post(`${path}/exceptions`, body);
      form.reset();
      hours.hidden = true;
      replaceChildren(status, alertBox("success", null, "Day added."));
      announce("Day added.");
      load();
    } catch (error) {
      replaceChildren(status, alertBox("error", "The day was not added", error.message));
    }
  });
  load();
  part.element.append(form);
  return part.element;
}

export async function render(main) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "coach")) {
    append(main, alertBox("info", null, "Availability is for coaches: practitioners book coaching in the free times they publish."));
    return;
  }
  const path = `/organisations/${membership.organisation_id}/coaches/${me.id}/availability`;
  const weekly = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  append(main, h("div", { class: "grid grid--two" }, weekly, exceptionsPart(path)));
  try {
    replaceChildren(weekly, weeklyForm(path, await api.get(path)));
  } catch (error) {
    replaceChildren(weekly, alertBox("error", "Availability could not be loaded", error.message));
  }
  weekly.removeAttribute("aria-busy");
}
