// Accept an invitation: the one-time link from a lead. Someone new chooses a password;
// someone who already has a Tandem account joins signed in as it, or with its password.
import { api, currentSession } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";
import { loadMe } from "../me.js";

export const title = "Accept your invitation";

const MIN_PASSWORD_LENGTH = 12;

function passwordField(id, label, hint, autocomplete) {
  const input = h("input", { class: "input", id, type: "password", autocomplete, "aria-describedby": hint ? `${id}-hint` : null });
  return {
    input,
    field: h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null, input),
  };
}

function show(status, box) {
  replaceChildren(status, box);
  box.focus();
}

/** The form, and what to send once its own checks pass (or an error message). */
function newAccountForm(invitation) {
  // The name the lead gave, to keep or correct.
  const name = h("input", { class: "input", id: "invite-name", name: "name", type: "text", autocomplete: "name", maxlength: "200", "aria-describedby": "invite-name-hint", value: invitation.display_name || "" });
  const password = passwordField("invite-password", "Choose a password", `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`, "new-password");
  const again = passwordField("invite-password-again", "Type the password again", null, "new-password");
  return {
    fields: [
      h("div", { class: "field" }, h("label", { for: name.id }, "Your name"), h("span", { class: "hint", id: "invite-name-hint" }, "As colleagues will see it."), name),
      password.field,
      again.field,
    ],
    button: "Set password and join",
    body() {
      if (password.input.value.length < MIN_PASSWORD_LENGTH) return `Your password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
      if (password.input.value !== again.input.value) return "The two passwords are not the same.";
      const body = { password: password.input.value };
      if (name.value.trim()) body.display_name = name.value.trim();
      return body;
    },
    done: (invitation) => [h("p", {}, `Your password is set. Sign in as ${invitation.email} with your new password.`), signInLink()],
  };
}

function currentPasswordForm(invitation) {
  const password = passwordField("invite-current-password", "Your Tandem password", `The password you already use to sign in as ${invitation.email}. It stays the same.`, "current-password");
  return {
    fields: [password.field],
    button: `Join ${invitation.organisation_name}`,
    body: () => (password.input.value ? { password: password.input.value } : "Enter the password of your Tandem account."),
    done: () => [h("p", {}, `Sign in as ${invitation.email} with your usual password to start.`), signInLink()],
  };
}

function signedInForm(invitation) {
  return {
    fields: [h("p", {}, `You are signed in as ${invitation.email}.`)],
    button: `Join ${invitation.organisation_name}`,
    body: () => ({}),
    async done() {
      await loadMe();
      return [h("a", { class: "button", href: "#/" }, "Go to your home screen")];
    },
  };
}

function signInLink(next) {
  const href = next ? `#/sign-in?next=${encodeURIComponent(next)}` : "#/sign-in";
  return h("a", { class: "button", href }, "Sign in");
}

function acceptForm(token, invitation, choice, status) {
  const submit = h("button", { class: "button button--block", type: "submit" }, choice.button);
  const form = h("form", { class: "card", novalidate: true }, choice.fields, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = choice.body();
    if (typeof body === "string") {
      show(status, alertBox("error", "There is a problem", body));
      return;
    }
    submit.disabled = true;
    try {
      await api.post(`/auth/invitations/${encodeURIComponent(token)}`, body);
      form.hidden = true;
      show(status, alertBox("success", `You have joined ${invitation.organisation_name}`, ...(await choice.done(invitation))));
    } catch (error) {
      submit.disabled = false;
      show(status, alertBox("error", "You have not joined yet", error.message));
    }
  });
  return form;
}

function whatToDo(token, invitation, status) {
  const session = currentSession();
  const signedIn = session ? session.email.toLowerCase() : null;
  if (signedIn === invitation.email) return acceptForm(token, invitation, signedInForm(invitation), status);
  if (signedIn) {
    return alertBox("info", "This invitation is for someone else",
      `It is for ${invitation.email}, and you are signed in as ${session.email}. Sign out, then open this link again.`);
  }
  if (invitation.proof === "new_password") return acceptForm(token, invitation, newAccountForm(invitation), status);
  if (invitation.proof === "current_password") return acceptForm(token, invitation, currentPasswordForm(invitation), status);
  return alertBox("info", "Sign in to join",
    h("p", {}, `You already have a Tandem account as ${invitation.email}. Sign in with it, then come back to this link to join.`),
    signInLink(`/invitation/${token}`));
}

async function load(token, lede, status, content) {
  try {
    const invitation = await api.get(`/auth/invitations/${encodeURIComponent(token)}`);
    const inviter = invitation.invited_by_name || "Your implementation lead";
    const invitee = invitation.display_name ? `${invitation.display_name} (${invitation.email})` : invitation.email;
    lede.textContent = `${inviter} invited ${invitee} to join ${invitation.organisation_name} on Tandem.`;
    replaceChildren(content, whatToDo(token, invitation, status));
  } catch (error) {
    lede.textContent = "Ask the person who invited you for a new link if you still want to join.";
    show(status, alertBox("error", "This invitation cannot be used", error.message));
  } finally {
    content.removeAttribute("aria-busy");
  }
}

export function render(main, { params }) {
  const lede = h("p", { class: "lede" }, "Looking up your invitation…");
  const status = h("div", {});
  const content = h("div", { "aria-busy": "true" });
  append(main, h("h1", {}, "Welcome to Tandem"), lede, status, content);
  load(params.token, lede, status, content);
}
