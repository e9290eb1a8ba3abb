// Inviting someone: the form, and what a lead does with the invitation once it is issued
// (passes the link on when the service cannot email it).
import { api } from "../api.js";
import { alertBox, h, replaceChildren, uniqueId } from "../dom.js";
import { formatDate } from "../format.js";
import { clearProblems, showApiError, showProblems } from "../forms.js";
import { championChoice, chosenRoles, roleChoices } from "./roles.js";

/** The invitation just issued: the link to pass on, or where it was emailed. */
export function issuedNotice(issued) {
  const { invitation } = issued;
  const expires = formatDate(invitation.expires_at);
  if (!issued.invitation_url) {
    return alertBox("success", null, `Invitation emailed to ${invitation.email}. The link in it works until ${expires}.`);
  }
  const input = h("input", { class: "input", id: uniqueId("invitation-link"), type: "text", readonly: true, value: issued.invitation_url });
  const status = h("div", {});
  const copy = h("button", { class: "button button--secondary", type: "button" }, "Copy link");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(issued.invitation_url);
      replaceChildren(status, h("p", { role: "status" }, "Link copied."));
    } catch {
      input.select();
      replaceChildren(status, h("p", { role: "status" }, "Select the link and copy it."));
    }
  });
  return alertBox("success", `Invitation ready for ${invitation.email}`,
    `Tandem is not set up to send email, so send them this link yourself. It works once, until ${expires}.`,
    h("div", { class: "field" }, h("label", { for: input.id }, "Invitation link"), input),
    status,
    h("div", { class: "actions" }, copy),
  );
}

export function inviteForm({ base, onInvited }) {
  const email = h("input", { class: "input", id: "invite-email", name: "email", type: "email", autocomplete: "off", maxlength: "320", spellcheck: "false" });
  const name = h("input", { class: "input", id: "invite-name", name: "display_name", type: "text", autocomplete: "off", maxlength: "200" });
  const status = h("div", { class: "form-status" });
  const submit = h("button", { class: "button", type: "submit" }, "Send invitation");
  const form = h("form", { novalidate: true, "aria-labelledby": "invite-heading" },
    h("h2", { id: "invite-heading" }, "Invite someone"),
    h("p", { class: "muted" }, "They join with these roles when they accept the link, which works once."),
    h("div", { class: "field", "data-field": "email" }, h("label", { for: email.id }, "Email"), email),
    h("div", { class: "field", "data-field": "display_name" },
      h("label", { for: name.id }, "Name (optional)"),
      h("span", { class: "hint", id: "invite-name-hint" }, "As colleagues will see it. They can correct it when they join."),
      name),
    roleChoices("invite"),
    championChoice("invite"),
    h("div", { class: "actions" }, submit),
  );
  name.setAttribute("aria-describedby", "invite-name-hint");
  const card = h("div", { class: "card" }, form, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const roles = chosenRoles(form);
    const problems = [];
    if (!email.value.trim()) problems.push({ field: "email", message: "Enter the email address of the person to invite." });
    if (!roles.length) problems.push({ field: "roles", message: "Choose at least one role." });
    if (problems.length) {
      showProblems(form, status, { problems });
      return;
    }
    clearProblems(form, status);
    submit.disabled = true;
    try {
      const issued = await api.post(`${base}/members`, {
        email: email.value.trim(),
        display_name: name.value.trim(),
        roles,
        is_champion: form.elements.is_champion.checked,
      });
      form.reset();
      const notice = issuedNotice(issued);
      replaceChildren(status, notice);
      notice.focus();
      onInvited();
    } catch (error) {
      showApiError(form, status, error, { title: "The invitation was not sent" });
    } finally {
      submit.disabled = false;
    }
  });
  return { element: card, focus: () => email };
}
