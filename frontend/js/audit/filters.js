// The audit trail's filters, kept in the address bar (#/audit?action=...&from=...) as the
// reports keep theirs, so a reload or a shared link shows the same view.
import { h } from "../dom.js";
import { displayName } from "../me.js";
import { navigate } from "../router.js";
import { actionWords } from "./events.js";

// The API's names for them.
export const AUDIT_FILTERS = ["action", "actor_user_id", "from", "to", "resource_type", "resource_id"];

function field(name, label, control) {
  return h("div", { class: "field", "data-field": name }, h("label", { for: control.id }, label), control);
}

function choice(name, label, everyone, options, current) {
  const known = options.some((option) => option.value === current);
  // A value from a shared link that is no longer listed still shows as chosen.
  const all = current && !known ? [...options, { value: current, label: current }] : options;
  return field(name, label, h("select", { class: "input", id: `audit-${name}`, name },
    h("option", { value: "" }, everyone),
    all.map((option) => h("option", { value: option.value, selected: option.value === current }, option.label))));
}

function day(name, label, current) {
  return field(name, label, h("input", { class: "input", id: `audit-${name}`, name, type: "date", value: current || "" }));
}

/** The form; submitting it puts the chosen values in the URL, and the screen redraws. */
export function auditFilterForm({ actions, members, query }) {
  const form = h("form", { class: "card filters", novalidate: true, "aria-label": "Filters" },
    h("div", { class: "filters__grid" },
      choice("action", "Action", "Every action", actions.map((action) => ({ value: action, label: actionWords(action) })), query.get("action")),
      choice("actor_user_id", "Who", "Everyone", members.map((member) => ({ value: member.user_id, label: displayName(member) })), query.get("actor_user_id")),
      day("from", "From", query.get("from")),
      day("to", "To", query.get("to")),
    ),
    h("div", { class: "actions" },
      h("button", { class: "button", type: "submit" }, "Show"),
      h("a", { class: "button button--secondary", href: "#/audit" }, "Clear filters")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const name of AUDIT_FILTERS) {
      const control = form.elements[name];
      const value = control ? control.value : query.get(name);
      if (value) params.set(name, value);
    }
    const search = params.toString();
    navigate(`/audit${search ? `?${search}` : ""}`);
  });
  return form;
}
