// What Tandem accepts before a byte is sent: audio or video, not empty, not over the limit.
import { API } from "../api.js";
import { formatBytes } from "../format.js";

const MEDIA_EXTENSIONS = {
  mp4: "video/mp4", m4v: "video/mp4", mov: "video/quicktime", webm: "video/webm",
  mkv: "video/x-matroska", "3gp": "video/3gpp", ogv: "video/ogg", avi: "video/x-msvideo",
  mp3: "audio/mpeg", m4a: "audio/mp4", aac: "audio/aac", wav: "audio/wav", oga: "audio/ogg",
  ogg: "audio/ogg", opus: "audio/opus", flac: "audio/flac", amr: "audio/amr",
};

/** The file's media type, from the browser or else its extension ("" when neither knows). */
export function mediaType(file) {
  if (file.type) return file.type;
  const extension = (file.name.split(".").pop() || "").toLowerCase();
  return MEDIA_EXTENSIONS[extension] || "";
}

// What the server says about uploads, asked once (tus discovery).
let limitsPromise = null;
// Without the server's word: one 8 MiB storage part per PATCH.
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

function uploadLimits() {
  if (!limitsPromise) {
    limitsPromise = fetch(`${API}/uploads`, { method: "OPTIONS", credentials: "same-origin" })
      .then((response) => ({
        maxBytes: Number.parseInt(response.headers.get("Tus-Max-Size") || "", 10) || null,
        chunkBytes: Number.parseInt(response.headers.get("Tandem-Chunk-Size") || "", 10) || null,
      }))
      .catch(() => {
        limitsPromise = null;
        return { maxBytes: null, chunkBytes: null };
      });
  }
  return limitsPromise;
}

/** The largest upload the server takes (tus Tus-Max-Size), or null when it does not say. */
export async function maxUploadBytes() {
  return (await uploadLimits()).maxBytes;
}

/** The PATCH size the server asks for: whole storage parts, so no tail is stored between PATCHes. */
export async function chunkBytes() {
  return (await uploadLimits()).chunkBytes || DEFAULT_CHUNK_BYTES;
}

export function tooLargeMessage(maxBytes) {
  return maxBytes
    ? `This file is too large. Tandem takes recordings up to ${formatBytes(maxBytes)}.`
    : "This file is too large for Tandem.";
}

export const NOT_MEDIA_MESSAGE =
  "This is not a video or audio file. Choose a recording of the session (for example MP4, MOV, WebM, M4A or MP3).";

/** Why this file cannot be uploaded, or null when it can. */
export async function problemWith(file) {
  const type = mediaType(file);
  if (!type.startsWith("video/") && !type.startsWith("audio/")) return NOT_MEDIA_MESSAGE;
  if (file.size === 0) return "This file is empty. Choose the recording again, or record it again.";
  const maxBytes = await maxUploadBytes();
  if (maxBytes && file.size > maxBytes) return tooLargeMessage(maxBytes);
  return null;
}
