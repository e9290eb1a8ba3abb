// Ring-fenced time as a table whose rows carry their own bars: the figures are the text,
// the bar shows used (solid) and booked (hatched) time against the allocation.
import { h, tableCaption } from "../dom.js";
import { formatMinutes } from "../zoned.js";

export const CATEGORY_LABELS = { supervision: "Supervision", coaching: "Coaching", planning: "Planning", training: "Training" };

function sized(className, property, value) {
  // Through the CSSOM: the Content-Security-Policy allows no style attributes.
  const element = h("span", { class: className });
  element.style[property] = value;
  return element;
}

function bar(row) {
  const whole = Math.max(row.allocated_minutes, row.used_minutes + row.scheduled_minutes, 1);
  const share = (minutes) => `${Math.min(100, (minutes / whole) * 100).toFixed(1)}%`;
  return h("div", { class: "time-bar", "aria-hidden": "true" },
    sized("time-bar__used", "width", share(row.used_minutes)),
    sized("time-bar__booked", "width", share(row.scheduled_minutes)),
    row.allocated_minutes ? sized("time-bar__allocation", "left", share(row.allocated_minutes)) : null,
  );
}

function utilisation(row) {
  return row.utilisation_percent === null || row.utilisation_percent === undefined ? "–" : `${Math.round(row.utilisation_percent)} %`;
}

/** Rows of the time report (one practitioner, or several with `nameOf`). */
export function timeTable(rows, { caption, nameOf = null, onPick = null }) {
  // The wrapper scrolls on a narrow screen: keyboard users reach it, and hear what it is.
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table time-table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {},
        nameOf ? h("th", { scope: "col" }, "Practitioner") : null,
        h("th", { scope: "col" }, "Category"),
        h("th", { scope: "col" }, "Allocated"),
        h("th", { scope: "col" }, "Used"),
        h("th", { scope: "col" }, "Booked"),
        h("th", { scope: "col" }, "Remaining"),
        h("th", { scope: "col" }, "Used of allocation"),
      )),
      h("tbody", {}, rows.map((row) => h("tr", { class: row.eroded ? "time-table__eroded" : null },
        nameOf
          ? h("th", { scope: "row" }, onPick
            ? h("a", { class: "list__link", href: onPick(row.practitioner_user_id) }, nameOf(row.practitioner_user_id))
            : nameOf(row.practitioner_user_id))
          : null,
        h(nameOf ? "td" : "th", nameOf ? {} : { scope: "row" }, CATEGORY_LABELS[row.category] || row.category,
          // The space keeps "Coaching Eroded" two words for screen readers and copied text.
          row.eroded ? [" ", h("span", { class: "tag tag--eroded" }, "Eroded")] : null),
        h("td", {}, formatMinutes(row.allocated_minutes)),
        h("td", {}, formatMinutes(row.used_minutes)),
        h("td", {}, formatMinutes(row.scheduled_minutes)),
        h("td", {}, formatMinutes(row.remaining_minutes)),
        h("td", { class: "time-table__bar" }, utilisation(row), bar(row)),
      ))),
    ),
  );
}

/** "2026-12" to its first and last dates. */
export function monthRange(month) {
  const [year, number] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

export function monthLabel(month) {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 15)).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}

export function shiftMonth(month, by) {
  const [year, number] = month.split("-").map(Number);
  const date = new Date(Date.UTC(year, number - 1 + by, 1));
  return date.toISOString().slice(0, 7);
}
