// The dashboards' filters live in the address bar (#/reports?report=fidelity&from=...), so
// a view can be bookmarked, shared with a colleague and reloaded; the same values go to
// the API and into the CSV links.
import { API, api } from "../api.js";
import { h } from "../dom.js";
import { displayName, hasRole } from "../me.js";
import { navigate } from "../router.js";

// The filters every report takes (the API's names), and what the form calls them.
export const FILTERS = ["from", "to", "programme_id", "supervisor_user_id", "coach_user_id"];

/** The filters in the URL that the API should get: only known names (`names`, the
 * reports' by default) with a value. */
export function chosenFilters(query, names = FILTERS) {
  const chosen = new URLSearchParams();
  for (const name of names) {
    const value = query.get(name);
    if (value) chosen.set(name, value);
  }
  return chosen;
}

/** `/organisations/{org}/reports/{name}?filters&extra`, for the API or (csv) a download. */
export function reportPath(organisationId, name, filters, extra = {}) {
  const params = new URLSearchParams(filters);
  for (const [key, value] of Object.entries(extra)) if (value !== null && value !== undefined && value !== "") params.set(key, value);
  const search = params.toString();
  return `/organisations/${organisationId}/reports/${name}${search ? `?${search}` : ""}`;
}

export function csvLink(organisationId, name, filters, extra = {}, label = "Download CSV") {
  return h("a", { class: "button button--secondary", href: `${API}${reportPath(organisationId, name, filters, { ...extra, format: "csv" })}`, download: "" }, label);
}

function field(id, label, control) {
  return h("div", { class: "field", "data-field": id }, h("label", { for: id }, label), control);
}

function picker(id, label, name, options, current) {
  return field(id, label, h("select", { class: "input", id, name },
    h("option", { value: "" }, "Everyone"),
    options.map((option) => h("option", { value: option.value, selected: option.value === current }, option.label))));
}

/** Leads narrow by team and coach; others report on whom they already see. */
async function peopleOptions(membership) {
  if (!hasRole(membership, "lead")) return { supervisors: [], coaches: [] };
  const members = await api.getAll(`/organisations/${membership.organisation_id}/members`);
  const holding = (role) => members.filter((m) => m.roles.includes(role)).map((m) => ({ value: m.user_id, label: displayName(m) }));
  return { supervisors: holding("supervisor"), coaches: holding("coach") };
}

/**
 * The filter form: submitting it puts the values in the URL (the screen redraws from
 * there). `keep` holds parameters of the view (which report, its own options).
 */
export async function filterForm(membership, query, keep) {
  const [programmes, people] = await Promise.all([
    api.getAll(`/organisations/${membership.organisation_id}/programmes`),
    peopleOptions(membership),
  ]);
  const form = h("form", { class: "card filters", novalidate: true, "aria-label": "Filters" },
    h("div", { class: "filters__grid" },
      field("filter-from", "From", h("input", { class: "input", id: "filter-from", name: "from", type: "date", value: query.get("from") || "" })),
      field("filter-to", "To", h("input", { class: "input", id: "filter-to", name: "to", type: "date", value: query.get("to") || "" })),
      programmes.length > 1
        ? picker("filter-programme", "Programme", "programme_id", programmes.map((p) => ({ value: p.id, label: p.name })), query.get("programme_id"))
        : null,
      people.supervisors.length ? picker("filter-team", "Team (supervisor)", "supervisor_user_id", people.supervisors, query.get("supervisor_user_id")) : null,
      people.coaches.length ? picker("filter-coach", "Coach", "coach_user_id", people.coaches, query.get("coach_user_id")) : null,
    ),
    h("div", { class: "actions" },
      h("button", { class: "button", type: "submit" }, "Show"),
      h("a", { class: "button button--secondary", href: `#/reports?${new URLSearchParams(keep)}` }, "Clear filters")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(keep);
    for (const name of FILTERS) {
      const control = form.elements[name];
      if (control && control.value) params.set(name, control.value);
    }
    navigate(`/reports?${params}`);
  });
  return form;
}
