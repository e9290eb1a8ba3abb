// A question that needs an answer before something is lost: a real <dialog>, modal (the
// browser keeps focus inside it and Escape closes it), titled and described for screen
// readers, focus on the safe choice, and focus back where it was afterwards.
import { h, uniqueId } from "./dom.js";

/**
 * Resolves to true when the person confirms. `text` says what will happen; `confirmLabel`
 * names the action (a danger button), `keepLabel` the way out (the default).
 */
export function confirmDialog({ title, text, confirmLabel, keepLabel }) {
  const returnTo = document.activeElement;
  const titleId = uniqueId("dialog-title");
  const textId = uniqueId("dialog-text");
  const keep = h("button", { class: "button button--secondary", type: "button", value: "keep" }, keepLabel);
  const confirm = h("button", { class: "button button--danger", type: "button", value: "confirm" }, confirmLabel);
  const dialog = h(
    "dialog",
    { class: "dialog", "aria-labelledby": titleId, "aria-describedby": textId },
    h("h2", { id: titleId, class: "dialog__title" }, title),
    h("p", { id: textId }, text),
    h("div", { class: "actions" }, keep, confirm),
  );
  return new Promise((resolve) => {
    const close = (answer) => dialog.close(answer);
    keep.addEventListener("click", () => close("keep"));
    confirm.addEventListener("click", () => close("confirm"));
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (returnTo && returnTo.isConnected) returnTo.focus();
      resolve(dialog.returnValue === "confirm");
    });
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
