// Ring-fenced time on the dashboard: allocated against used for each team (leads) or each
// practitioner (supervisors and coaches), as bars, with the table of figures and the CSV.
import { api } from "../api.js";
import { alertBox, h, tableCaption } from "../dom.js";
import { hasRole } from "../me.js";
import { CATEGORY_LABELS } from "../sessions/time-table.js";
import { formatMinutes } from "../zoned.js";
import { chart } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Ring-fenced time";

function hours(minutes) {
  return Math.round((minutes / 60) * 10) / 10;
}

function byName(rows, nameOf) {
  const groups = new Map();
  for (const row of rows) {
    const key = nameOf(row);
    const sums = groups.get(key) || { allocated: 0, used: 0, booked: 0, eroded: 0 };
    sums.allocated += row.allocated_minutes;
    sums.used += row.used_minutes;
    sums.booked += row.scheduled_minutes;
    sums.eroded += row.eroded_practitioners ?? (row.eroded ? 1 : 0);
    groups.set(key, sums);
  }
  return groups;
}

export async function render({ organisationId, membership, filters }) {
  const by = hasRole(membership, "lead") && !filters.get("supervisor_user_id") ? "supervisor" : "practitioner";
  const rows = await api.getAll(reportPath(organisationId, "time", filters, { by }));
  if (!rows.length) return [h("p", { class: "muted" }, "No ring-fenced time is set aside for these days yet."), csvLink(organisationId, "time", filters, { by })];
  const nameOf = by === "supervisor" ? (row) => row.group_name || "No supervisor" : (row) => row.practitioner_name;
  const groups = byName(rows, nameOf);
  const labels = [...groups.keys()];
  const sums = [...groups.values()];
  const eroded = sums.reduce((total, s) => total + s.eroded, 0);
  const allocated = sums.reduce((total, s) => total + s.allocated, 0);
  const used = sums.reduce((total, s) => total + s.used, 0);
  const who = by === "supervisor" ? "team" : "practitioner";
  const summary = `${formatMinutes(used)} used of ${formatMinutes(allocated)} allocated in all${eroded ? `; time is eroded in ${eroded} ${eroded === 1 ? "case" : "cases"}` : ""}.`;
  return [
    eroded ? alertBox("warning", null, `Ring-fenced time is being eroded: ${eroded} ${who === "team" ? "practitioner-categories across the teams" : "categories"}.`) : null,
    chart({
      title: `Hours allocated and used, by ${who}`,
      summary,
      labels,
      xTitle: who === "team" ? "Team" : "Practitioner",
      kind: "bars",
      lines: [
        { label: "Allocated (hours)", values: sums.map((s) => hours(s.allocated)) },
        { label: "Used (hours)", values: sums.map((s) => hours(s.used)) },
        { label: "Booked (hours)", values: sums.map((s) => hours(s.booked)) },
      ],
      yRange: [0, null],
      format: (value) => `${value} h`,
    }),
    categoryTable(rows, nameOf, who),
    h("div", { class: "actions" }, csvLink(organisationId, "time", filters, { by })),
  ];
}

function categoryTable(rows, nameOf, who) {
  const caption = `Ring-fenced time by ${who} and category`;
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {}, ["Team or practitioner", "Category", "Allocated", "Used", "Booked", "Used of allocation"].map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, rows.map((row) => h("tr", {},
        h("th", { scope: "row" }, nameOf(row)),
        h("td", {}, CATEGORY_LABELS[row.category] || row.category),
        h("td", {}, formatMinutes(row.allocated_minutes)),
        h("td", {}, formatMinutes(row.used_minutes)),
        h("td", {}, formatMinutes(row.scheduled_minutes)),
        h("td", {}, row.utilisation_percent === null ? "–" : `${Math.round(row.utilisation_percent)} %`),
      ))),
    ),
  );
}
