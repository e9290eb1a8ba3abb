// Web Push on this device: subscribe with the server's VAPID key and tell the server, or
// undo both. The server sends nothing personal in a push (see app/notifications/push.py).
import { api } from "../api.js";

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(window.atob(base64), (character) => character.charCodeAt(0));
}

export async function enablePush(publicKey) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    throw new Error("Your browser blocks notifications from Tandem. Allow them in its site settings, then try again.");
  }
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  await api.post("/push/subscriptions", subscription.toJSON());
  return api.patch("/me/notification-settings", { web_push: true });
}

export async function disablePush() {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    try {
      await api.delete(`/push/subscriptions?endpoint=${encodeURIComponent(subscription.endpoint)}`);
    } catch {
      // Already forgotten by the server: unsubscribing here is all that is left.
    }
    await subscription.unsubscribe();
  }
  return api.patch("/me/notification-settings", { web_push: false });
}
