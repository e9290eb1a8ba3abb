// Problems in a form, each shown next to what it names: a container marked
// `data-field="<the API's name for it>"` (a .field or a fieldset) gets the message after
// its label or legend, and its controls are marked invalid and described by it. What
// names nothing in the form goes in the form's status box. Focus moves to the first.
import { alertBox, h, replaceChildren, uniqueId } from "./dom.js";

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "staff_user_id: must be a coach." as "Must be a coach." (the field shows beside it). */
function withoutField(message) {
  const text = message.replace(/^[a-z_.]+: /, "");
  return text === message ? message : capitalised(text);
}

/**
 * What an ApiError names: its `fields`, or, for an error that names none, the field its
 * code is about (`byCode`: {already_member: "email"}). [{field, message}]
 */
export function problemsOf(error, byCode = {}) {
  if (error.fields && error.fields.length) {
    // Validation messages start in lower case ("value is not a valid email address").
    return error.fields.map((problem) => ({ field: String(problem.field).split(".")[0], message: capitalised(problem.message) }));
  }
  if (byCode[error.code]) return [{ field: byCode[error.code], message: withoutField(error.message) }];
  return [];
}

export function clearProblems(form, status) {
  if (status) replaceChildren(status);
  form.querySelectorAll(".field-error").forEach((element) => element.remove());
  form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  form.querySelectorAll("[data-error-for]").forEach((control) => {
    const kept = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== control.dataset.errorFor);
    if (kept.length) control.setAttribute("aria-describedby", kept.join(" "));
    else control.removeAttribute("aria-describedby");
    delete control.dataset.errorFor;
  });
}

function markField(container, message) {
  const error = h("span", { class: "field-error", id: uniqueId("error") }, message);
  const label = container.querySelector(":scope > legend, :scope > label, :scope > .label, .choice");
  if (label) label.after(error);
  else container.prepend(error);
  const controls = [...container.querySelectorAll("input, select, textarea")];
  for (const control of controls) {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
    control.dataset.errorFor = error.id;
  }
  return controls[0] || null;
}

/**
 * Show `problems` ([{field, message}]) in `form`; what names no field of it, or an error
 * with no problem at all (`error`), goes in `status` under `title`. Focus moves to the
 * first control named, else to the status box.
 */
export function showProblems(form, status, { problems = [], error = null, title = "There is a problem" }) {
  clearProblems(form, status);
  let first = null;
  const elsewhere = [];
  for (const problem of problems) {
    const container = form.querySelector(`[data-field="${problem.field}"]`);
    const control = container ? markField(container, problem.message) : null;
    if (control) first = first || control;
    else elsewhere.push(problem.message);
  }
  if (!problems.length && error) elsewhere.push(error.message);
  if (elsewhere.length) {
    const box = alertBox("error", title, ...elsewhere);
    replaceChildren(status, box);
    if (!first) box.focus();
  }
  if (first) first.focus();
}

/** An ApiError shown in `form`, mapped by its fields or its code (see problemsOf). */
export function showApiError(form, status, error, { byCode = {}, title } = {}) {
  showProblems(form, status, { problems: problemsOf(error, byCode), error, title });
}
