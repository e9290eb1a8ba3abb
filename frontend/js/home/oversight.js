// Supervisors and leads: their team, ring-fenced time, and the reports as they land.
import { api } from "../api.js";
import { h } from "../dom.js";
import { assignedPractitioners, practitionerList } from "./coach.js";
import { comingSoon, fill, section } from "./section.js";
import { timeSummary } from "./sessions.js";

export function supervisorSections(membership, me) {
  const team = section("My team");
  fill(team, async () =>
    practitionerList(await assignedPractitioners(membership, me, "supervisor"), "No practitioners are in your team yet. Your implementation lead assigns them."),
  );
  return [team.element];
}

export function leadSections(membership) {
  const organisation = section(membership.organisation_name);
  fill(organisation, async () => {
    const members = await api.getAll(`/organisations/${membership.organisation_id}/members`);
    const count = (role) => members.filter((m) => m.roles.includes(role)).length;
    return h("ul", { class: "list" },
      [["practitioner", "Practitioners"], ["coach", "Coaches"], ["supervisor", "Supervisors"], ["lead", "Leads"], ["guest", "Guest reviewers"]].map(([role, label]) =>
        h("li", { class: "list__item" }, h("span", {}, label), h("span", { class: "list__title" }, String(count(role))))),
    );
  });
  return [organisation.element];
}

/** Ring-fenced time this month, and where the reports go once they exist. */
export function timeAndReports(membership) {
  return [
    timeSummary(membership),
    comingSoon("Reports", "Fidelity, coverage and agreement reports will be here."),
  ];
}
