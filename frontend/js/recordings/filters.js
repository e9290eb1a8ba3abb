// The recordings list's filters, kept in the address bar (#/recordings?status=ready&...) as
// the reports and the audit trail keep theirs, so a reload or a shared link shows the same
// recordings. The API applies them within what the person may see.
import { h } from "../dom.js";
import { navigate } from "../router.js";
import { STATUS_LABELS } from "./item.js";

// The API's names for them.
export const RECORDING_FILTERS = ["search", "status", "practitioner_user_id", "programme_id", "from", "to"];

function field(name, label, control) {
  return h("div", { class: "field", "data-field": name }, h("label", { for: control.id }, label), control);
}

function choice(name, label, everything, options, current) {
  // A value from a shared link that is no longer offered still shows as chosen.
  const all = current && !options.some((option) => option.value === current) ? [...options, { value: current, label: current }] : options;
  return field(name, label, h("select", { class: "input", id: `recordings-${name}`, name },
    h("option", { value: "" }, everything),
    all.map((option) => h("option", { value: option.value, selected: option.value === current }, option.label))));
}

function day(name, label, current) {
  return field(name, label, h("input", { class: "input", id: `recordings-${name}`, name, type: "date", value: current || "" }));
}

/**
 * The form: submitting it puts the chosen values in the URL and the screen redraws from
 * there. `practitioners` and `programmes` ({value, label}) offer only what helps: no
 * practitioner choice for someone who sees only their own recordings.
 */
export function recordingFilterForm({ query, practitioners, programmes }) {
  const search = h("input", { class: "input", id: "recordings-search", name: "search", type: "search", maxlength: "200", value: query.get("search") || "", autocomplete: "off" });
  const form = h("form", { class: "card filters", novalidate: true, role: "search", "aria-label": "Find recordings" },
    h("div", { class: "filters__grid" },
      field("search", "Title contains", search),
      choice("status", "Status", "Any status", Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })), query.get("status")),
      practitioners.length ? choice("practitioner_user_id", "Practitioner", "Everyone", practitioners, query.get("practitioner_user_id")) : null,
      programmes.length ? choice("programme_id", "Programme", "Every programme", programmes, query.get("programme_id")) : null,
      day("from", "Recorded from", query.get("from")),
      day("to", "Recorded until", query.get("to")),
    ),
    h("div", { class: "actions" },
      h("button", { class: "button", type: "submit" }, "Show"),
      h("a", { class: "button button--secondary", href: "#/recordings" }, "Clear filters")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const name of RECORDING_FILTERS) {
      const control = form.elements[name];
      const value = control ? control.value.trim() : query.get(name);
      if (value) params.set(name, value);
    }
    const search = params.toString();
    navigate(`/recordings${search ? `?${search}` : ""}`);
  });
  return form;
}
