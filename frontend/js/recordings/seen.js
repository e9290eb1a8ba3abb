// The review screen tells the server the person has seen the recording's conversation, so
// its comments stop counting as unread in their lists.
import { api } from "../api.js";

/** Mark the recording's comments as read by the signed-in person, now. Never throws: an
 * unread count left a little high is no reason to stop someone reviewing. */
export async function markSeen(recordingId) {
  try {
    await api.put(`/recordings/${encodeURIComponent(recordingId)}/seen`);
    return true;
  } catch {
    return false;
  }
}
