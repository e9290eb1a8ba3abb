// Agreement between raters over time: exact agreement per month for all raters and for
// each rater (with each other and with gold standards), to see a rater drifting from the
// others before their scores mislead, and who is below the programme's threshold.
import { api } from "../api.js";
import { h } from "../dom.js";
import { chart, percentText, rowsTable } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Agreement";

function monthName(month) {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
}

function rubricChart(title, rows) {
  const months = [...new Set(rows.map((row) => row.month))].sort();
  const series = new Map();
  for (const row of rows) {
    const key = row.rater_name ?? "All raters";
    if (!series.has(key)) series.set(key, new Map());
    series.get(key).set(row.month, row.exact_agreement_percent);
  }
  const all = series.get("All raters") || new Map();
  const latest = months[months.length - 1];
  const drifting = rows.filter((row) => row.drifting && row.rater_name).map((row) => `${row.rater_name} (${monthName(row.month)})`);
  const recalibrate = [...new Set(rows.filter((row) => row.needs_recalibration).map((row) => row.rater_name))];
  return chart({
    title: `${title}: exact agreement per month`,
    summary: `All raters agreed exactly on ${percentText(all.get(latest))} of score pairs in ${monthName(latest)}.${drifting.length ? ` Drifting: ${drifting.join(", ")}.` : " No rater is drifting."}${recalibrate.length ? ` Below the programme's threshold, to recalibrate: ${recalibrate.join(", ")}.` : ""}`,
    labels: months.map(monthName),
    xTitle: "Month",
    lines: [...series.entries()].map(([name, byMonth]) => ({ label: name, values: months.map((month) => byMonth.get(month) ?? null) })),
    yRange: [0, 100],
    format: (value) => `${Math.round(value)} %`,
  });
}

export async function render({ organisationId, filters }) {
  const report = await api.get(reportPath(organisationId, "agreement", filters));
  if (!report.rows.length) {
    return [h("p", { class: "muted" }, "No recording was scored by two raters in these days. Agreement shows once a programme double-codes recordings."), csvLink(organisationId, "agreement", filters)];
  }
  const rubrics = new Map();
  for (const row of report.rows) {
    if (!rubrics.has(row.rubric_id)) rubrics.set(row.rubric_id, { title: row.rubric_title, rows: [] });
    rubrics.get(row.rubric_id).rows.push(row);
  }
  return [
    ...[...rubrics.values()].map((rubric) => rubricChart(rubric.title, rubric.rows)),
    rowsTable("Agreement per rubric, month and rater", [
      ["Rater", (row) => row.rater_name ?? "All raters"],
      ["Rubric", (row) => row.rubric_title],
      ["Month", (row) => monthName(row.month)],
      ["Score pairs", (row) => String(row.score_pairs)],
      ["Exact", (row) => percentText(row.exact_agreement_percent)],
      ["Within one level", (row) => percentText(row.adjacent_agreement_percent)],
      ["Bias (levels)", (row) => (row.mean_signed_difference === null ? "–" : String(row.mean_signed_difference))],
      ["With gold", (row) => (row.gold_pairs ? percentText(row.gold_exact_agreement_percent) : "–")],
      ["Drifting", (row) => (row.drifting ? "Yes" : "No")],
      ["Recalibrate", (row) => (row.needs_recalibration ? "Yes" : "No")],
    ], report.rows),
    h("div", { class: "actions" }, csvLink(organisationId, "agreement", filters)),
  ];
}
