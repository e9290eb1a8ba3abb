// Equity of targeting: support (sessions, coaching, observations) per practitioner in each
// part of the workforce, by an attribute the organisation defines or by team, so unequal
// groups compare fairly. Nothing about families.
import { api } from "../api.js";
import { h } from "../dom.js";
import { navigate } from "../router.js";
import { chart, percentText, rowsTable } from "./chart.js";
import { csvLink, reportPath } from "./filters.js";

export const label = "Equity";

function attributePicker(names, current, query) {
  const select = h("select", { class: "input", id: "equity-attribute", name: "attribute" },
    h("option", { value: "team", selected: current === "team" }, "Team (supervisor)"),
    names.map((name) => h("option", { value: name, selected: current === name }, name.replace(/_/g, " "))));
  const form = h("form", { class: "inline-form", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "equity-attribute" }, "Compare by"), select),
    h("button", { class: "button button--secondary", type: "submit" }, "Compare"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(query);
    params.set("attribute", select.value);
    navigate(`/reports?${params}`);
  });
  return form;
}

const rate = (value) => (value === null || value === undefined ? "–" : String(value));

export async function render({ organisationId, filters, query }) {
  const attribute = query.get("attribute") || "team";
  const [report, inUse] = await Promise.all([
    api.get(reportPath(organisationId, "equity", filters, { attribute })),
    api.getAll(`/organisations/${organisationId}/member-attributes`),
  ]);
  const labels = report.rows.map((row) => row.value ?? "Not set");
  const least = [...report.rows].filter((row) => row.coached_percent !== null).sort((a, b) => a.coached_percent - b.coached_percent)[0];
  return [
    attributePicker(inUse.map((a) => a.name), attribute, query),
    report.rows.length
      ? chart({
        title: "Practitioners reached, per group",
        summary: least
          ? `Coaching reached ${percentText(report.overall.coached_percent)} of practitioners overall; least in ${least.value ?? "Not set"} (${percentText(least.coached_percent)}).`
          : "No practitioners in these groups yet.",
        labels,
        xTitle: "Group",
        kind: "bars",
        lines: [
          { label: "Coached (%)", values: report.rows.map((row) => row.coached_percent) },
          { label: "With a rated recording (%)", values: report.rows.map((row) => row.rated_percent) },
        ],
        yRange: [0, 100],
        format: (value) => `${Math.round(value)} %`,
      })
      : h("p", { class: "muted" }, "No practitioners to compare yet."),
    rowsTable("Support per group", [
      ["Group", (row) => row.value ?? "Not set"],
      ["Practitioners", (row) => String(row.practitioners)],
      ["Sessions each", (row) => rate(row.bookings_per_practitioner)],
      ["Coaching sessions each", (row) => rate(row.coaching_sessions_per_practitioner)],
      ["Observations each", (row) => rate(row.observations_per_practitioner)],
      ["Coached", (row) => percentText(row.coached_percent)],
      ["Rated", (row) => percentText(row.rated_percent)],
    ], report.rows),
    h("div", { class: "actions" }, csvLink(organisationId, "equity", filters, { attribute })),
  ];
}
