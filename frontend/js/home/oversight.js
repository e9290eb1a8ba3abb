// Supervisors and leads: their team, and the time and report screens as those features land.
import { api } from "../api.js";
import { h } from "../dom.js";
import { assignedPractitioners, practitionerList } from "./coach.js";
import { comingSoon, fill, section } from "./section.js";

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
      [["practitioner", "Practitioners"], ["coach", "Coaches"], ["supervisor", "Supervisors"], ["lead", "Leads"]].map(([role, label]) =>
        h("li", { class: "list__item" }, h("span", {}, label), h("span", { class: "list__title" }, String(count(role))))),
    );
  });
  return [organisation.element];
}

/** Where the time and report screens go once they exist (supervisors and leads). */
export function timeAndReports() {
  return [
    comingSoon("Ring-fenced time", "Time set aside for supervision, coaching, planning and training, and how much of it was used, will be here."),
    comingSoon("Reports", "Fidelity and time reports will be here."),
  ];
}
