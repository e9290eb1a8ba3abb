// Turnaround: how long practitioners wait, from upload to a first comment and to a
// submitted observation, per reviewer, and what is still waiting.
import { api } from "../api.js";
import { h } from "../dom.js";
import { chart, dateText, keyFigures, rowsTable } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Turnaround";

const hoursText = (value) => (value === null || value === undefined ? "–" : `${value} h`);

export async function render({ organisationId, filters }) {
  const report = await api.get(reportPath(organisationId, "turnaround", filters));
  const [everyone, ...reviewers] = report.rows;
  const figures = everyone
    ? keyFigures([
      { label: "Recordings uploaded", value: String(everyone.recordings_uploaded) },
      { label: "Median to first comment", value: hoursText(everyone.first_comment_median_hours) },
      { label: "Median to scores", value: hoursText(everyone.observation_median_hours) },
      { label: "Waiting over 7 days for scores", value: String(everyone.waiting_for_observation_over_7_days) },
    ])
    : null;
  return [
    h("p", {}, `Recordings uploaded ${dateText(report.first_day)} to ${dateText(report.last_day)}. Median and 90th percentile hours, by the nearest-rank method.`),
    figures,
    reviewers.length
      ? chart({
        title: "Median hours to answer, per reviewer",
        summary: `${reviewers.length} ${reviewers.length === 1 ? "reviewer" : "reviewers"}; everyone's median to a first comment is ${hoursText(everyone.first_comment_median_hours)} and to scores ${hoursText(everyone.observation_median_hours)}.`,
        labels: reviewers.map((row) => row.coach_name),
        xTitle: "Reviewer",
        kind: "bars",
        lines: [
          { label: "To first comment (median h)", values: reviewers.map((row) => row.first_comment_median_hours) },
          { label: "To scores (median h)", values: reviewers.map((row) => row.observation_median_hours) },
        ],
        yRange: [0, null],
        format: (value) => `${Math.round(value)} h`,
      })
      : h("p", { class: "muted" }, "Nobody has answered a recording in these days yet."),
    rowsTable("Turnaround per reviewer", [
      ["Reviewer", (row) => row.coach_name ?? "Everyone"],
      ["Uploaded", (row) => String(row.recordings_uploaded)],
      ["Commented", (row) => String(row.recordings_commented)],
      ["First comment: median", (row) => hoursText(row.first_comment_median_hours)],
      ["90th percentile", (row) => hoursText(row.first_comment_p90_hours)],
      ["Scored", (row) => String(row.recordings_observed)],
      ["Scores: median", (row) => hoursText(row.observation_median_hours)],
      ["90th percentile", (row) => hoursText(row.observation_p90_hours)],
      ["Waiting for scores", (row) => `${row.waiting_for_observation} (${row.waiting_for_observation_over_7_days} over 7 days)`],
    ], report.rows),
    h("div", { class: "actions" }, csvLink(organisationId, "turnaround", filters)),
  ];
}
