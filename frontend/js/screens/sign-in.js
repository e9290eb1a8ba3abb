// Sign in: with a password, or with the organisation's identity provider when set up.
import { ssoStatus } from "../api.js";
import { append, alertBox, h, replaceChildren } from "../dom.js";
import { navigate } from "../router.js";
import { signInWithPassword } from "../session.js";

export const title = "Sign in";

const NOTICES = {
  ended: ["info", "Your session has ended. Sign in again to carry on; unfinished uploads continue where they stopped."],
  "signed-out": ["success", "You have signed out. Tandem removed what it kept on this device."],
};

function safeNext(query) {
  const next = query.get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

async function showSso(container) {
  try {
    const sso = await ssoStatus();
    if (!sso.enabled || !sso.login_url) return;
    replaceChildren(
      container,
      h("a", { class: "button button--secondary button--block", href: sso.login_url, id: "sign-in-sso" }, `Sign in with ${sso.display_name}`),
      h("p", { class: "divider" }, "or with your email and password"),
    );
  } catch {
    // Without the answer, password sign-in still works; nothing to show.
  }
}

export function render(main, { query }) {
  const status = h("div", {});
  const notice = NOTICES[query.get("notice")];
  if (notice) status.append(alertBox(notice[0], null, notice[1]));
  const sso = h("div", {});
  const email = h("input", { class: "input", id: "sign-in-email", name: "email", type: "email", autocomplete: "username", required: true, spellcheck: "false" });
  const password = h("input", { class: "input", id: "sign-in-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { class: "button button--block", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("div", { class: "field" }, h("label", { for: email.id }, "Email"), email),
    h("div", { class: "field" }, h("label", { for: password.id }, "Password"), password),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!email.value.trim() || !password.value) {
      const box = alertBox("error", "There is a problem", "Enter your email and your password.");
      replaceChildren(status, box);
      box.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      await signInWithPassword(email.value.trim(), password.value);
      navigate(safeNext(query));
    } catch (error) {
      submit.disabled = false;
      submit.textContent = "Sign in";
      const box = alertBox("error", "You are not signed in", error.message);
      replaceChildren(status, box);
      box.focus();
    }
  });
  append(main,
    h("h1", {}, "Sign in to Tandem"),
    h("p", { class: "lede" }, "Review session recordings and reflections with your coach or practitioners."),
    status,
    sso,
    form,
    h("p", {}, h("a", { class: "list__link", href: "#/forgot-password" }, "Forgot your password?")),
  );
  showSso(sso);
}
