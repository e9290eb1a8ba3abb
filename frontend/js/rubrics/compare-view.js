// Comparing two rubric versions on screen: any two versions of the programme's rubrics,
// the differences worked out by compare.js.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { compareVersions } from "./compare.js";
import { versionName } from "./versions.js";

function criterionLine(criterion) {
  return h("li", {}, h("strong", {}, criterion.code), ` ${criterion.title}`);
}

function part(title, items) {
  if (!items.length) return null;
  return h("div", {}, h("h3", {}, title), h("ul", { class: "criteria-list" }, items));
}

function differences(result) {
  if (result.same) return h("p", {}, "These versions hold the same criteria, scale, threshold and way of working out the percent.");
  return [
    result.scale ? part("Scale", [h("li", {}, `Was ${result.scale.before.join(", ")}; now ${result.scale.after.join(", ")}.`)]) : null,
    result.threshold ? part("Fidelity threshold", [h("li", {}, `Was ${result.threshold.before} %; now ${result.threshold.after} %.`)]) : null,
    result.formula ? part("How the percent is worked out", [h("li", {}, `Was ${result.formula.before}; now ${result.formula.after}.`)]) : null,
    part(`Criteria added (${result.added.length})`, result.added.map(criterionLine)),
    part(`Criteria removed (${result.removed.length})`, result.removed.map(criterionLine)),
    part(`Criteria changed (${result.changed.length})`, result.changed.map(({ criterion, changes }) => h("li", {},
      h("strong", {}, criterion.code), ` ${criterion.title}`,
      h("ul", {}, changes.map((change) => h("li", {}, `${change.label}: was “${change.before}”, now “${change.after}”.`)))))),
  ];
}

/** `choices`: [{rubric, version}] of the programme; `from` and `to` the ones chosen first. */
export function compareForm({ base, choices, from, to }) {
  const options = (selected) => choices.map(({ rubric, version }) => h("option", { value: `${rubric.id}/${version.version}`, selected: version.id === selected }, `${versionName(rubric, version)} (${version.status})`));
  const before = h("select", { class: "input", id: "compare-from", name: "from" }, options(from));
  const after = h("select", { class: "input", id: "compare-to", name: "to" }, options(to));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true, "aria-labelledby": "compare-heading" },
    h("h2", { id: "compare-heading" }, "Compare versions"),
    h("div", { class: "field" }, h("label", { for: before.id }, "From"), before),
    h("div", { class: "field" }, h("label", { for: after.id }, "To"), after),
    h("div", { class: "actions" }, h("button", { class: "button button--secondary", type: "submit" }, "Compare")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const [earlier, later] = await Promise.all([before.value, after.value].map((key) => api.get(`${base}/rubrics/${key.replace("/", "/versions/")}`)));
      replaceChildren(result, h("section", { class: "comparison", "aria-label": "Differences" },
        h("p", {}, h("strong", {}, `From ${earlier.title} version ${earlier.version} to ${later.title} version ${later.version}`)),
        differences(compareVersions(earlier, later))));
    } catch (error) {
      replaceChildren(result, alertBox("error", "The versions could not be compared", error.message));
    }
  });
  return h("div", { class: "card" }, form, result);
}
