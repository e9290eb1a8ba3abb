// Signing in and out as the whole app sees it: who is signed in, their uploads, what the
// device keeps. Screens and the navigation listen for changes.
import { currentSession, loadSession, onSignedOut, signIn, signOut } from "./api.js";
import { clearLocalData } from "./local-data.js";
import { forgetMe, loadMe } from "./me.js";
import { startQueue, stopQueue, unfinishedCount } from "./uploads/queue.js";

const listeners = new Set();

export function onSessionChange(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener(currentSession());
}

async function signedIn() {
  await loadMe();
  await startQueue(currentSession().user_id);
  changed();
}

/** On start-up: is someone signed in (the cookie), and who. */
export async function resumeSession() {
  if (await loadSession()) await signedIn();
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
