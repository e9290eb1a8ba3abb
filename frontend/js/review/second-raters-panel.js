// For leads: the recording's second raters (coaches who score it blind, for agreement), add
// one and remove one. Collapsed by default, like the access panel beside it.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { displayName } from "../me.js";
import { actionButton, byName } from "../members/layout.js";
import { disclosure } from "./access-panel.js";

const SOURCES = { lead: "Chosen by a lead", rule: "Chosen by the programme's double-coding rule" };
// The API's codes for a coach who cannot be added, shown beside the choice of coach.
const BY_CODE = { invalid_user: "user_id", already_rater: "user_id", member_not_found: "user_id" };

function raterItem(rater, { people, remove }) {
  const person = people.get(rater.rater_user_id);
  const name = person ? displayName(person) : "Someone who left";
  const button = actionButton("Remove", `${name} as second rater`);
  button.addEventListener("click", () => remove(rater, name));
  return h("li", { class: "list__item" },
    h("div", {},
      h("span", { class: "list__title" }, name),
      SOURCES[rater.source] ? h("span", { class: "list__meta" }, SOURCES[rater.source]) : null),
    button);
}

function raterForm({ recording, coaches, onAdded }) {
  const coach = h("select", { class: "input", id: "second-rater-coach", name: "user_id" },
    h("option", { value: "" }, "Choose a coach"),
    coaches.map((m) => h("option", { value: m.user_id }, displayName(m))));
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Add second rater");
  const form = h("form", { novalidate: true, "aria-labelledby": "second-rater-heading" },
    h("h3", { id: "second-rater-heading" }, "Add a second rater"),
    h("div", { class: "field", "data-field": "user_id" }, h("label", { for: coach.id }, "Coach"), coach),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!coach.value) {
      showProblems(form, status, { problems: [{ field: "user_id", message: "Choose the coach who scores it second." }] });
      return;
    }
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const name = displayName(coaches.find((m) => m.user_id === coach.value));
      await api.post(`/recordings/${recording.id}/second-raters`, { user_id: coach.value });
      form.reset();
      onAdded(name);
    } catch (error) {
      showApiError(form, status, error, { byCode: BY_CODE, title: "The second rater was not added" });
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "stack" }, form, status);
}

/** The panel; `members` of the organisation. */
export function createSecondRatersPanel({ recording, members }) {
  const people = new Map(members.map((m) => [m.user_id, m]));
  const coaches = byName(members.filter((m) => m.roles.includes("coach")));
  const list = h("div", { "aria-live": "polite" });

  async function load(notice = null) {
    try {
      const raters = await api.getAll(`/recordings/${recording.id}/second-raters`);
      replaceChildren(list, notice, raters.length
        ? h("ul", { class: "list" }, raters.map((rater) => raterItem(rater, { people, remove })))
        : h("p", { class: "muted" }, "No second raters: only the practitioner's coach scores it."));
    } catch (error) {
      replaceChildren(list, alertBox("error", "Second raters could not be loaded", error.message));
    }
    if (notice) notice.focus();
  }

  async function remove(rater, name) {
    if (!window.confirm(`Remove ${name} as second rater of this recording?`)) return;
    try {
      await api.delete(`/second-raters/${rater.id}`);
      load(alertBox("success", null, `${name} is no longer a second rater of this recording.`));
    } catch (error) {
      load(alertBox("error", "The second rater was not removed", error.message));
    }
  }

  const form = raterForm({ recording, coaches, onAdded: (name) => load(alertBox("success", null, `${name} now scores this recording as a second rater.`)) });
  const element = disclosure("second-raters", "Second raters",
    h("p", { class: "muted" }, "A second rater scores the recording without seeing the other scores, so you can see how far raters agree."),
    list, form);
  load();
  return element;
}
