// Reports: the dashboards of supervisors, coaches and the implementation lead. One report
// at a time (picked from the list, kept in the URL with the filters), each a chart with
// its text alternative, the table of figures, and a CSV download of every row.
import { append, h } from "../dom.js";
import { currentMembership } from "../me.js";
import { fill, section } from "../home/section.js";
import { availableReports } from "../reports/catalogue.js";
import { chosenFilters, filterForm } from "../reports/filters.js";

export const title = "Reports";

function reportNav(available, current, filters) {
  return h("nav", { class: "report-nav", "aria-label": "Reports" },
    h("ul", { class: "report-nav__list" }, available.map((report) => {
      const params = new URLSearchParams(filters);
      params.set("report", report.name);
      return h("li", {}, h("a", {
        class: "report-nav__link",
        href: `#/reports?${params}`,
        "aria-current": report.name === current ? "page" : null,
      }, report.label));
    })));
}

export async function render(main, { query }) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  const available = availableReports(membership);
  if (!available.length) {
    append(main, h("p", {}, "Reports are for coaches, supervisors and implementation leads. Your own figures are on your home screen."));
    return;
  }
  main.classList.add("page--wide");
  const current = available.find((report) => report.name === query.get("report")) || available[0];
  const filters = chosenFilters(query);
  const keep = { report: current.name };
  for (const [name, value] of query) if (!filters.has(name) && name !== "report") keep[name] = value;
  const part = section(current.label);
  part.element.classList.add("report");
  append(main, reportNav(available, current.name, filters), await filterForm(membership, query, keep), part.element);
  const module = await current.load();
  // The view's own choices (grouping, attribute...) go into the URL beside the report's name.
  const view = new URLSearchParams(query);
  view.set("report", current.name);
  fill(part, () => module.render({ organisationId: membership.organisation_id, membership, filters, query: view }));
  return () => main.classList.remove("page--wide");
}
