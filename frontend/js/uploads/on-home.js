// The uploads this device holds, on the home screen in the same words as on the upload
// screen: while a recording is on its way, this device's queue is the one source of truth
// for its state (the server only knows that bytes are missing, not whether they are coming).
import { h } from "../dom.js";
import { subscribe } from "./queue.js";
import { isUnfinished, stateLabel, statusClass } from "./states.js";

function currentItems() {
  let items = [];
  subscribe((snapshot) => {
    items = snapshot;
  })();
  return items;
}

function itemView(item) {
  const status = h("span", {});
  const message = h("span", { class: "list__meta" });
  // Anything the person may need to act on (pause, choose the file again...) is on the
  // upload screen, so an unfinished upload links there.
  const title = isUnfinished(item)
    ? h("a", { class: "list__title list__link", href: "#/upload" }, item.title)
    : h("span", { class: "list__title" }, item.title);
  const element = h("li", { class: "list__item", "data-upload": item.id }, h("div", {}, title, message), status);
  const show = (current) => {
    status.className = statusClass(current);
    status.textContent = stateLabel(current);
    message.textContent = current.message;
  };
  show(item);
  let wasShown = false;
  const stop = subscribe((items) => {
    if (element.isConnected) wasShown = true;
    else if (wasShown) {
      stop();
      return;
    }
    const current = items.find((other) => other.id === item.id);
    if (current) show(current);
  });
  return element;
}

/**
 * This organisation's uploads still on this device, as home-screen list items kept up to
 * date, and the ids of the recordings they stand for (home shows those only once, from here).
 */
export function queuedOnHome(organisationId) {
  const shown = currentItems().filter(
    (item) => item.details.organisationId === organisationId && !["ready", "cancelled"].includes(item.state),
  );
  return {
    recordingIds: new Set(shown.map((item) => item.recordingId).filter(Boolean)),
    elements: shown.map(itemView),
  };
}
