// Start-up: the service worker, the session, the navigation and the router.
import { currentSession } from "./api.js";
import { watchConnection } from "./connection.js";
import { alertBox, h, replaceChildren } from "./dom.js";
import { currentMembership, hasRole } from "./me.js";
import { onUnreadChange, refreshUnread, unreadCount, watchUnread } from "./notifications/count.js";
import { currentLocation, navigate, onRoute, startRouter } from "./router.js";
import { onSessionChange, resumeSession, signOutEverywhere, uploadsAtRisk } from "./session.js";
import { subscribe } from "./uploads/queue.js";
import { isUnfinished } from "./uploads/states.js";
import { watchServiceWorker } from "./updates.js";

const nav = document.getElementById("nav");
const main = document.getElementById("main");
const banner = document.getElementById("banner");
let signingOut = false;
let currentPath = "/";
let unfinished = 0;

// Screens reached from another's link, which stays marked while they show.
const UNDER = { "/recordings": "/", "/assignments": "/members", "/settings": "/members", "/audit": "/members", "/programmes": "/members" };
// A programme's and a rubric's own screens sit under Programmes.
const underProgrammes = (path) => path.replace(/^\/(programmes|rubrics)\/.+$/, "/programmes");
// Leads reach Calibration from Members; coaches from their home.
const underCalibration = (path) => path.replace(/^\/calibration(\/.+)?$/, hasRole(currentMembership(), "lead") ? "/members" : "/");

function navLink(path, label, extra = null) {
  const shown = underCalibration(underProgrammes(currentPath));
  const current = (UNDER[shown] || shown) === path ? "page" : null;
  return h("li", {}, h("a", { class: "nav__link", href: `#${path}`, "aria-current": current }, label, extra));
}

function renderNav() {
  const session = currentSession();
  nav.hidden = !session;
  if (!session) {
    nav.replaceChildren();
    return;
  }
  const items = [navLink("/", "Home")];
  items.push(navLink("/notifications", "Notifications", unreadBadge()));
  if (hasRole(currentMembership(), "practitioner")) {
    const badge = unfinished
      ? h("span", { class: "badge" }, String(unfinished), h("span", { class: "visually-hidden" }, " unfinished"))
      : null;
    items.push(navLink("/upload", "Upload", badge));
  }
  if (hasRole(currentMembership(), "practitioner", "coach")) items.push(navLink("/objectives", "Objectives"));
  // A guest reviewer has no sessions: home lists the recordings shared with them.
  if (currentMembership() && !hasRole(currentMembership(), "guest")) items.push(navLink("/sessions", "Sessions"));
  if (hasRole(currentMembership(), "practitioner")) items.push(navLink("/time", "My time"));
  if (hasRole(currentMembership(), "coach")) items.push(navLink("/availability", "Availability"));
  if (hasRole(currentMembership(), "supervisor", "lead")) items.push(navLink("/team-time", "Team time"));
  if (hasRole(currentMembership(), "coach", "supervisor", "lead")) items.push(navLink("/reports", "Reports"));
  if (hasRole(currentMembership(), "lead")) items.push(navLink("/members", "Members"));
  items.push(h("li", {}, h("button", { class: "nav__button", type: "button", id: "sign-out", on: { click: signOutClicked } }, "Sign out")));
  const list = h("ul", { class: "nav__list" }, items);
  replaceChildren(nav, list);
  // On a phone the list is one row that scrolls sideways: the current screen's link in view.
  const current = list.querySelector("[aria-current=page]");
  if (current) list.scrollLeft = Math.max(0, current.offsetLeft - list.offsetLeft - (list.clientWidth - current.offsetWidth) / 2);
}

// Read out as "Notifications 3 unread" (like Upload's "2 unfinished").
function unreadBadge() {
  const count = unreadCount();
  return count ? h("span", { class: "badge", id: "unread-badge" }, String(count), h("span", { class: "visually-hidden" }, " unread")) : null;
}

// The count changes in place: redrawing the navigation would take keyboard focus from it.
function showUnread() {
  const link = nav.querySelector('a[href="#/notifications"]');
  if (!link) return;
  document.getElementById("unread-badge")?.remove();
  const badge = unreadBadge();
  if (badge) link.append(badge);
}

async function signOutClicked() {
  const atRisk = uploadsAtRisk();
  const question = `Signing out stops ${atRisk === 1 ? "1 unfinished upload" : `${atRisk} unfinished uploads`} and deletes what was sent so far. Sign out anyway?`;
  if (atRisk && !window.confirm(question)) return;
  signingOut = true;
  const button = document.getElementById("sign-out");
  button.disabled = true;
  button.textContent = "Signing out…";
  try {
    await signOutEverywhere();
    navigate("/sign-in?notice=signed-out");
  } catch (error) {
    banner.textContent = `You are still signed in: ${error.message}`;
    banner.hidden = false;
    renderNav();
  } finally {
    signingOut = false;
  }
}

function skipToContent(event) {
  event.preventDefault();
  // The router gives each screen a fresh <main>: the one in the page now.
  document.getElementById("main").focus();
}

async function boot() {
  document.getElementById("skip-link").addEventListener("click", skipToContent);
  watchServiceWorker(banner);
  watchConnection(main);
  watchUnread();
  onUnreadChange(showUnread);
  onRoute((path) => {
    currentPath = path;
    renderNav();
    refreshUnread();
  });
  let wasSignedIn = false;
  onSessionChange((session) => {
    renderNav();
    const { path } = currentLocation();
    // The server ended a session this page was using: say so on the sign-in screen.
    if (!session && wasSignedIn && !signingOut && path !== "/sign-in") {
      navigate(`/sign-in?notice=ended&next=${encodeURIComponent(path)}`);
    }
    wasSignedIn = Boolean(session);
  });
  subscribe((items) => {
    const count = items.filter(isUnfinished).length;
    if (count !== unfinished) {
      unfinished = count;
      renderNav();
    }
  });
  try {
    await resumeSession();
  } catch (error) {
    replaceChildren(
      main,
      h("h1", {}, "Tandem is not available"),
      alertBox("error", null, error.message),
      h("div", { class: "actions" }, h("button", { class: "button", type: "button", on: { click: () => window.location.reload() } }, "Try again")),
    );
    // Opened offline by someone this device does not know: open again once connected.
    window.addEventListener("online", () => window.location.reload(), { once: true });
    return;
  }
  await startRouter(main);
}

boot();
