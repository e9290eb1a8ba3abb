// A programme's name and description: the form that adds a programme and the one that
// renames it are the same fields, checks and errors, with their own words and request.
import { h } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";

/**
 * `id`: prefix of the controls' ids; `heading`, `descriptionLabel`, `submitLabel`,
 * `failure` (the error box's title): the form's words; `initial`: the programme shown, if
 * any; `send({name, description})`: the request, whose answer goes to `onDone(answer,
 * form)`.
 */
export function programmeDetailsForm({ id, heading, descriptionLabel, submitLabel, failure, initial = null, send, onDone }) {
  const name = h("input", { class: "input", id: `${id}-name`, name: "name", type: "text", maxlength: "200", autocomplete: "off", value: initial ? initial.name : "" });
  const description = h("textarea", { class: "input", id: `${id}-description`, name: "description", maxlength: "4000", rows: "3" }, initial ? initial.description : "");
  const status = h("div", { class: "form-status" });
  const form = h("form", { novalidate: true, "aria-labelledby": `${id}-heading` },
    h("h2", { id: `${id}-heading` }, heading),
    h("div", { class: "field", "data-field": "name" }, h("label", { for: name.id }, "Name"), name),
    h("div", { class: "field", "data-field": "description" }, h("label", { for: description.id }, descriptionLabel), description),
    h("div", { class: "actions" }, h("button", { class: "button", type: "submit" }, submitLabel)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!name.value.trim()) {
      showProblems(form, status, { problems: [{ field: "name", message: "Enter the programme's name." }] });
      return;
    }
    clearProblems(form, status);
    try {
      onDone(await send({ name: name.value.trim(), description: description.value.trim() }), { form, status });
    } catch (error) {
      showApiError(form, status, error, { byCode: { duplicate_name: "name" }, title: failure });
    }
  });
  return { element: h("div", { class: "card" }, form, status), focus: () => name };
}
