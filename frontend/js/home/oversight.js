// Supervisors and leads: their team, ring-fenced time, and where support is needed.
import { api } from "../api.js";
import { h } from "../dom.js";
import { counted } from "../format.js";
import { hasRole } from "../me.js";
import { reportPath } from "../reports/filters.js";
import { assignedPractitioners, practitionerList } from "./coach.js";
import { recordingItem as listedRecording } from "../recordings/item.js";
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

/** Ring-fenced time this month, and who needs support now (from the reports). */
export function timeAndReports(membership) {
  return [timeSummary(membership), supportNeeded(membership)];
}

/** The reports' answers to "where should support go?", each a way into its report: who
 * has gone without coaching or a rated recording lately (coverage), and whose fidelity is
 * drifting or due re-certification (fidelity). The API keeps a supervisor to their team. */
function supportNeeded(membership) {
  const part = section("Where support is needed", {
    action: h("div", { class: "actions" }, h("a", { class: "button button--secondary", href: "#/reports" }, "All reports")),
  });
  fill(part, async () => {
    const organisationId = membership.organisation_id;
    const [coverage, fidelity] = await Promise.all([
      api.get(reportPath(organisationId, "coverage", "", { limit: "1" })),
      api.get(reportPath(organisationId, "fidelity", "", { by: "organisation" })),
    ]);
    const { practitioners, without_coaching: uncoached, without_rating: unrated } = coverage.summary;
    if (!practitioners) return h("p", { class: "muted" }, "No practitioners yet: the figures appear once practitioners join.");
    const total = (key) => fidelity.rows.reduce((sum, row) => sum + row[key], 0);
    const of = `of ${counted(practitioners, "practitioner")}`;
    const lines = [
      [uncoached, `${uncoached} ${of} had no coaching session in the last ${coverage.weeks} weeks`, "coverage"],
      [unrated, `${unrated} ${of} had no rated recording in the last ${coverage.weeks} weeks`, "coverage"],
      [total("drift_practitioners"), `${total("drift_practitioners")} drifting below the fidelity rule`, "fidelity"],
      [total("recertification_due_practitioners"), `${total("recertification_due_practitioners")} due re-certification`, "fidelity"],
    ].filter(([count]) => count > 0);
    if (!lines.length) return h("p", {}, `Everyone (${counted(practitioners, "practitioner")}) had a coaching session and a rated recording in the last ${coverage.weeks} weeks; no one is drifting or due re-certification.`);
    return h("ul", { class: "list" }, lines.map(([, text, report]) =>
      h("li", { class: "list__item" }, h("a", { href: `#/reports?report=${report}` }, text))));
  });
  return part.element;
}
