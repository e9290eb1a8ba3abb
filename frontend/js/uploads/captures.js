// Recordings made in the browser exist nowhere else until uploaded, so they wait in
// IndexedDB (on this device only) until the upload completes, is cancelled, or the person
// signs out. Picked files stay where they are on the phone and are never copied.
import { CAPTURES_DB } from "../local-data.js";

const STORE = "captures";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(CAPTURES_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** Keep {id, userId, file, details} until the upload is done. */
export function keepCapture(capture) {
  return run("readwrite", (store) => store.put(capture));
}

export function dropCapture(id) {
  return run("readwrite", (store) => store.delete(id)).catch(() => undefined);
}

export async function capturesOf(userId) {
  try {
    const all = await run("readonly", (store) => store.getAll());
    return all.filter((capture) => capture.userId === userId);
  } catch {
    return [];
  }
}
