// The practitioner's learning objectives beside the recording, those linked to this rubric's
// criteria first, with the way to the objectives screen.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { criteriaList, objectiveSummary } from "../objectives/view.js";

export function createObjectivesPanel({ recording, version }) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  const element = h("div", {}, h("h2", {}, "Learning objectives"), body);
  const codes = new Set(version ? version.criteria.map((c) => c.id) : []);

  async function load() {
    try {
      const all = await api.getAll(`/organisations/${recording.organisation_id}/objectives?practitioner_user_id=${recording.owner_user_id}`);
      const current = all.filter((o) => o.status === "open" || o.status === "in_progress");
      const linked = (o) => o.criteria.some((c) => codes.has(c.criterion_id));
      current.sort((a, b) => Number(linked(b)) - Number(linked(a)));
      body.removeAttribute("aria-busy");
      replaceChildren(body,
        current.length
          ? h("ul", { class: "list" }, current.map((o) => h("li", { class: "list__item list__item--stack" },
            h("span", { class: "list__title" }, o.title), objectiveSummary(o), criteriaList(o))))
          : h("p", { class: "muted" }, "No open learning objectives. Agree them together on the objectives screen."),
        h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: `#/objectives?practitioner=${recording.owner_user_id}` }, "All objectives")),
      );
    } catch (error) {
      body.removeAttribute("aria-busy");
      replaceChildren(body, alertBox("error", "Objectives could not be loaded", error.message));
    }
  }
  return { element, load };
}
