// The caller's unread notifications, for the badge in the main navigation. Asked again on
// every screen shown, when the app comes back into view and when a push arrives (the
// service worker says so); a count that cannot be fetched (offline) stays as it was.
import { api, currentSession } from "../api.js";

let unread = 0;
const listeners = new Set();

export function unreadCount() {
  return unread;
}

/** Listeners hear every change of the count. */
export function onUnreadChange(listener) {
  listeners.add(listener);
}

export function setUnread(count) {
  if (count === unread) return;
  unread = count;
  for (const listener of listeners) listener(unread);
}

export async function refreshUnread() {
  if (!currentSession()) {
    setUnread(0);
    return;
  }
  try {
    const answer = await api.get("/notifications/unread-count");
    setUnread(answer.unread);
  } catch {
    // Offline or signed out meanwhile: the badge keeps its last count.
  }
}

export function watchUnread() {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refreshUnread();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "notifications-changed") refreshUnread();
    });
  }
}
