// Everything the app keeps on the device, and wiping it when someone signs out.
// Kept: the upload queue (IndexedDB: each waiting recording's details, and the file itself
// where the browser allows, until it is uploaded, cancelled or dismissed), the tus resume
// records (upload URL and metadata, under "tus::" in localStorage), the chosen organisation
// (sessionStorage) and, for practitioners, who is signed in (their name, organisations and
// roles, in localStorage) so the app opens with no signal to record and queue a session.
// The service worker's cache holds only the app's own code, never data.

export const QUEUE_DB = "tandem-upload-queue";
// Where earlier versions kept recordings made in the browser: still wiped on sign-out.
const EARLIER_DATABASES = ["tandem-captures"];
const PROFILE_KEY = "tandem.offline-profile";

/** Remember who is signed in, for opening the app offline (practitioners only). */
export function rememberProfile(me) {
  try {
    const practises = me.memberships.some((m) => m.roles.includes("practitioner"));
    if (!practises) {
      localStorage.removeItem(PROFILE_KEY);
      return;
    }
    const { id, email, display_name: displayName, memberships } = me;
    localStorage.setItem(PROFILE_KEY, JSON.stringify({ id, email, display_name: displayName, memberships }));
  } catch {
    // Storage disabled by the browser: the app then needs a connection to open.
  }
}

/** The person last signed in on this device, or null. */
export function rememberedProfile() {
  try {
    return JSON.parse(localStorage.getItem(PROFILE_KEY) || "null");
  } catch {
    return null;
  }
}

function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

export async function clearLocalData() {
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage disabled by the browser: nothing was stored.
  }
  if (!("indexedDB" in window)) return;
  await Promise.all([QUEUE_DB, ...EARLIER_DATABASES].map(deleteDatabase));
}
