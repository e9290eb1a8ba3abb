// For leads: who a lead let watch this recording, until when and why; give access (a coach,
// a lead or a guest reviewer, until a date: required for guests) and take it away again.
// Collapsed by default, so the review screen stays calm on a phone.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { displayName } from "../me.js";
import { actionButton, byName } from "../members/layout.js";
import { ROLE_LABELS } from "../members/roles.js";
import { addDays, localDate, localTime, todayIn, zonedIso } from "../zoned.js";

const GRANTEE_ROLES = ["coach", "lead", "guest"];

function roleNames(roles) {
  return roles.map((role) => ROLE_LABELS[role] || role).join(", ");
}

/** "12 December 2026" */
export function longDate(isoDate) {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** "Until 12 December 2026" (through the end of that day in `zone`), "No end date", or
 * "Ended on …" once it has passed. */
export function expiryWords(expiresAt, zone) {
  if (!expiresAt) return "No end date";
  const instant = new Date(expiresAt);
  const wholeDay = localTime(instant, zone) === "00:00";
  const day = longDate(localDate(wholeDay ? instant.getTime() - 60000 : instant, zone));
  const when = wholeDay ? day : `${day}, ${localTime(instant, zone)}`;
  return instant <= new Date() ? `Ended on ${when}` : `Until ${when}`;
}

/** A card that opens to show `content`: the lead's panels stay shut until wanted. */
export function disclosure(id, title, ...content) {
  return h("details", { class: "card disclosure", id },
    h("summary", { class: "disclosure__summary" }, h("h2", { class: "disclosure__title" }, title)),
    h("div", { class: "disclosure__body" }, content));
}

function grantItem(grant, { people, zone, me, remove }) {
  const person = people.get(grant.user_id);
  const name = person ? displayName(person) : "Someone who left";
  const button = actionButton("Remove access", `for ${name}`);
  button.addEventListener("click", () => remove(grant, name));
  const ended = grant.expires_at && new Date(grant.expires_at) <= new Date();
  return h("li", { class: "list__item list__item--stack grant" },
    h("div", {},
      h("span", { class: "list__title" }, grant.user_id === me.id ? `${name} (you)` : name),
      person ? h("span", { class: "list__meta" }, roleNames(person.roles)) : null,
      h("span", { class: `list__meta${ended ? " grant--ended" : ""}` }, expiryWords(grant.expires_at, zone)),
      grant.reason ? h("span", { class: "list__meta" }, `Why: ${grant.reason}`) : null),
    h("div", { class: "actions" }, button));
}

function grantForm({ recording, eligible, zone, me, onGranted }) {
  const person = h("select", { class: "input", id: "grant-person", name: "user_id" },
    h("option", { value: "" }, "Choose a person"),
    eligible.map((m) => h("option", { value: m.user_id }, `${displayName(m)} (${roleNames(m.roles)})`)));
  const today = todayIn(zone);
  const until = h("input", { class: "input", type: "date", id: "grant-until", name: "expires_at", min: today, max: addDays(today, 364), "aria-describedby": "grant-until-hint" });
  const reason = h("textarea", { class: "input", id: "grant-reason", name: "reason", rows: "2", maxlength: "500", "aria-describedby": "grant-reason-hint" });
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Give access");
  const form = h("form", { novalidate: true, "aria-labelledby": "grant-heading" },
    h("h3", { id: "grant-heading" }, "Give access"),
    h("div", { class: "field", "data-field": "user_id" }, h("label", { for: person.id }, "Person"), person),
    h("div", { class: "field", "data-field": "expires_at" },
      h("label", { for: until.id }, "Access until (optional for coaches and leads)"),
      h("span", { class: "hint", id: "grant-until-hint" }, `Required for a guest reviewer; at most a year ahead. Access ends at the end of that day (${zone}).`),
      until),
    h("div", { class: "field", "data-field": "reason" },
      h("label", { for: reason.id }, "Reason"),
      h("span", { class: "hint", id: "grant-reason-hint" }, "Required when you give yourself access: the practitioner sees it."),
      reason),
    h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = eligible.find((m) => m.user_id === person.value);
    const problems = [];
    if (!chosen) problems.push({ field: "user_id", message: "Choose who may watch the recording." });
    if (chosen && chosen.roles.includes("guest") && !until.value) problems.push({ field: "expires_at", message: "Choose until when a guest reviewer may watch it." });
    if (chosen && chosen.user_id === me.id && !reason.value.trim()) problems.push({ field: "reason", message: "Say why you need to watch this recording." });
    if (problems.length) {
      showProblems(form, status, { problems });
      return;
    }
    clearProblems(form, status);
    submit.disabled = true;
    const body = { user_id: chosen.user_id, reason: reason.value.trim() };
    // The chosen day is included: access ends as the next day begins.
    if (until.value) body.expires_at = zonedIso(addDays(until.value, 1), "00:00", zone);
    try {
      const grant = await api.post(`/recordings/${recording.id}/access-grants`, body);
      form.reset();
      onGranted(grant, displayName(chosen));
    } catch (error) {
      showApiError(form, status, error, { byCode: { member_not_found: "user_id" }, title: "Access was not given" });
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "stack" }, form, status);
}

/** The panel; `members` of the organisation, `zone` its time zone. */
export function createAccessPanel({ recording, members, zone, me }) {
  const people = new Map(members.map((m) => [m.user_id, m]));
  const eligible = byName(members.filter((m) => m.roles.some((role) => GRANTEE_ROLES.includes(role))));
  const list = h("div", { "aria-live": "polite" });

  async function load(notice = null) {
    try {
      const grants = await api.getAll(`/recordings/${recording.id}/access-grants`);
      replaceChildren(list, notice, grants.length
        ? h("ul", { class: "list" }, grants.map((grant) => grantItem(grant, { people, zone, me, remove })))
        : h("p", { class: "muted" }, "Nobody else has been given access."));
    } catch (error) {
      replaceChildren(list, alertBox("error", "Access could not be loaded", error.message));
    }
    if (notice) notice.focus();
  }

  async function remove(grant, name) {
    if (!window.confirm(`Remove ${name}'s access to this recording? They can no longer watch it or see its comments.`)) return;
    try {
      await api.delete(`/recordings/${recording.id}/access-grants?user_id=${encodeURIComponent(grant.user_id)}`);
      load(alertBox("success", null, `${name} can no longer see this recording.`));
    } catch (error) {
      load(alertBox("error", "Access was not removed", error.message));
    }
  }

  const form = grantForm({
    recording, eligible, zone, me,
    onGranted: (grant, name) => load(alertBox("success", null, grant.expires_at
      ? `${name} can see this recording until ${expiryWords(grant.expires_at, zone).replace(/^Until /, "")}.`
      : `${name} can see this recording until a lead removes their access.`)),
  });
  const element = disclosure("recording-access", "Who can see this recording",
    h("p", { class: "muted" }, "The practitioner, their coaches and the recording's second raters can always see it. These people can too, because a lead gave them access."),
    list, form);
  load();
  return element;
}
