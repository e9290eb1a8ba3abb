// Supervisors and leads: their team, ring-fenced time, and the reports.
import { api } from "../api.js";
import { h } from "../dom.js";
import { hasRole } from "../me.js";
import { assignedPractitioners, practitionerList } from "./coach.js";
import { recordingItem as listedRecording } from "../recordings/item.js";
import { availableReports } from "../reports/catalogue.js";
import { asList, fill, listOrEmpty, section } from "./section.js";
import { timeSummary } from "./sessions.js";

/** The newest few recordings the person may see, whoever's, with the way to all of them. */
export function recentRecordings(membership, title, emptyText) {
  const part = section(title, {
    action: h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/recordings" }, "All recordings")),
  });
  fill(part, async () => {
    const recent = asList(await api.get(`/recordings?organisation_id=${membership.organisation_id}&limit=5`));
    return listOrEmpty(recent.map((recording) => listedRecording(recording, { practitioner: true })), emptyText);
  });
  return part.element;
}

export function supervisorSections(membership, me) {
  const team = section("My team");
  fill(team, async () =>
    practitionerList(await assignedPractitioners(membership, me, "supervisor"), "No practitioners are in your team yet. Your implementation lead assigns them."),
  );
  // A lead's home lists every recent recording already.
  const recent = hasRole(membership, "lead") ? null : recentRecordings(membership, "Team recordings", "Nobody in your team has uploaded a recording yet.");
  return [team.element, recent];
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
  return [organisation.element, recentRecordings(membership, "Recent recordings", "No recordings have been uploaded yet.")];
}

/** The reports this person's roles open, named, with the way to them. */
function reportsCard(membership) {
  const names = availableReports(membership).map((report) => report.label.toLowerCase());
  const listed = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names.join("");
  const text = `${listed.charAt(0).toUpperCase()}${listed.slice(1)}: charts and tables to filter by date and person, with CSV downloads.`;
  return h("section", { class: "card", "aria-labelledby": "home-reports" },
    h("h2", { id: "home-reports" }, "Reports"),
    h("p", { class: "muted" }, text),
    h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/reports" }, "Open reports")));
}

/** Ring-fenced time this month, and the reports. */
export function timeAndReports(membership) {
  return [timeSummary(membership), reportsCard(membership)];
}
