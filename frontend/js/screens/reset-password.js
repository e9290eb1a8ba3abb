// Choose a new password from the emailed one-time link. Every device signed in as this
// person is signed out by it.
import { api } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";

export const title = "Choose a new password";

const MIN_PASSWORD_LENGTH = 12;

function show(status, box) {
  replaceChildren(status, box);
  box.focus();
}

function passwordField(id, label, hint) {
  const input = h("input", { class: "input", id, type: "password", autocomplete: "new-password", "aria-describedby": hint ? `${id}-hint` : null });
  return { input, field: h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null, input) };
}

function resetForm(token, reset, status) {
  const password = passwordField("reset-password", "New password", `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`);
  const again = passwordField("reset-password-again", "Type it again", null);
  const submit = h("button", { class: "button button--block", type: "submit" }, "Save the new password");
  const form = h("form", { class: "card", novalidate: true },
    h("p", {}, `For ${reset.email}. Saving it signs you out everywhere, on every device.`),
    password.field, again.field, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (password.input.value.length < MIN_PASSWORD_LENGTH) {
      show(status, alertBox("error", "There is a problem", `Your password needs at least ${MIN_PASSWORD_LENGTH} characters.`));
      return;
    }
    if (password.input.value !== again.input.value) {
      show(status, alertBox("error", "There is a problem", "The two passwords are not the same."));
      return;
    }
    submit.disabled = true;
    try {
      await api.post(`/auth/password-resets/${encodeURIComponent(token)}`, { password: password.input.value });
      form.hidden = true;
      show(status, alertBox("success", "Your password is changed",
        h("p", {}, `Sign in as ${reset.email} with your new password.`),
        h("a", { class: "button", href: "#/sign-in" }, "Sign in")));
    } catch (error) {
      submit.disabled = false;
      show(status, alertBox("error", "Your password is not changed", error.message));
    }
  });
  return form;
}

async function load(token, status, content) {
  try {
    const reset = await api.get(`/auth/password-resets/${encodeURIComponent(token)}`);
    replaceChildren(content, resetForm(token, reset, status));
  } catch (error) {
    show(status, alertBox("error", "This link cannot be used", error.message,
      h("a", { class: "button button--secondary", href: "#/forgot-password" }, "Ask for a new link")));
  } finally {
    content.removeAttribute("aria-busy");
  }
}

export function render(main, { params }) {
  const status = h("div", {});
  const content = h("div", { "aria-busy": "true" });
  append(main, h("h1", {}, "Choose a new password"), status, content);
  load(params.token, status, content);
}
