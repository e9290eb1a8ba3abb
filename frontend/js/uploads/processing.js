// After the last byte: find the recording the upload became and follow it to ready or
// rejected (the server checks that it really is audio or video).
import { api, currentSession, pause } from "../api.js";

const POLL_DELAYS_MS = [500, 1000, 2000, 3000, 5000, 8000, 10000, 15000, 15000, 15000, 30000, 30000];

/** Who reviews it now: the person's coaches, if a lead has assigned any. */
async function readyMessage(organisationId) {
  try {
    const userId = currentSession().user_id;
    const assignments = await api.getAll(`/organisations/${organisationId}/assignments`);
    const coached = assignments.some((a) => a.kind === "coach" && a.practitioner_user_id === userId);
    if (coached) return "Ready. Your coach can review it now.";
    return "Ready. No coach is assigned to you yet, so nobody reviews it for now: your implementation lead assigns coaches. It is kept in your recordings.";
  } catch {
    return "Ready. It is in your recordings on the home screen.";
  }
}

/** Calls report(state, message, recordingId) as the recording moves on. */
export async function followRecording(uploadId, organisationId, report) {
  let recordingId = null;
  for (const delay of POLL_DELAYS_MS) {
    try {
      if (!recordingId) recordingId = (await api.get(`/uploads/${uploadId}`)).recording_id;
      if (recordingId) {
        const recording = await api.get(`/recordings/${recordingId}`);
        if (recording.status === "ready") {
          report("ready", await readyMessage(organisationId), recordingId);
          return;
        }
        if (recording.status === "rejected") {
          const reason = recording.rejection_reason || "it is not a playable audio or video file";
          report("rejected", `Tandem could not use this recording: ${reason}`, recordingId);
          return;
        }
      }
    } catch (error) {
      if (error.signedOut) {
        report("processing", "Uploaded. Sign in again to see whether it is ready.", recordingId);
        return;
      }
      // Offline for a moment, or the server busy: look again after the next pause.
    }
    await pause(delay);
  }
  report("processing", "Uploaded. Tandem is still preparing it; its status shows on your home screen.", recordingId);
}
