// An address inside the app that leads nowhere.
import { append, h } from "../dom.js";

export const title = "Page not found";

export function render(main) {
  append(main,
    h("h1", {}, title),
    h("p", {}, "There is nothing at this address. It may have been mistyped, or the page has moved."),
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "Go to your home screen")),
  );
}
