// Adding an assignment: a practitioner, the kind (coach or supervisor), and who, chosen
// from the members holding that role.
import { api } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { displayName } from "../me.js";

const KIND_WORDS = { coach: "coach", supervisor: "supervisor" };

function options(select, people, placeholder) {
  replaceChildren(select,
    h("option", { value: "" }, placeholder),
    people.map((person) => h("option", { value: person.user_id }, displayName(person))));
}

/** `staff`: {coach: [members], supervisor: [members]}; `onAdded(assignment)`. */
export function assignmentForm({ base, practitioners, staff, onAdded }) {
  const practitioner = h("select", { class: "input", id: "assignment-practitioner", name: "practitioner" });
  options(practitioner, practitioners, "Choose a practitioner");
  const who = h("select", { class: "input", id: "assignment-staff", name: "staff" });
  const whoLabel = h("label", { for: who.id });
  const whoHint = h("span", { class: "hint", id: "assignment-staff-hint", hidden: true });
  who.setAttribute("aria-describedby", whoHint.id);
  const kinds = h("fieldset", { "data-field": "kind" },
    h("legend", {}, "Kind"),
    Object.entries(KIND_WORDS).map(([value, word]) => h("label", { class: "choice" },
      h("input", { type: "radio", name: "kind", value, checked: value === "coach" }),
      h("span", {}, word.charAt(0).toUpperCase() + word.slice(1)))));
  const kind = () => kinds.querySelector("input:checked").value;
  const showStaff = () => {
    const word = KIND_WORDS[kind()];
    whoLabel.textContent = `Which ${word}`;
    options(who, staff[kind()], `Choose a ${word}`);
    whoHint.textContent = `Nobody is a ${word} yet: give someone the role on the Members screen.`;
    whoHint.hidden = staff[kind()].length > 0;
  };
  kinds.addEventListener("change", showStaff);
  showStaff();

  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Add assignment");
  const form = h("form", { novalidate: true, "aria-labelledby": "assignment-heading" },
    h("h2", { id: "assignment-heading" }, "Add an assignment"),
    h("div", { class: "field", "data-field": "practitioner_user_id" }, h("label", { for: practitioner.id }, "Practitioner"), practitioner),
    kinds,
    h("div", { class: "field", "data-field": "staff_user_id" }, whoLabel, whoHint, who),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = [];
    if (!practitioner.value) problems.push({ field: "practitioner_user_id", message: "Choose the practitioner." });
    if (!who.value) problems.push({ field: "staff_user_id", message: `Choose the ${KIND_WORDS[kind()]}.` });
    if (problems.length) {
      showProblems(form, status, { problems });
      return;
    }
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const added = await api.post(`${base}/assignments`, { kind: kind(), staff_user_id: who.value, practitioner_user_id: practitioner.value });
      who.value = "";
      onAdded(added);
    } catch (error) {
      showApiError(form, status, error, { title: "The assignment was not added" });
    } finally {
      submit.disabled = false;
    }
  });
  return { element: h("div", { class: "card" }, form, status), focus: () => practitioner };
}
