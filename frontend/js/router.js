// Hash routes (#/upload) so every screen works from the static index.html, one module per
// screen, loaded when first shown. A screen module exports `title` and
// `render(main, {params, query})`, which may return a function that cleans up.
import { currentSession } from "./api.js";
import { announce } from "./dom.js";

// `who`: "member" needs a session, "guest" is only for people signed out, "anyone" both.
const ROUTES = [
  { path: "/", screen: () => import("./screens/home.js"), who: "member" },
  { path: "/sign-in", screen: () => import("./screens/sign-in.js"), who: "guest" },
  { path: "/upload", screen: () => import("./screens/upload.js"), who: "member" },
  { path: "/recordings", screen: () => import("./screens/recordings.js"), who: "member" },
  { path: "/recordings/:id", screen: () => import("./screens/review.js"), who: "member" },
  { path: "/objectives", screen: () => import("./screens/objectives.js"), who: "member" },
  { path: "/notifications", screen: () => import("./screens/notifications.js"), who: "member" },
  { path: "/sessions", screen: () => import("./screens/sessions.js"), who: "member" },
  { path: "/book", screen: () => import("./screens/book.js"), who: "member" },
  { path: "/availability", screen: () => import("./screens/availability.js"), who: "member" },
  { path: "/time", screen: () => import("./screens/time.js"), who: "member" },
  { path: "/team-time", screen: () => import("./screens/team-time.js"), who: "member" },
  { path: "/reports", screen: () => import("./screens/reports.js"), who: "member" },
  { path: "/members", screen: () => import("./screens/members.js"), who: "member" },
  { path: "/assignments", screen: () => import("./screens/assignments.js"), who: "member" },
  { path: "/programmes", screen: () => import("./screens/programmes.js"), who: "member" },
  { path: "/programmes/:id", screen: () => import("./screens/programme.js"), who: "member" },
  { path: "/rubrics/:id", screen: () => import("./screens/rubric.js"), who: "member" },
  { path: "/settings", screen: () => import("./screens/settings.js"), who: "member" },
  { path: "/audit", screen: () => import("./screens/audit.js"), who: "member" },
  { path: "/calibration", screen: () => import("./screens/calibration.js"), who: "member" },
  { path: "/calibration/:id", screen: () => import("./screens/calibration-exercise.js"), who: "member" },
  { path: "/invitation/:token", screen: () => import("./screens/invitation.js"), who: "anyone" },
  { path: "/forgot-password", screen: () => import("./screens/forgot-password.js"), who: "guest" },
  { path: "/reset-password/:token", screen: () => import("./screens/reset-password.js"), who: "anyone" },
];
const NOT_FOUND = { screen: () => import("./screens/not-found.js"), who: "anyone" };

let main = null;
let outletClass = "";
let cleanup = null;
let firstRender = true;
// Each render's number: a screen whose module or data arrive after the person has moved on
// (a tap on Upload while Home still loads) must not draw over the newer screen.
let latestRender = 0;
const listeners = new Set();

function matchRoute(path) {
  for (const route of ROUTES) {
    const names = [];
    const pattern = route.path.replace(/:(\w+)/g, (_, name) => {
      names.push(name);
      return "([^/]+)";
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return { route, params };
    }
  }
  return { route: NOT_FOUND, params: {} };
}

/** The route in the address bar: "#/upload?x=1" is {path: "/upload", query}. */
export function currentLocation() {
  const hash = window.location.hash;
  const raw = hash.startsWith("#/") ? hash.slice(1) : "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", query: new URLSearchParams(search) };
}

export function navigate(path) {
  const target = `#${path}`;
  if (window.location.hash === target) {
    render();
  } else {
    window.location.hash = target;
  }
}

/** Listeners hear the path of every screen shown (the navigation marks the current one). */
export function onRoute(listener) {
  listeners.add(listener);
}

async function render() {
  const { path, query } = currentLocation();
  const { route, params } = matchRoute(path);
  if (route.who === "member" && !currentSession()) {
    const next = path === "/" ? "" : `?next=${encodeURIComponent(path)}`;
    navigate(`/sign-in${next}`);
    return;
  }
  if (route.who === "guest" && currentSession()) {
    navigate("/");
    return;
  }
  const thisRender = ++latestRender;
  const screen = await route.screen();
  if (thisRender !== latestRender) return;
  if (cleanup) cleanup();
  cleanup = null;
  // A fresh outlet for each screen: one still loading when the person moved on keeps the
  // old outlet, now detached, so what it draws late (the rest of a recording's screen, its
  // page--wide) never lands on the screen the person chose.
  const outlet = main.cloneNode(false);
  outlet.className = outletClass;
  main.replaceWith(outlet);
  main = outlet;
  // Busy until the screen and the navigation are both drawn: a screen that waits for data
  // before its first section is not yet done when its heading appears.
  main.setAttribute("aria-busy", "true");
  let done = null;
  try {
    done = (await screen.render(main, { params, query })) || null;
  } finally {
    if (thisRender === latestRender) main.removeAttribute("aria-busy");
  }
  if (thisRender !== latestRender) {
    if (done) done();
    return;
  }
  cleanup = done;
  document.title = screen.title ? `${screen.title} – Tandem` : "Tandem";
  for (const listener of listeners) listener(path);
  if (!firstRender) {
    // Move focus to the new screen's heading, as a page load would, and say where we are.
    const heading = main.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    } else {
      main.focus();
    }
    announce(document.title);
  }
  firstRender = false;
}

export function startRouter(outlet) {
  main = outlet;
  outletClass = outlet.className;
  window.addEventListener("hashchange", () => {
    // In-page anchors such as the skip link (#main) are not routes.
    if (window.location.hash === "" || window.location.hash.startsWith("#/")) render();
  });
  return render();
}
