// Fidelity: the monthly trend per programme, the figures per team, coach or practitioner
// (drift and certification as they stand now), and the criteria to aim training at.
import { api } from "../api.js";
import { h } from "../dom.js";
import { counted } from "../format.js";
import { hasRole } from "../me.js";
import { navigate } from "../router.js";
import { chart, dateText, keyFigures, percentText, rowsTable } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Fidelity";

const GROUPINGS = { supervisor: "Team", coach: "Coach", practitioner: "Practitioner", organisation: "Organisation" };

function monthName(month) {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
}

function groupingPicker(current, query, choices) {
  const select = h("select", { class: "input", id: "fidelity-by", name: "by" },
    choices.map((value) => h("option", { value, selected: value === current }, GROUPINGS[value])));
  const form = h("form", { class: "inline-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "fidelity-by" }, "Figures per"), select),
    h("button", { class: "button button--secondary", type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(query);
    params.set("by", select.value);
    navigate(`/reports?${params}`);
  });
  return form;
}

/** Per programme: one line of mean weighted percent over the months of the period. */
function trendChart(trend) {
  const months = [...new Set(trend.map((point) => point.month))].sort();
  const programmes = new Map();
  for (const point of trend) {
    if (!programmes.has(point.programme_id)) programmes.set(point.programme_id, { label: point.programme_name, byMonth: new Map() });
    programmes.get(point.programme_id).byMonth.set(point.month, point);
  }
  const lines = [...programmes.values()].map((programme) => ({
    label: `${programme.label}: mean %`,
    values: months.map((month) => programme.byMonth.get(month)?.mean_weighted_percent ?? null),
  }));
  const observed = trend.filter((point) => point.observations > 0);
  const latest = observed[observed.length - 1];
  const summary = observed.length
    ? `${counted(observed.reduce((total, point) => total + point.observations, 0), "observation")} over ${counted(months.length, "month")}; in ${monthName(latest.month)} the mean was ${percentText(latest.mean_weighted_percent)}, ${percentText(latest.meeting_fidelity_percent)} meeting the fidelity rule.`
    : "No observations were submitted in these months.";
  return chart({
    title: "Mean fidelity per month",
    summary,
    labels: months.map(monthName),
    xTitle: "Month",
    lines,
    yRange: [0, 100],
    // The table's figures as the sentence above gives them (87.5 %, not 88 %).
    format: percentText,
  });
}

export async function render({ organisationId, membership, filters, query }) {
  const choices = hasRole(membership, "lead")
    ? ["supervisor", "coach", "practitioner", "organisation"]
    : ["practitioner", "organisation"];
  const by = choices.includes(query.get("by")) ? query.get("by") : choices[0];
  const report = await api.get(reportPath(organisationId, "fidelity", filters, { by, limit: "500" }));
  const rows = report.rows;
  const observations = rows.reduce((total, row) => total + row.observations, 0);
  const drifting = rows.reduce((total, row) => total + row.drift_practitioners, 0);
  const due = rows.reduce((total, row) => total + row.recertification_due_practitioners, 0);
  const nameOf = (row) => (row.group_name ?? (by === "supervisor" ? "No supervisor" : "No coach"));
  const weakest = report.weakest_criteria;
  return [
    h("p", {}, `${dateText(report.first_day)} to ${dateText(report.last_day)}.`),
    by === "organisation" || by === "practitioner"
      ? keyFigures([
        { label: "Observations", value: String(observations) },
        { label: "Drifting practitioners", value: String(drifting) },
        { label: "Re-certification due", value: String(due) },
      ])
      : null,
    trendChart(report.trend),
    groupingPicker(by, query, choices),
    rows.length
      ? rowsTable(`Fidelity per ${GROUPINGS[by].toLowerCase()} and programme`, [
        [GROUPINGS[by], nameOf],
        ["Programme", (row) => row.programme_name],
        ["Observations", (row) => String(row.observations)],
        ["Mean", (row) => percentText(row.mean_weighted_percent)],
        ["Meeting the rule", (row) => percentText(row.meeting_fidelity_percent)],
        by === "practitioner"
          ? ["Now", (row) => [row.drift ? "Drifting" : null, row.certified ? "Certified" : null].filter(Boolean).join(", ") || "–"]
          : ["Drifting", (row) => `${row.drift_practitioners} of ${row.practitioners}`],
        ["Re-certification due", (row) => String(row.recertification_due_practitioners)],
      ], rows)
      : h("p", { class: "muted" }, "No observations were submitted in these days."),
    weakest.length
      ? rowsTable("Weakest criteria: where to aim training", [
        ["Criterion", (row) => `${row.criterion_code} ${row.criterion_title}`],
        ["Programme", (row) => row.programme_name],
        ["Mean level", (row) => percentText(row.mean_level_percent)],
        ["Below the minimum", (row) => percentText(row.below_minimum_percent)],
        ["Scores", (row) => String(row.scores)],
      ], weakest)
      : null,
    h("div", { class: "actions" },
      csvLink(organisationId, "fidelity", filters, { by }),
      csvLink(organisationId, "fidelity", filters, { by: "observation" }, "Download every observation (CSV)")),
  ];
}

/** A practitioner's own trend, for their home screen: the same report, about them. */
export async function fidelityTrend(organisationId, userId) {
  const filters = new URLSearchParams({ practitioner_user_id: userId });
  const report = await api.get(reportPath(organisationId, "fidelity", filters, { by: "practitioner" }));
  if (!report.trend.some((point) => point.observations > 0)) {
    return h("p", { class: "muted" }, "No scores in the last year yet. Your trend appears here once coaches score your recordings.");
  }
  return trendChart(report.trend);
}
