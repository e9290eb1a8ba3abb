// A programme's review settings: double coding, second ratings, rolling fidelity, drift,
// certification, objectives and the raters' recalibration threshold. The help under each field is what the API documents.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";

// [field, label, help, {min, max, step}]; `off`: an empty field switches the rule off.
const NUMBERS = [
  ["double_coding_every_nth", "Double coding: every Nth recording", "Every Nth recording of the programme to get a first submitted observation gets a second rater, chosen among the practitioner's other assigned coaches. Leave empty to turn double coding off.", { min: 1, max: 1000, off: true }],
  ["rolling_window", "Rolling fidelity: observations averaged", "How many of the latest observations the rolling fidelity figure averages.", { min: 1, max: 50 }],
  ["drift_consecutive_below", "Drift: consecutive observations below fidelity", "Drift is flagged when this many latest observations all fail the fidelity rule.", { min: 1, max: 50 }],
  ["drift_window", "Drift: observations compared", "Drift compares the mean of the last N observations with the N before.", { min: 1, max: 25 }],
  ["drift_drop_points", "Drift: drop in percentage points", "Drift is flagged when that mean dropped by more than this many percentage points.", { min: 0, max: 100, step: "any" }],
  ["certification_passes", "Certification: consecutive passes", "A practitioner is certified after this many consecutive observations meeting fidelity.", { min: 1, max: 50 }],
  ["recertification_days", "Recertification after (days)", "Certification is due again after this many days.", { min: 1, max: 3650 }],
  ["objective_ready_window", "Objectives: observations at target", "An objective is ready to mark achieved when its criteria reached their target level in each of the last N submitted observations.", { min: 1, max: 50 }],
  ["recalibration_below_percent", "Recalibration below (% exact agreement)", "A rater is flagged for recalibration in the agreement report for a month when their exact agreement with other raters, or with gold standards, is below this. Leave empty to flag nobody.", { min: 0, max: 100, step: "any", off: true }],
];

function numberField([field, label, help, { min, max, step = "1" }], value) {
  const id = `settings-${field}`;
  const input = h("input", { class: "input", id, name: field, type: "number", inputmode: step === "1" ? "numeric" : "decimal", min: String(min), max: String(max), step, value: value === null || value === undefined ? "" : String(value), "aria-describedby": `${id}-hint` });
  return h("div", { class: "field", "data-field": field },
    h("label", { for: id }, label),
    h("span", { class: "hint", id: `${id}-hint` }, help),
    input);
}

function bodyOf(form) {
  const body = {};
  const problems = [];
  for (const [field, label, , { off = false }] of NUMBERS) {
    const text = form.elements[field].value.trim();
    if (text === "") {
      if (off) body[field] = null;
      else problems.push({ field, message: `Enter a number for ${label.toLowerCase()}.` });
      continue;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) problems.push({ field, message: "Enter a number." });
    else body[field] = value;
  }
  body.second_ratings_are_feedback = form.elements.second_ratings_are_feedback.checked;
  return { body, problems };
}

/** The settings form of one programme; `settings` as GET .../review-settings gives them. */
export function reviewSettingsForm({ url, settings }) {
  const status = h("div", { class: "form-status" });
  const feedback = h("input", { type: "checkbox", id: "settings-feedback", name: "second_ratings_are_feedback", checked: settings.second_ratings_are_feedback, "aria-describedby": "settings-feedback-hint" });
  const form = h("form", { novalidate: true, "aria-labelledby": "settings-heading" },
    h("h2", { id: "settings-heading" }, "Review settings"),
    numberField(NUMBERS[0], settings.double_coding_every_nth),
    h("div", { class: "field", "data-field": "second_ratings_are_feedback" },
      h("label", { class: "choice", for: feedback.id }, feedback, "Second ratings are feedback"),
      h("span", { class: "hint", id: "settings-feedback-hint" }, "Second raters' observations are shown to the practitioner and counted in their fidelity. Off: they are for agreement only.")),
    NUMBERS.slice(1).map((spec) => numberField(spec, settings[spec[0]])),
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, "Save review settings")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { body, problems } = bodyOf(form);
    if (problems.length) {
      showProblems(form, status, { problems });
      return;
    }
    clearProblems(form, status);
    try {
      await api.patch(url, body);
      const notice = alertBox("success", null, "Review settings saved.");
      replaceChildren(status, notice);
      notice.focus();
    } catch (error) {
      showApiError(form, status, error, { title: "The review settings were not saved" });
    }
  });
  return h("div", { class: "card" }, form, status);
}
