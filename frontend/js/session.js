// Signing in and out as the whole app sees it: who is signed in, their uploads, what the
// device keeps. Screens and the navigation listen for changes.
import { ApiError, currentSession, loadSession, onSignedOut, sessionEnded, signIn, signOut, useOfflineSession } from "./api.js";
import { clearLocalData, rememberedProfile, rememberProfile } from "./local-data.js";
import { currentMe, forgetMe, loadMe, useProfile } from "./me.js";
import { startQueue, stopQueue, unfinishedCount } from "./uploads/queue.js";

const listeners = new Set();

export function onSessionChange(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener(currentSession());
}

const RECONNECT_DELAY_MS = 5000;

async function signedIn() {
  await loadMe();
  rememberProfile(currentMe());
  await startQueue(currentSession().user_id);
  changed();
}

/** Back online after opening offline: ask the server whether the session still holds. */
async function reconnect() {
  if (!currentSession() || !currentSession().offline || !navigator.onLine) return;
  try {
    if (await loadSession()) await signedIn();
    else sessionEnded(); // the queue waits for the next sign-in
  } catch {
    window.setTimeout(reconnect, RECONNECT_DELAY_MS); // connected, but the server not yet
  }
}

/** No connection: a practitioner signed in on this device still records and queues. */
async function openOffline(error) {
  const profile = rememberedProfile();
  if (!(error instanceof ApiError) || error.status !== 0 || !profile) return false;
  useOfflineSession(profile);
  useProfile(profile);
  await startQueue(profile.id);
  window.addEventListener("online", reconnect);
  changed();
  return true;
}

/** On start-up: is someone signed in (the cookie), and who. */
export async function resumeSession() {
  let session;
  try {
    session = await loadSession();
  } catch (error) {
    if (await openOffline(error)) return;
    throw error;
  }
  if (session) await signedIn();
  else changed();
}

export async function signInWithPassword(email, password) {
  await signIn(email, password);
  await signedIn();
}

/** How many uploads signing out would stop. */
export function uploadsAtRisk() {
  return unfinishedCount();
}

/** Stop uploads (deleting them on the server), end the session, wipe the device's copy. */
export async function signOutEverywhere() {
  await stopQueue();
  await signOut();
  await clearLocalData();
  forgetMe();
  changed();
}

// The server ended the session (expiry, revoked elsewhere): keep uploads for the next sign-in.
onSignedOut(() => {
  forgetMe();
  changed();
});
