// Tandem's service worker. It keeps the app's own files (the shell) in a cache named by
// version and answers navigations from the network; with no network, the app itself opens
// from the cache (so a practitioner records and queues a session with no signal) and any
// other page shows the offline page. It leaves everything else alone: API answers,
// recordings and anything personal are never cached (they go straight to the network, as
// if there were no worker).

// shell:start (written by frontend-tools/stamp-service-worker.mjs; do not edit by hand)
const VERSION = "79ca27bbf51bf27c";
const SHELL = [
  "/css/app.css",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon.svg",
  "/icons/maskable-512.png",
  "/index.html",
  "/js/api.js",
  "/js/app.js",
  "/js/audit/events.js",
  "/js/audit/filters.js",
  "/js/calibration/item.js",
  "/js/calibration/results.js",
  "/js/calibration/setup-form.js",
  "/js/confirm-dialog.js",
  "/js/connection.js",
  "/js/dom.js",
  "/js/format.js",
  "/js/forms.js",
  "/js/home/coach.js",
  "/js/home/guest.js",
  "/js/home/oversight.js",
  "/js/home/practitioner.js",
  "/js/home/section.js",
  "/js/home/sessions.js",
  "/js/local-data.js",
  "/js/me.js",
  "/js/members/assignment-form.js",
  "/js/members/invitations.js",
  "/js/members/invite.js",
  "/js/members/layout.js",
  "/js/members/member-item.js",
  "/js/members/roles.js",
  "/js/notifications/count.js",
  "/js/notifications/push.js",
  "/js/objectives/view.js",
  "/js/offline.js",
  "/js/programmes/details-form.js",
  "/js/programmes/review-settings.js",
  "/js/recordings/filters.js",
  "/js/recordings/item.js",
  "/js/recordings/seen.js",
  "/js/reports/agreement.js",
  "/js/reports/catalogue.js",
  "/js/reports/chart.js",
  "/js/reports/coverage.js",
  "/js/reports/equity.js",
  "/js/reports/fidelity.js",
  "/js/reports/filters.js",
  "/js/reports/time.js",
  "/js/reports/turnaround.js",
  "/js/review/access-panel.js",
  "/js/review/comments.js",
  "/js/review/consent-panel.js",
  "/js/review/evidence-link.js",
  "/js/review/fidelity.js",
  "/js/review/objectives-panel.js",
  "/js/review/observation-view.js",
  "/js/review/player.js",
  "/js/review/reflection.js",
  "/js/review/rubric.js",
  "/js/review/score-panel.js",
  "/js/review/scoring.js",
  "/js/review/second-raters-panel.js",
  "/js/review/shortcuts.js",
  "/js/review/tabs.js",
  "/js/review/timeline.js",
  "/js/router.js",
  "/js/rubrics/compare-view.js",
  "/js/rubrics/compare.js",
  "/js/rubrics/import.js",
  "/js/rubrics/versions.js",
  "/js/screens/assignments.js",
  "/js/screens/audit.js",
  "/js/screens/availability.js",
  "/js/screens/book.js",
  "/js/screens/calibration-exercise.js",
  "/js/screens/calibration.js",
  "/js/screens/forgot-password.js",
  "/js/screens/home.js",
  "/js/screens/invitation.js",
  "/js/screens/members.js",
  "/js/screens/not-found.js",
  "/js/screens/notifications.js",
  "/js/screens/objectives.js",
  "/js/screens/programme.js",
  "/js/screens/programmes.js",
  "/js/screens/recordings.js",
  "/js/screens/reports.js",
  "/js/screens/reset-password.js",
  "/js/screens/review.js",
  "/js/screens/rubric.js",
  "/js/screens/sessions.js",
  "/js/screens/settings.js",
  "/js/screens/sign-in.js",
  "/js/screens/team-time.js",
  "/js/screens/time.js",
  "/js/screens/upload.js",
  "/js/session.js",
  "/js/sessions/feed.js",
  "/js/sessions/items.js",
  "/js/sessions/organisation.js",
  "/js/sessions/time-table.js",
  "/js/settings/fields.js",
  "/js/updates.js",
  "/js/uploads/failures.js",
  "/js/uploads/items.js",
  "/js/uploads/media.js",
  "/js/uploads/on-home.js",
  "/js/uploads/processing.js",
  "/js/uploads/queue.js",
  "/js/uploads/record-panel.js",
  "/js/uploads/recorder.js",
  "/js/uploads/resume-records.js",
  "/js/uploads/states.js",
  "/js/uploads/stored-queue.js",
  "/js/uploads/tus.js",
  "/js/uploads/view.js",
  "/js/zoned.js",
  "/manifest.webmanifest",
  "/offline.html",
  "/vendor/tus.min.js",
  "/vendor/uPlot.esm.min.js",
  "/vendor/uPlot.min.css",
];
// shell:end

const CACHE_PREFIX = "tandem-shell-";
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const OFFLINE_PAGE = "/offline.html";
const APP_PAGE = "/index.html";
// The app is one page (its screens are #/ routes): these addresses open it.
const APP_PATHS = new Set(["/", APP_PAGE]);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // "reload": fetch from the server, not from the browser's HTTP cache.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
  // The first version takes over at once; later ones wait until the page says so.
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
});

function isShell(url) {
  return url.origin === self.location.origin && SHELL.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API (sign-in redirects included) goes straight to the network, untouched.
  if (url.origin === self.location.origin && url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // "no-cache": ask the server every time (never a stale page from the HTTP cache); when
    // it cannot be reached, the app from the cache, or the offline page for anything else.
    const fresh = new Request(request, { cache: "no-cache" });
    const fallback = url.origin === self.location.origin && APP_PATHS.has(url.pathname) ? APP_PAGE : OFFLINE_PAGE;
    event.respondWith(
      fetch(fresh).catch(() => caches.match(fallback).then((page) => page || caches.match(OFFLINE_PAGE))),
    );
    return;
  }
  if (isShell(url)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});

// Web Push (notifications): the server's payload says only what kind of thing happened
// ({title, body, url}); show it, and tell open pages to fetch their unread count again.
self.addEventListener("push", (event) => {
  let message = { title: "Tandem", body: "You have new notifications in Tandem.", url: "/#/notifications" };
  try {
    message = { ...message, ...(event.data ? event.data.json() : {}) };
  } catch {
    // Not JSON: the general message above.
  }
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(message.title, {
        body: message.body,
        icon: "/icons/icon-192.png",
        tag: "tandem-notifications",
        data: { url: message.url },
      }),
      self.clients
        .matchAll({ type: "window" })
        .then((pages) => pages.forEach((page) => page.postMessage({ type: "notifications-changed" }))),
    ]),
  );
});

// Opening a push's notification: an open Tandem page goes to the notifications, or a new one opens.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/#/notifications", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((pages) => {
      const page = pages.find((candidate) => new URL(candidate.url).origin === self.location.origin);
      if (page) {
        // navigate() works only on pages this worker controls: otherwise a new window.
        return page.focus().then((focused) => focused.navigate(target.href)).catch(() => self.clients.openWindow(target.href));
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
