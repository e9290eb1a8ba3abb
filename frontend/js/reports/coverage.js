// Coverage: who has gone without a rated recording or a coaching session lately, and how
// many reach the programme's target of rated recordings in the period.
import { api } from "../api.js";
import { h } from "../dom.js";
import { counted, formatDate } from "../format.js";
import { chart, dateText, keyFigures, percentText, rowsTable } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Coverage";

function number(value, fallback) {
  const parsed = Number.parseInt(value || "", 10);
  return Number.isInteger(parsed) && parsed > 0 ? String(parsed) : fallback;
}

const yesNo = (flag) => (flag ? "Yes" : "No");

export async function render({ organisationId, filters, query }) {
  const extra = { weeks: number(query.get("weeks"), "8"), target: number(query.get("target"), "1") };
  const report = await api.get(reportPath(organisationId, "coverage", filters, { ...extra, limit: "500" }));
  const { summary } = report;
  const people = summary.practitioners;
  const covered = (count) => people - count;
  return [
    h("p", {}, `${dateText(report.first_day)} to ${dateText(report.last_day)}. "Lately" means the ${report.weeks} weeks from ${dateText(report.weeks_first_day)}; the target is ${report.target} rated ${report.target === 1 ? "recording" : "recordings"} in the period.`),
    keyFigures([
      { label: "Practitioners", value: String(people) },
      { label: "No rated recording lately", value: String(summary.without_rating) },
      { label: "No coaching lately", value: String(summary.without_coaching) },
      { label: "Meeting the target", value: percentText(summary.meeting_target_percent) },
    ]),
    chart({
      title: "Practitioners reached",
      summary: `Of ${counted(people, "practitioner")}, ${covered(summary.without_rating)} had a rated recording and ${covered(summary.without_coaching)} a coaching session in the last ${report.weeks} weeks; ${summary.meeting_target} met the target.`,
      labels: ["Rated", "Coached", "On target"],
      xTitle: "Measure",
      kind: "bars",
      lines: [
        { label: "Practitioners", values: [covered(summary.without_rating), covered(summary.without_coaching), summary.meeting_target] },
        { label: "Not yet", values: [summary.without_rating, summary.without_coaching, people - summary.meeting_target] },
      ],
      yRange: [0, Math.max(people, 1)],
      format: (value) => String(Math.round(value)),
      counts: true,
    }),
    rowsTable("Practitioners, by name", [
      ["Practitioner", (row) => row.practitioner_name + (row.is_champion ? " (champion)" : "")],
      ["Rated recordings", (row) => String(row.rated_recordings)],
      ["Coaching sessions", (row) => String(row.coaching_sessions)],
      ["Last rated", (row) => (row.last_rated_at ? formatDate(row.last_rated_at) : "Never")],
      ["Last coached", (row) => (row.last_coaching_at ? formatDate(row.last_coaching_at) : "Never")],
      ["Meets target", (row) => yesNo(row.meets_target)],
      ["Champion activity", (row) => (row.is_champion ? `${counted(row.recordings_uploaded, "upload")}, ${counted(row.comments_written, "comment")}, ${counted(row.reflections_shared, "reflection")}` : "–")],
    ], report.rows),
    report.rows.length < people ? h("p", { class: "muted" }, `The first ${report.rows.length} of ${people}; the CSV has everyone.`) : null,
    h("div", { class: "actions" }, csvLink(organisationId, "coverage", filters, extra)),
  ];
}
