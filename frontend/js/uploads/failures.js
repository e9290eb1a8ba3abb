// Every way an upload can stop, in words a practitioner can act on. Never silent.
import { NOT_MEDIA_MESSAGE, tooLargeMessage } from "./media.js";

/** Thrown from onAfterResponse on a 401, so tus-js-client keeps its resume record. */
export class SignedOutDuringUpload extends Error {
  constructor() {
    super("Your session ended during the upload.");
    this.name = "SignedOutDuringUpload";
  }
}

function statusOf(error) {
  return error && error.originalResponse ? error.originalResponse.getStatus() : 0;
}

function serverMessage(error) {
  try {
    const body = JSON.parse(error.originalResponse.getBody() || "{}");
    return (body.error && body.error.message) || "";
  } catch {
    return "";
  }
}

/** Retry by itself only what a moment's wait can fix: lost connections and busy servers. */
export function shouldRetry(error) {
  if (error && error.causingError instanceof SignedOutDuringUpload) return false;
  if (!navigator.onLine) return false; // waits for the "online" event instead
  const status = statusOf(error);
  return status === 0 || status >= 500 || [408, 409, 423, 429].includes(status);
}

/**
 * What the queue shows for an error: {state, message}. States: "signed-out" (continues after
 * signing in), "offline" (continues when back online), "failed" (the person decides).
 */
export function describeFailure(error, maxBytes) {
  if (error && error.causingError instanceof SignedOutDuringUpload) {
    return {
      state: "signed-out",
      message: "You were signed out. Sign in again and this upload continues where it stopped.",
    };
  }
  if (!navigator.onLine) {
    return {
      state: "offline",
      message: "You are offline. The upload continues by itself when you are back online.",
    };
  }
  const status = statusOf(error);
  const said = serverMessage(error);
  if (status === 413) return { state: "failed", message: tooLargeMessage(maxBytes) };
  if (status === 415) return { state: "failed", message: NOT_MEDIA_MESSAGE };
  if (status === 404 || status === 410) {
    return {
      state: "failed",
      message: "The server no longer has this upload (it expired or was removed). Try again to start it afresh.",
    };
  }
  if (status >= 400 && status < 500) {
    return { state: "failed", message: `The server refused this upload: ${said || `error ${status}`}` };
  }
  if (status >= 500) {
    return {
      state: "failed",
      message: `The server had a problem and the upload stopped after several tries${said ? ` (${said})` : ""}. Try again in a few minutes.`,
    };
  }
  return {
    state: "failed",
    message: "The connection kept dropping and the upload stopped after several tries. Try again when the signal is better.",
  };
}
