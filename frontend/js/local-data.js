// Everything the app keeps on the device, and wiping it when someone signs out.
// Kept: the tus resume records (upload URL and metadata, under "tus::" in localStorage),
// the chosen organisation (sessionStorage) and in-browser recordings not yet uploaded
// (IndexedDB). The service worker's cache holds only the app's own code, never data.

export const CAPTURES_DB = "tandem-captures";

export async function clearLocalData() {
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage disabled by the browser: nothing was stored.
  }
  await new Promise((resolve) => {
    if (!("indexedDB" in window)) {
      resolve();
      return;
    }
    const request = indexedDB.deleteDatabase(CAPTURES_DB);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
