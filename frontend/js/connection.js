// Saying plainly when there is no connection: what still works (recording and queueing
// uploads, kept on this device) and what waits for the connection (everything from the server).
import { h } from "./dom.js";

export function watchConnection(before) {
  const notice = h(
    "p",
    { class: "banner banner--offline", id: "offline-notice", role: "status", hidden: true },
    "You are offline. You can still record and queue recordings: this device keeps them and uploads them when you are back online. Your recordings, feedback and other screens need a connection.",
  );
  before.before(notice);
  const update = () => {
    notice.hidden = navigator.onLine;
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}
