// Invitations not yet accepted: sending the link again (a new link; the old one stops
// working) and cancelling.
import { api } from "../api.js";
import { alertBox, h, replaceChildren } from "../dom.js";
import { formatDate } from "../format.js";
import { displayName } from "../me.js";
import { issuedNotice } from "./invite.js";
import { actionButton } from "./layout.js";
import { roleTags } from "./roles.js";

function show(status, box) {
  replaceChildren(status, box);
  box.focus();
}

/** A new link for the invitation: a member who cannot sign in yet has theirs by membership
 * (inviting their email again would answer "already a member"). */
function reissue(base, invitation, memberByEmail) {
  const member = memberByEmail.get(invitation.email);
  if (member) return api.post(`${base}/members/${member.membership_id}/invitation`, {});
  return api.post(`${base}/members`, {
    email: invitation.email,
    display_name: invitation.display_name,
    roles: invitation.roles,
    is_champion: invitation.is_champion,
  });
}

/** `resent(invitationId, issued)` after a new link, `cancelled(name)` after a cancellation. */
export function invitationItem(invitation, { base, memberByEmail, resent, cancelled }) {
  const name = displayName(invitation);
  const status = h("div", { class: "member__status" });
  const expired = new Date(invitation.expires_at) < new Date();
  const resend = actionButton("Resend", `invitation to ${invitation.email}`);
  resend.addEventListener("click", async () => {
    try {
      resent(invitation.id, await reissue(base, invitation, memberByEmail));
    } catch (error) {
      show(status, alertBox("error", "The invitation was not sent again", error.message));
    }
  });
  const cancel = actionButton("Cancel invitation", `to ${invitation.email}`, "button--danger");
  cancel.addEventListener("click", async () => {
    try {
      await api.delete(`${base}/invitations/${invitation.id}`);
      cancelled(name);
    } catch (error) {
      show(status, alertBox("error", "The invitation was not cancelled", error.message));
    }
  });
  return h("li", { class: "list__item list__item--stack member", "data-invitation": invitation.id },
    h("div", { class: "member__head" },
      h("span", { class: "list__title" }, name),
      invitation.display_name ? h("span", { class: "list__meta" }, invitation.email) : null,
      roleTags(invitation.roles, invitation.is_champion, expired ? h("span", { class: "tag tag--pending" }, "Link expired") : null),
      h("span", { class: "list__meta" },
        `Invited ${formatDate(invitation.created_at)} · ${expired ? "expired" : "link works until"} ${formatDate(invitation.expires_at)}`),
    ),
    h("div", { class: "actions member__actions" }, resend, cancel),
    status,
  );
}

/** The issued invitation's notice in its item of `list`, with focus on it. */
export function noticeIn(list, invitationId, issued) {
  const item = list.querySelector(`[data-invitation="${invitationId}"]`);
  if (!item) return false;
  show(item.querySelector(".member__status"), issuedNotice(issued));
  return true;
}
