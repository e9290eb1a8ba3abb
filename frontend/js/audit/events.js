// The audit trail's events: a table on a wide screen, each row a card on a phone (the
// labels each cell carries show only there, where the column headings are hidden, and
// are read out there, where a card is no longer a table to assistive technology).
import { h, tableCaption } from "../dom.js";
import { dayLabel, localDate, localTime } from "../zoned.js";

/** "membership.updated" as "Membership updated". */
export function actionWords(action) {
  const words = action.replace(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function who(event) {
  if (event.actor_name || event.actor_email) return event.actor_name || event.actor_email;
  return event.actor_user_id ? "Someone no longer with Tandem" : "Tandem itself";
}

function when(event, zone) {
  const day = localDate(event.created_at, zone);
  return h("time", { datetime: event.created_at }, `${dayLabel(day)} ${day.slice(0, 4)}, ${localTime(event.created_at, zone)}`);
}

function target(event) {
  const kind = event.resource_type.replace(/_/g, " ");
  return event.resource_id ? [kind, " ", h("code", { class: "audit__id" }, event.resource_id)] : kind;
}

/** A detail's value in words: lists joined, yes or no, and anything deeper as written. */
function detailValue(value) {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length ? value.map(detailValue).join(", ") : "none";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** {"roles_after": ["coach"]} as "Roles after: coach", one line each (the CSV keeps the JSON). */
function details(event) {
  const entries = Object.entries(event.details);
  if (!entries.length) return h("span", { class: "muted" }, "None");
  return h("ul", { class: "audit__details" }, entries.map(([key, value]) =>
    h("li", {}, `${actionWords(key)}: `, h("span", { class: "audit__value" }, detailValue(value)))));
}

function cell(label, ...content) {
  return h("td", {}, h("span", { class: "audit__label" }, label), content);
}

export function eventRow(event, zone) {
  return h("tr", { class: "audit__event" },
    cell("When", when(event, zone)),
    cell("Who", who(event), event.actor_email && event.actor_name ? h("span", { class: "list__meta" }, event.actor_email) : null),
    cell("What", actionWords(event.action)),
    cell("Target", target(event)),
    cell("Details", details(event)));
}

export function eventTable(caption, rows) {
  return h("div", { class: "table-wrap audit-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table audit-table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {}, ["When", "Who", "What", "Target", "Details"].map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows)));
}
