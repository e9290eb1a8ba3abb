// Accept an invitation: the one-time link from a lead sets the person's name and password.
import { api } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";

export const title = "Set your password";

const MIN_PASSWORD_LENGTH = 12;

export function render(main, { params }) {
  const status = h("div", {});
  const name = h("input", { class: "input", id: "invite-name", name: "name", type: "text", autocomplete: "name", maxlength: "200" });
  const password = h("input", { class: "input", id: "invite-password", type: "password", autocomplete: "new-password", "aria-describedby": "invite-password-hint" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("div", { class: "field" }, h("label", { for: name.id }, "Your name"), h("span", { class: "hint", id: "invite-name-hint" }, "As colleagues will see it."), name),
    h("div", { class: "field" },
      h("label", { for: password.id }, "Choose a password"),
      h("span", { class: "hint", id: "invite-password-hint" }, `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`),
      password,
    ),
    h("button", { class: "button button--block", type: "submit" }, "Set password"),
  );
  name.setAttribute("aria-describedby", "invite-name-hint");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let box;
    if (password.value.length < MIN_PASSWORD_LENGTH) {
      box = alertBox("error", "There is a problem", `Your password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    } else {
      try {
        const body = { password: password.value };
        if (name.value.trim()) body.display_name = name.value.trim();
        const accepted = await api.post(`/auth/invitations/${encodeURIComponent(params.token)}`, body);
        form.hidden = true;
        box = alertBox("success", "Your password is set", h("p", {}, `Sign in as ${accepted.email} with your new password.`),
          h("a", { class: "button", href: "#/sign-in" }, "Sign in"));
      } catch (error) {
        box = alertBox("error", "Your password is not set", error.message);
      }
    }
    replaceChildren(status, box);
    box.focus();
  });
  append(main,
    h("h1", {}, "Welcome to Tandem"),
    h("p", { class: "lede" }, "You have been invited to Tandem. Set a password to sign in."),
    status,
    form,
  );
}
