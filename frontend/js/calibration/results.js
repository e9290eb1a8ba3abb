// A closed exercise's results: the headline agreement, each criterion with every rater's
// level beside the gold one, each rater against gold (as a chart and a table), the rater
// pairs, and every statistic with what it means. A rater reading sees their own levels.
import { h } from "../dom.js";
import { chart, keyFigures, rowsTable } from "../reports/chart.js";

const STATISTICS = [
  ["exact_agreement", "Exact agreement", "Share of rater pairs on the same level."],
  ["adjacent_agreement", "Adjacent agreement", "Share of rater pairs at most one level apart."],
  ["fleiss_kappa", "Fleiss' kappa", "Agreement on the level beyond chance, all raters at once (criteria everyone scored)."],
  ["krippendorff_alpha_ordinal", "Krippendorff's alpha (ordinal)", "Agreement beyond chance, levels as ordered categories; N/A is missing."],
  ["krippendorff_alpha_interval", "Krippendorff's alpha (interval)", "As above, levels as evenly spaced numbers."],
  ["krippendorff_alpha_nominal", "Krippendorff's alpha (nominal)", "As above, levels as unordered categories."],
  ["krippendorff_alpha_ratio", "Krippendorff's alpha (ratio)", "As above, levels measured from zero."],
  ["icc_2_1", "ICC(2,1)", "Absolute agreement of one rater, raters a random sample."],
  ["icc_3_1", "ICC(3,1)", "Consistency of one rater, these raters only."],
  ["icc_1_1", "ICC(1,1)", "One rater, each criterion by different raters."],
  ["icc_2_k", "ICC(2,k)", "Absolute agreement of the raters' mean."],
  ["icc_3_k", "ICC(3,k)", "Consistency of the raters' mean."],
  ["icc_1_k", "ICC(1,k)", "The raters' mean, one-way model."],
];

function number(value, places = 2) {
  return value === null || value === undefined ? "–" : value.toFixed(places);
}

function statisticText(statistic, share = false) {
  if (statistic.value === null) return `Not computable: ${statistic.reason}`;
  return share ? `${Math.round(statistic.value * 1000) / 10} %` : number(statistic.value, 3);
}

function levelText(level) {
  return level === null || level === undefined ? "N/A" : String(level);
}

export function resultsView(results, { names, me, lead }) {
  const name = (id) => (id === me ? "You" : names.get(id) || "A rater");
  const overall = results.overall;
  const raters = (results.criteria.length ? results.criteria[0].levels.map((level) => level.rater_user_id) : [])
    .sort((x, y) => name(x).localeCompare(name(y), "en-GB"));
  const parts = [
    keyFigures([
      { label: "raters submitted", value: String(results.submitted_raters) },
      { label: "exact agreement", value: statisticText(overall.exact_agreement, true) },
      { label: "Krippendorff's alpha (ordinal)", value: statisticText(overall.krippendorff_alpha_ordinal) },
      { label: "ICC(2,1)", value: statisticText(overall.icc_2_1) },
    ]),
  ];
  const deviations = results.gold_standard_deviations;
  if (deviations.length) {
    const labels = deviations.map((row) => name(row.rater_user_id));
    const furthest = deviations.reduce((a, b) => (b.mean_absolute_difference > a.mean_absolute_difference ? b : a));
    parts.push(chart({
      title: "Distance from the gold standard",
      summary: lead
        ? `Mean distance from gold in levels for each of ${deviations.length} raters; furthest: ${name(furthest.rater_user_id)}, ${number(furthest.mean_absolute_difference)} levels.`
        : `Your levels were on average ${number(furthest.mean_absolute_difference)} levels from gold (${furthest.mean_signed_difference > 0 ? "above" : furthest.mean_signed_difference < 0 ? "below" : "neither above nor below"} it overall).`,
      labels,
      xTitle: "Rater",
      kind: "bars",
      lines: [
        { label: "Mean distance (levels)", values: deviations.map((row) => row.mean_absolute_difference) },
        { label: "Mean difference (levels, + above gold)", values: deviations.map((row) => row.mean_signed_difference) },
      ],
      format: (value) => number(value),
    }));
    parts.push(rowsTable("Each rater against the gold standard", [
      ["Rater", (row) => name(row.rater_user_id)],
      ["Criteria", (row) => String(row.units)],
      ["On the gold level", (row) => `${Math.round(row.exact_agreement * 1000) / 10} %`],
      ["Mean difference", (row) => number(row.mean_signed_difference)],
      ["Mean distance", (row) => number(row.mean_absolute_difference)],
    ], deviations));
  }
  parts.push(rowsTable("Levels by criterion", [
    ["Criterion", (row) => `${row.code} ${row.title}`],
    ...raters.map((rater) => [name(rater), (row) => levelText(row.levels.find((level) => level.rater_user_id === rater).level)]),
    ["Gold", (row) => (row.gold_level === null ? "–" : String(row.gold_level))],
    ["Exact agreement", (row) => statisticText(row.exact_agreement, true)],
  ], results.criteria));
  if (overall.rater_pairs.length) {
    parts.push(rowsTable("Rater pairs", [
      ["Pair", (row) => `${name(row.rater_a_user_id)} and ${name(row.rater_b_user_id)}`],
      ["Criteria", (row) => String(row.units)],
      ["Exact", (row) => statisticText(row.exact_agreement, true)],
      ["Kappa", (row) => statisticText(row.kappa_unweighted)],
      ["Linear kappa", (row) => statisticText(row.kappa_linear)],
      ["Quadratic kappa", (row) => statisticText(row.kappa_quadratic)],
    ], overall.rater_pairs));
  }
  parts.push(h("details", { class: "chart__details" },
    h("summary", { class: "chart__toggle" }, "Every statistic, and what it means"),
    rowsTable("Agreement over every criterion", [
      ["Statistic", ([, label]) => label],
      ["Value", ([key]) => statisticText(overall[key], key.endsWith("agreement"))],
      ["Meaning", ([, , meaning]) => meaning],
    ], STATISTICS),
    h("p", { class: "muted" }, `${overall.units} criteria were scored by two raters or more; ${overall.complete_units} by every rater (Fleiss' kappa and the ICCs use those).`)));
  return h("div", { class: "stack" }, parts);
}
