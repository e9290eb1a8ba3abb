// One member in the lead's list: who they are, their roles, whether they can sign in; and
// changing their roles and champion flag, sending a sign-up link, removing them.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { showApiError, showProblems } from "../forms.js";
import { displayName } from "../me.js";
import { issuedNotice } from "./invite.js";
import { actionButton } from "./layout.js";
import { championChoice, chosenRoles, roleChoices, roleTags } from "./roles.js";


function show(status, box) {
  replaceChildren(status, box);
  box.focus();
}

function editForm(member, { base, name, onSaved, onClose }) {
  const prefix = `member-${member.membership_id}`;
  const status = h("div", {});
  const save = h("button", { class: "button", type: "submit" }, "Save changes");
  const cancel = h("button", { class: "button button--secondary", type: "button", on: { click: onClose } }, "Cancel");
  const form = h("form", { class: "member__edit", id: `${prefix}-edit`, novalidate: true, "aria-label": `Roles of ${name}`, hidden: true },
    roleChoices(prefix, member.roles),
    championChoice(prefix, member.is_champion),
    h("p", { class: "muted" }, "Taking a role away ends what came with it: a coach's or supervisor's assignments, a practitioner's coaches and supervisors."),
    status,
    h("div", { class: "actions" }, save, cancel),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const roles = chosenRoles(form);
    if (!roles.length) {
      showProblems(form, status, { problems: [{ field: "roles", message: "Choose at least one role." }] });
      return;
    }
    save.disabled = true;
    try {
      const saved = await api.patch(`${base}/members/${member.membership_id}`, { roles, is_champion: form.elements.is_champion.checked });
      onSaved(saved);
    } catch (error) {
      showApiError(form, status, error, { title: "The changes were not saved" });
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/**
 * `changed(member)` after a save, `removed(name)` after a removal, `invited()` after a
 * sign-up link was issued. `isMe`: the lead themselves.
 */
export function memberItem(member, { base, isMe, organisationName, changed, removed, invited }) {
  const name = displayName(member);
  const status = h("div", { class: "member__status" });
  const toggle = actionButton("Change roles", `of ${name}`);
  const edit = editForm(member, {
    base,
    name,
    onSaved: changed,
    onClose: () => {
      edit.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    },
  });
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", edit.id);
  toggle.addEventListener("click", () => {
    edit.hidden = !edit.hidden;
    toggle.setAttribute("aria-expanded", String(!edit.hidden));
    if (!edit.hidden) edit.querySelector("input").focus();
  });

  const remove = actionButton("Remove", name, "button--danger");
  remove.addEventListener("click", async () => {
    const question = `Remove ${name} from ${organisationName}? They lose access at once, and their coaching and supervision assignments end.`;
    if (!window.confirm(question)) return;
    try {
      await api.delete(`${base}/members/${member.membership_id}`);
      removed(name);
    } catch (error) {
      show(status, alertBox("error", `${name} was not removed`, error.message));
    }
  });

  let signUp = null;
  if (!member.can_sign_in) {
    signUp = actionButton("Send sign-up link", `to ${name}`);
    signUp.addEventListener("click", async () => {
      try {
        show(status, issuedNotice(await api.post(`${base}/members/${member.membership_id}/invitation`, {})));
        invited();
      } catch (error) {
        show(status, alertBox("error", "No sign-up link was sent", error.message));
      }
    });
  }

  return h("li", { class: "list__item list__item--stack member", "data-membership": member.membership_id },
    h("div", { class: "member__head" },
      h("span", { class: "list__title" }, name, isMe ? " (you)" : null),
      member.display_name ? h("span", { class: "list__meta" }, member.email) : null,
      roleTags(member.roles, member.is_champion,
        member.can_sign_in ? null : h("span", { class: "tag tag--pending" }, "Cannot sign in yet")),
    ),
    h("div", { class: "actions member__actions" }, toggle, signUp, remove),
    status,
    edit,
  );
}

/** Show `message` in the item of `membershipId` within `list`, and move focus to it. */
export function confirmIn(list, membershipId, message) {
  const item = list.querySelector(`[data-membership="${membershipId}"]`);
  if (!item) return false;
  show(item.querySelector(".member__status"), alertBox("success", null, message));
  return true;
}
