// Assignments: which coaches and supervisors each practitioner has, as one table the lead
// reads at a glance, ends an assignment from, and adds to with the form beside it.
import { api } from "../api.js";
import { alertBox, append, h, tableCaption } from "../dom.js";
import { fill, section } from "../home/section.js";
import { currentMembership, displayName, hasRole } from "../me.js";
import { assignmentForm } from "../members/assignment-form.js";
import { actionButton, byName, jumpButton, organisationNav } from "../members/layout.js";

export const title = "Assignments";

const KINDS = { coach: { column: "Coaches", verb: "coaches" }, supervisor: { column: "Supervisors", verb: "supervises" } };

function rowId(practitionerId) {
  return `assignments-${practitionerId}`;
}

function staffCell(kind, rows, { names, practitioner, remove }) {
  const mine = rows.filter((row) => row.kind === kind);
  if (!mine.length) return h("td", {}, h("span", { class: "muted" }, "None"));
  return h("td", {}, h("ul", { class: "assignees" }, mine.map((row) => {
    const staff = names.get(row.staff_user_id) || "Someone who left";
    const button = actionButton("Remove", `${staff} as ${kind} of ${practitioner}`);
    button.addEventListener("click", () => remove(row, staff));
    return h("li", { class: "assignees__item" }, h("span", {}, staff), button);
  })));
}

function assignmentTable(practitioners, assignments, { names, remove }) {
  const caption = "Coaches and supervisors of each practitioner";
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-label": caption },
    h("table", { class: "table assignments-table" },
      tableCaption(caption),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Practitioner"),
        h("th", { scope: "col" }, KINDS.coach.column),
        h("th", { scope: "col" }, KINDS.supervisor.column))),
      h("tbody", {}, practitioners.map((person) => {
        const rows = assignments.filter((row) => row.practitioner_user_id === person.user_id);
        const name = displayName(person);
        return h("tr", {},
          h("th", { scope: "row", id: rowId(person.user_id), tabindex: "-1" }, name),
          staffCell("coach", rows, { names, practitioner: name, remove }),
          staffCell("supervisor", rows, { names, practitioner: name, remove }));
      })),
    ),
  );
}

export async function render(main) {
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "lead")) {
    append(main, alertBox("info", null, "Assignments are for implementation leads."));
    return null;
  }
  main.classList.add("page--wide");
  const base = `/organisations/${membership.organisation_id}`;
  let members;
  try {
    members = byName(await api.getAll(`${base}/members`));
  } catch (error) {
    append(main, alertBox("error", "Assignments could not be loaded", error.message));
    return () => main.classList.remove("page--wide");
  }
  const names = new Map(members.map((member) => [member.user_id, displayName(member)]));
  const holding = (role) => members.filter((member) => member.roles.includes(role));
  const practitioners = holding("practitioner");
  const table = section("Practitioners", { intro: "A coach reviews and scores the practitioner's recordings and agrees objectives with them; a supervisor sees their ring-fenced time and figures." });

  // After a change: the table again with `notice` above it; focus on the row of
  // `practitionerId` (the changed item), else on the notice.
  async function load({ notice = null, practitionerId = null } = {}) {
    await fill(table, async () => {
      if (!practitioners.length) {
        return h("p", {}, "Nobody holds the practitioner role yet. ", h("a", { href: "#/members" }, "Invite practitioners on the Members screen."));
      }
      const assignments = await api.getAll(`${base}/assignments`);
      return [notice, assignmentTable(practitioners, assignments, { names, remove })];
    });
    const row = practitionerId && document.getElementById(rowId(practitionerId));
    if (row) row.focus();
    else if (notice && notice.isConnected) notice.focus();
  }

  async function remove(row, staff) {
    const practitioner = names.get(row.practitioner_user_id);
    if (!window.confirm(`Remove ${staff} as ${row.kind} of ${practitioner}?`)) return;
    try {
      await api.delete(`${base}/assignments/${row.id}`);
      const notice = alertBox("success", null, `${staff} no longer ${KINDS[row.kind].verb} ${practitioner}.`);
      load({ notice, practitionerId: row.practitioner_user_id });
    } catch (error) {
      load({ notice: alertBox("error", "The assignment was not removed", error.message) });
    }
  }

  const form = assignmentForm({
    base,
    practitioners,
    staff: { coach: holding("coach"), supervisor: holding("supervisor") },
    onAdded: (added) => load({
      notice: alertBox("success", null, `${names.get(added.staff_user_id)} now ${KINDS[added.kind].verb} ${names.get(added.practitioner_user_id)}.`),
      practitionerId: added.practitioner_user_id,
    }),
  });
  append(main,
    h("p", { class: "lede" }, "Who coaches and who supervises each practitioner: each coach and supervisor works with the practitioners assigned to them."),
    organisationNav("/assignments"),
    jumpButton("Add an assignment", form.focus),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, table.element),
      h("div", { class: "stack" }, form.element),
    ),
  );
  load();
  return () => main.classList.remove("page--wide");
}
