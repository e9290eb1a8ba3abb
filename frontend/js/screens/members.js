// Members: the implementation lead's list of everyone in the organisation (roles, champion
// flag, whether they can sign in yet), the invitations waiting to be accepted, and the
// form to invite someone. Changing roles, sending links and removing happen in the list.
import { api } from "../api.js";
import { alertBox, append, h } from "../dom.js";
import { fill, listOrEmpty, section } from "../home/section.js";
import { currentMe, currentMembership, displayName, hasRole } from "../me.js";
import { invitationItem, noticeIn } from "../members/invitations.js";
import { inviteForm } from "../members/invite.js";
import { confirmIn, memberItem } from "../members/member-item.js";
import { byName, jumpButton, organisationNav } from "../members/layout.js";
import { roleWords } from "../members/roles.js";

export const title = "Members";

function focusLater(box) {
  // After fill() has put it in the page.
  return () => box.isConnected && box.focus();
}

export async function render(main) {
  const me = currentMe();
  const membership = currentMembership();
  append(main, h("h1", {}, title));
  if (!membership || !hasRole(membership, "lead")) {
    append(main, alertBox("info", null, "Members and invitations are for implementation leads."));
    return null;
  }
  main.classList.add("page--wide");
  const base = `/organisations/${membership.organisation_id}`;
  const people = section(`Members of ${membership.organisation_name}`);
  const waiting = section("Invitations waiting", { intro: "Sent and not yet accepted. Sending one again makes a new link; the old one stops working." });
  const memberByEmail = new Map();

  async function loadMembers(notice = null, then = null) {
    await fill(people, async () => {
      const members = byName(await api.getAll(`${base}/members`));
      memberByEmail.clear();
      for (const member of members) memberByEmail.set(member.email, member);
      const items = members.map((member) => memberItem(member, {
        base,
        isMe: me && member.user_id === me.id,
        organisationName: membership.organisation_name,
        changed: (saved) => loadMembers(null, (list) => confirmIn(list, saved.membership_id,
          `Saved: ${displayName(saved)} is now ${roleWords(saved.roles)}${saved.is_champion ? ", programme champion" : ""}.`)),
        removed: (name) => {
          const box = alertBox("success", null, `${name} is no longer a member of ${membership.organisation_name}.`);
          loadMembers(box, focusLater(box));
        },
        invited: () => loadInvitations(),
      }));
      return [notice, h("p", { class: "muted" }, items.length === 1 ? "1 member" : `${items.length} members`), listOrEmpty(items, "Nobody yet.")];
    });
    if (then) then(people.element);
  }

  async function loadInvitations(notice = null, then = null) {
    await fill(waiting, async () => {
      const invitations = await api.getAll(`${base}/invitations`);
      const items = invitations.map((invitation) => invitationItem(invitation, {
        base,
        memberByEmail,
        resent: (id, issued) => loadInvitations(null, (list) => noticeIn(list, id, issued)),
        cancelled: (name) => {
          const box = alertBox("success", null, `The invitation to ${name} is cancelled: its link no longer works.`);
          loadInvitations(box, focusLater(box));
        },
      }));
      return [notice, listOrEmpty(items, "No invitations are waiting to be accepted.")];
    });
    if (then) then(waiting.element);
  }

  const invite = inviteForm({ base, onInvited: () => loadInvitations() });
  append(main,
    h("p", { class: "lede" }, "Invite people with the roles they will hold, change what they do, and remove those who leave."),
    organisationNav("/members"),
    jumpButton("Invite someone", invite.focus),
    h("div", { class: "grid grid--main-side" },
      h("div", { class: "stack" }, people.element),
      h("div", { class: "stack" }, invite.element, waiting.element),
    ),
  );
  loadMembers();
  loadInvitations();
  return () => main.classList.remove("page--wide");
}
