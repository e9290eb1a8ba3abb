// A submitted observation, read-only: the weighted total as the server computed it, the
// verdict, and each criterion's level and evidence.
import { h } from "../dom.js";
import { formatDate } from "../format.js";
import { formatPercent } from "./fidelity.js";
import { levelLabel } from "./rubric.js";

export function levelWords(score, version) {
  if (score.not_applicable) return "Not applicable";
  if (score.level === null) return "Not scored";
  return version ? levelLabel(version, score.level) : String(score.level);
}

export function verdict(meets, threshold) {
  return meets
    ? h("span", { class: "status status--done" }, `Meets fidelity (threshold ${threshold} %)`)
    : h("span", { class: "status status--failed" }, `Below fidelity (threshold ${threshold} %)`);
}

/**
 * `linkTo(score)`, when given, makes the control that links a scored criterion as evidence
 * to a learning objective (evidence-link.js), or null.
 */
export function observationView(observation, version, raterName, { linkTo = null } = {}) {
  const threshold = version ? version.fidelity_threshold_percent : null;
  return h("article", { class: "observation", "aria-label": `Observation by ${raterName}` },
    h("h3", {}, `Scored by ${raterName}`),
    h("p", { class: "muted" }, observation.submitted_at ? `Submitted ${formatDate(observation.submitted_at)}` : "Draft"),
    h("p", { class: "total" },
      h("span", {}, "Weighted total "),
      h("strong", { class: "total__figure", "data-total": "server" }, formatPercent(observation.weighted_percent)),
      " ",
      observation.meets_fidelity === null ? null : verdict(observation.meets_fidelity, threshold),
    ),
    observation.below_minimum.length
      ? h("p", {}, `Below the minimum level: ${observation.below_minimum.join(", ")}.`)
      : null,
    observation.summary ? h("div", {}, h("h4", {}, "Summary"), h("p", { class: "prose" }, observation.summary)) : null,
    h("dl", { class: "scores" },
      observation.scores.map((score) => {
        const link = linkTo ? linkTo(score) : null;
        return [
          h("dt", {}, `${score.code} ${score.title}`),
          h("dd", {},
            h("span", { class: "scores__level" }, levelWords(score, version)),
            score.evidence ? h("p", { class: "prose" }, score.evidence) : null,
            link ? h("div", { class: "actions" }, link.toggle) : null,
            link ? link.box : null,
          ),
        ];
      }),
    ),
  );
}
