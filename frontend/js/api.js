// The one way the PWA talks to /api/v1: fetch, errors, the cookie session and its CSRF token.
// The session lives in an HttpOnly cookie; the CSRF token only in this module's memory
// (never in localStorage), fetched again from GET /auth/session after a reload.

export const API = "/api/v1";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A failed request, with the API's error code, a message fit to show, and the parts of
 * the request it names (`fields`: [{field, message}], from validation errors and others). */
export class ApiError extends Error {
  constructor(status, code, message, fields = [], problems = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    // Every problem of an uploaded file ({line, field, message}), as imports list them.
    this.problems = problems;
  }

  get signedOut() {
    return this.status === 401;
  }
}

let session = null; // {csrf_token, email, user_id, expires_at}
const signedOutListeners = new Set();

export function currentSession() {
  return session;
}

export function csrfToken() {
  return session ? session.csrf_token : "";
}

/** Called with no arguments whenever the server says the session has ended. */
export function onSignedOut(listener) {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/**
 * Opened with no connection: the person last signed in on this device, unconfirmed until
 * the server can be asked (`offline: true`; no CSRF token, so nothing is sent meanwhile).
 */
export function useOfflineSession(profile) {
  session = { user_id: profile.id, email: profile.email, csrf_token: "", expires_at: "", offline: true };
}

export function sessionEnded() {
  session = null;
  for (const listener of signedOutListeners) listener();
}

async function errorFrom(response) {
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}.`.trim();
  let fields = [];
  let problems = [];
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      if (Array.isArray(body.error.fields)) fields = body.error.fields;
      if (Array.isArray(body.error.problems)) problems = body.error.problems;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiError(response.status, code, message, fields, problems);
}

// A 503 with these codes says the server did nothing with the request: every turn was
// taken (server_busy) or the database was briefly out of reach. Asking again after
// Retry-After is safe for any method, so a busy moment costs a person a short wait, not
// an error. Twice at most: a server still busy after that is worth saying so.
const ASK_AGAIN_CODES = new Set(["server_busy", "database_unavailable"]);
const ASK_AGAIN_TIMES = 2;
const ASK_AGAIN_MAX_SECONDS = 5;

function askAgainAfter(response) {
  const said = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  const seconds = Number.isFinite(said) && said > 0 ? Math.min(said, ASK_AGAIN_MAX_SECONDS) : 1;
  // Spread out, so that a crowd turned away together does not come back together.
  return seconds * 1000 * (1 + Math.random() / 2);
}

/** A promise that settles after this long: between asks, and between looks at a recording. */
export const pause = (milliseconds) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

async function send(method, path, body, retryCsrf, askAgain = ASK_AGAIN_TIMES) {
  const headers = { Accept: "application/json" };
  // A Blob (a chosen file) goes as it is, with its own type; anything else as JSON.
  const raw = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = raw ? body.type : "application/json";
  if (!SAFE_METHODS.has(method) && session) headers["X-CSRF-Token"] = session.csrf_token;
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    const message = navigator.onLine
      ? "Tandem could not reach the server. Check your connection and try again."
      : "You are offline. Try again when you are back online.";
    throw new ApiError(0, navigator.onLine ? "network" : "offline", message);
  }
  if (response.ok) {
    return response.status === 204 ? null : response.json();
  }
  const error = await errorFrom(response);
  if (response.status === 503 && ASK_AGAIN_CODES.has(error.code) && askAgain > 0) {
    await pause(askAgainAfter(response));
    return send(method, path, body, retryCsrf, askAgain - 1);
  }
  if (error.code === "csrf_failed" && retryCsrf && (await refreshSession())) {
    return send(method, path, body, false);
  }
  if (error.status === 401 && path !== "/auth/session") sessionEnded();
  throw error;
}

// Lists answer a page at a time (`limit` items from `offset` on); a short page is the last.
// 500 is the largest page most lists allow (the schema says each one's).
async function getAll(path, pageSize = 500) {
  const items = [];
  const joiner = path.includes("?") ? "&" : "?";
  for (let offset = 0; ; offset += pageSize) {
    const page = await send("GET", `${path}${joiner}limit=${pageSize}&offset=${offset}`, undefined, false);
    items.push(...page);
    if (page.length < pageSize) return items;
  }
}

export const api = {
  get: (path) => send("GET", path, undefined, false),
  /** Every item of a list, page after page. */
  getAll,
  post: (path, body) => send("POST", path, body, true),
  /** A file as the raw request body, sent with `type` (text/csv, application/json...). */
  postFile: (path, file, type) => send("POST", path, new Blob([file], { type }), true),
  put: (path, body) => send("PUT", path, body, true),
  patch: (path, body) => send("PATCH", path, body, true),
  delete: (path) => send("DELETE", path, undefined, true),
};

async function refreshSession() {
  try {
    session = await send("GET", "/auth/session", undefined, false);
    return true;
  } catch {
    return false;
  }
}

/** The session behind the cookie, or null when nobody is signed in. */
export async function loadSession() {
  try {
    session = await send("GET", "/auth/session", undefined, false);
  } catch (error) {
    if (error instanceof ApiError && error.signedOut) {
      session = null;
      return null;
    }
    throw error;
  }
  return session;
}

export async function signIn(email, password) {
  session = await send("POST", "/auth/session", { email, password }, false);
  return session;
}

/** End the sign-in on the server; the caller clears what the app stored. */
export async function signOut() {
  try {
    if (session) await send("POST", "/auth/logout", undefined, true);
  } catch (error) {
    // Already signed out on the server is still signed out; anything else is not.
    if (!(error instanceof ApiError && error.signedOut)) throw error;
  }
  session = null;
}

/** Whether "sign in with your organisation" is set up: {enabled, display_name, login_url}. */
export function ssoStatus() {
  return send("GET", "/auth/sso", undefined, false);
}
