// Keyboard shortcuts on the review screen: K play or pause, J back 5 s, C comment at this
// moment. Single keys only act outside text fields, and people can turn them off (WCAG 2.1.4);
// the choice is kept on this device.
import { h } from "../dom.js";

const KEY = "tandem.review-shortcuts";

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.matches("textarea, select")) return true;
  return target.matches("input") && !["checkbox", "radio", "range", "button", "submit"].includes(target.type);
}

export function installShortcuts({ player, comment }) {
  const toggle = h("input", { type: "checkbox", id: "review-shortcuts", checked: localStorage.getItem(KEY) !== "off" });
  toggle.addEventListener("change", () => localStorage.setItem(KEY, toggle.checked ? "on" : "off"));

  function onKey(event) {
    if (!toggle.checked || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const action = { k: () => player.toggle(), j: () => player.back(), c: comment }[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    action();
  }
  document.addEventListener("keydown", onKey);
  return {
    element: h("div", { class: "shortcuts" },
      h("label", { class: "choice" }, toggle, h("span", {}, "Keyboard shortcuts: ", h("kbd", {}, "K"), " play or pause, ", h("kbd", {}, "J"), " back 5 s, ", h("kbd", {}, "C"), " comment"))),
    remove: () => document.removeEventListener("keydown", onKey),
  };
}
