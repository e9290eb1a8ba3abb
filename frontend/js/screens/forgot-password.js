// Forgot your password: ask for a one-time link by email. The answer is the same whether or
// not the address has an account, so it never tells anyone who uses Tandem.
import { api } from "../api.js";
import { alertBox, append, h, replaceChildren } from "../dom.js";

export const title = "Forgot your password";

function show(status, box) {
  replaceChildren(status, box);
  box.focus();
}

export function render(main) {
  const status = h("div", {});
  const email = h("input", { class: "input", id: "forgot-email", name: "email", type: "email", autocomplete: "username", required: true, spellcheck: "false", "aria-describedby": "forgot-email-hint" });
  const submit = h("button", { class: "button button--block", type: "submit" }, "Email me a link");
  const form = h("form", { class: "card", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: email.id }, "Email"),
      h("span", { class: "hint", id: "forgot-email-hint" }, "The address you sign in with."),
      email),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!email.value.trim()) {
      show(status, alertBox("error", "There is a problem", "Enter the email address you sign in with."));
      return;
    }
    submit.disabled = true;
    try {
      const answer = await api.post("/auth/password-resets", { email: email.value.trim() });
      form.hidden = true;
      show(status, alertBox("success", "Check your email", answer.message,
        h("p", {}, "Nothing there after a few minutes? Look in your spam folder, or ask your implementation lead.")));
    } catch (error) {
      submit.disabled = false;
      show(status, alertBox("error", "No link was sent", error.message));
    }
  });
  append(main,
    h("h1", {}, "Forgot your password?"),
    h("p", { class: "lede" }, "We will email you a link to choose a new one. It works once, for a short while."),
    status,
    form,
    h("p", {}, h("a", { class: "list__link", href: "#/sign-in" }, "Back to sign in")),
  );
}
