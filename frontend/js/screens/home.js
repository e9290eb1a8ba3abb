// Home: what matters now for each role the person holds in the chosen organisation.
import { append, alertBox, h } from "../dom.js";
import { coachSections } from "../home/coach.js";
import { guestSections } from "../home/guest.js";
import { leadSections, supervisorSections, timeAndReports } from "../home/oversight.js";
import { practitionerSections } from "../home/practitioner.js";
import { chooseOrganisation, currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { navigate } from "../router.js";

export const title = "Home";

function organisationSwitcher(me, membership) {
  if (me.memberships.length < 2) return null;
  const select = h(
    "select",
    { class: "input", id: "home-organisation" },
    me.memberships.map((m) =>
      h("option", { value: m.organisation_id, selected: m === membership }, m.organisation_name),
    ),
  );
  select.addEventListener("change", () => {
    chooseOrganisation(select.value);
    navigate("/");
  });
  return h("div", { class: "field" }, h("label", { for: select.id }, "Organisation"), select);
}

function roleWords(roles) {
  const names = { practitioner: "practitioner", coach: "coach", supervisor: "supervisor", lead: "implementation lead", guest: "guest reviewer" };
  return roles.map((role) => names[role] || role).join(", ");
}

export function render(main) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, `Hello, ${displayName(me)}`));
  if (!membership) {
    append(main,
      alertBox("info", null, "You are not a member of an organisation in Tandem yet. Your implementation lead adds you; then your work appears here."),
    );
    return;
  }
  append(main,
    h("p", { class: "lede" }, `${membership.organisation_name}: ${roleWords(membership.roles)}${membership.is_champion ? " (programme champion)" : ""}.`),
    organisationSwitcher(me, membership),
  );
  const sections = [];
  if (hasRole(membership, "practitioner")) sections.push(...practitionerSections(membership, me));
  if (hasRole(membership, "coach")) sections.push(...coachSections(membership, me));
  if (hasRole(membership, "supervisor")) sections.push(...supervisorSections(membership, me));
  if (hasRole(membership, "lead")) sections.push(...leadSections(membership));
  if (hasRole(membership, "supervisor", "lead")) sections.push(...timeAndReports(membership));
  if (hasRole(membership, "guest")) sections.push(...guestSections(membership));
  append(main, h("div", { class: "grid grid--two" }, sections));
}
