// What the lead's organisation screens (Members, Assignments, Programmes, Settings, Audit trail)
// share: the links between them, the way to the form on a phone, people in alphabetical
// order, buttons in lists.
import { h } from "../dom.js";
import { displayName } from "../me.js";

/** The lead's organisation screens, side by side (reached from Members in the main
 * navigation, which stays short on a phone). */
export function organisationNav(current) {
  const links = [["/members", "Members"], ["/assignments", "Assignments"], ["/programmes", "Programmes"], ["/settings", "Settings"], ["/audit", "Audit trail"], ["/calibration", "Calibration"]];
  return h("nav", { class: "sub-nav", "aria-label": "Organisation" },
    h("ul", { class: "sub-nav__list" }, links.map(([path, label]) =>
      h("li", {}, h("a", { class: "sub-nav__link", href: `#${path}`, "aria-current": path === current ? "page" : null }, label)))));
}

/** On a phone the form sits below a long list: a button that takes people to it. */
export function jumpButton(label, target) {
  return h("div", { class: "actions jump" },
    h("button", {
      class: "button button--secondary",
      type: "button",
      on: { click: () => target().focus() },
    }, label));
}

export function byName(people) {
  return [...people].sort((a, b) => displayName(a).localeCompare(displayName(b), "en-GB", { sensitivity: "base" }));
}

/** A small button whose name says whom it acts on, though only `label` shows. */
export function actionButton(label, whom, kind = "button--secondary") {
  return h("button", { class: `button button--small ${kind}`, type: "button" },
    label, h("span", { class: "visually-hidden" }, ` ${whom}`));
}
