// The upload queue as this device keeps it between visits (IndexedDB, this device only): each
// item's details, and the recording itself where the browser lets us keep a file (Chromium
// does). A recording waiting to upload is the one thing Tandem keeps on a device: it is
// removed once the upload is done, cancelled or dismissed, and on sign-out.
import { QUEUE_DB } from "../local-data.js";

const STORE = "items";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(QUEUE_DB, 1);
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

/**
 * Keep a record ({id, userId, title, fileName, size, fingerprint, details, file, ...}).
 * Resolves to whether the file itself was kept: a browser that cannot store it, or a full
 * disk, keeps the details alone and the person is asked for the file after a reload.
 */
export async function keepRecord(record) {
  try {
    await run("readwrite", (store) => store.put(record));
    return Boolean(record.file);
  } catch {
    if (!record.file) return false;
    try {
      await run("readwrite", (store) => store.put({ ...record, file: null }));
    } catch {
      // No IndexedDB at all (a private window in some browsers): the page's memory only.
    }
    return false;
  }
}

/** Change some fields of a kept record (the file stays unless `file: null` is given). */
export async function updateRecord(id, changes) {
  try {
    const record = await run("readonly", (store) => store.get(id));
    if (record) await run("readwrite", (store) => store.put({ ...record, ...changes }));
  } catch {
    // As in keepRecord: nothing kept, nothing to change.
  }
}

export function dropRecord(id) {
  return run("readwrite", (store) => store.delete(id)).catch(() => undefined);
}

/** This person's kept items, oldest first (the order they were queued in). */
export async function recordsOf(userId) {
  try {
    const all = await run("readonly", (store) => store.getAll());
    return all.filter((record) => record.userId === userId).sort((a, b) => a.queuedAt - b.queuedAt);
  } catch {
    return [];
  }
}
