// tus-js-client's resume records: "tus::<fingerprint>::<n>" in localStorage, holding the
// upload URL and the metadata sent. Our fingerprints start with "tandem/<user id>/", so one
// person never sees another's uploads on a shared phone.

const PREFIX = "tus::";

function entries() {
  const found = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PREFIX)) found.push(key);
  }
  return found;
}

function detailsFrom(metadata) {
  return {
    title: metadata.title || metadata.filename || "Untitled recording",
    organisationId: metadata.organisation_id,
    consentScope: metadata.consent_scope,
    consentMethod: metadata.consent_method || "",
    recordedAt: metadata.recorded_at || "",
    programmeId: metadata.programme_id || "",
  };
}

/** Uploads this person started and did not finish, newest record per file. */
export function resumeRecords(userId) {
  const records = new Map();
  for (const key of entries()) {
    const fingerprint = key.slice(PREFIX.length, key.lastIndexOf("::"));
    if (!fingerprint.startsWith(`tandem/${userId}/`)) continue;
    try {
      const stored = JSON.parse(localStorage.getItem(key));
      if (!stored.uploadUrl) continue;
      const metadata = stored.metadata || {};
      records.set(fingerprint, {
        fingerprint,
        uploadUrl: stored.uploadUrl,
        uploadId: stored.uploadUrl.split("/").pop(),
        title: metadata.title || metadata.filename,
        fileName: metadata.filename || "the same file",
        size: stored.size,
        details: detailsFrom(metadata),
      });
    } catch {
      // A damaged record cannot be resumed; the server expires its upload.
    }
  }
  return [...records.values()];
}

export function forgetResumeRecord(fingerprint) {
  for (const key of entries()) {
    if (key.startsWith(`${PREFIX}${fingerprint}::`)) localStorage.removeItem(key);
  }
}
