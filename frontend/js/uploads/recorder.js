// Recording in the browser with MediaRecorder, where the browser supports it.

const VIDEO_TYPES = ["video/mp4", "video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm"];
const AUDIO_TYPES = ["audio/mp4", "audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];
const EXTENSIONS = { "video/mp4": "mp4", "video/webm": "webm", "audio/mp4": "m4a", "audio/webm": "webm", "audio/ogg": "ogg" };

export function canRecord() {
  return (
    typeof window.MediaRecorder === "function" &&
    Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)
  );
}

function supportedType(candidates) {
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) || "";
}

/** Words for a getUserMedia or MediaRecorder failure. */
export function recorderProblem(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Tandem is not allowed to use the camera or microphone. Allow it in your browser's site settings, or choose a file instead.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera or microphone was found on this device. Choose a file instead.";
  }
  if (name === "NotReadableError") {
    return "The camera or microphone is busy in another app. Close it there and try again.";
  }
  return "Recording in the browser did not work here. Use the camera app, then choose the file.";
}

/**
 * Starts recording; resolves to {stream, stop, cancel}. `stop()` resolves to a File,
 * `cancel()` throws the recording away. Both release the camera and microphone.
 */
export async function startRecording({ video }) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: video ? { facingMode: "environment" } : false,
  });
  const mimeType = supportedType(video ? VIDEO_TYPES : AUDIO_TYPES);
  let recorder;
  try {
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    throw error;
  }
  const chunks = [];
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data && event.data.size > 0) chunks.push(event.data);
  });
  const startedAt = new Date();
  // A chunk every second, so a crash loses at most a second.
  recorder.start(1000);
  const release = () => stream.getTracks().forEach((track) => track.stop());
  const finished = new Promise((resolve) => recorder.addEventListener("stop", resolve, { once: true }));
  return {
    stream,
    startedAt,
    async stop() {
      recorder.stop();
      await finished;
      release();
      const type = (recorder.mimeType || mimeType || (video ? "video/webm" : "audio/webm")).split(";")[0];
      const stamp = startedAt.toISOString().slice(0, 16).replace("T", " ").replace(":", ".");
      const name = `${video ? "Video" : "Sound"} recording ${stamp}.${EXTENSIONS[type] || "webm"}`;
      return new File(chunks, name, { type, lastModified: startedAt.getTime() });
    },
    cancel() {
      if (recorder.state !== "inactive") recorder.stop();
      release();
    },
  };
}
