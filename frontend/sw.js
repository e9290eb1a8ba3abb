// Tandem's service worker. It keeps the app's own files (the shell) in a cache named by
// version, answers navigations from the network with the offline page as the fallback, and
// leaves everything else alone: API answers, recordings and anything personal are never
// cached (they go straight to the network, as if there were no worker).

// shell:start (written by frontend-tools/stamp-service-worker.mjs; do not edit by hand)
const VERSION = "bd075ec47ccd93b1";
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
  "/js/objectives/view.js",
  "/js/offline.js",
  "/js/programmes/details-form.js",
  "/js/programmes/review-settings.js",
  "/js/reports/agreement.js",
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
  "/js/screens/objectives.js",
  "/js/screens/programme.js",
  "/js/screens/programmes.js",
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
  "/js/uploads/captures.js",
  "/js/uploads/failures.js",
  "/js/uploads/media.js",
  "/js/uploads/processing.js",
  "/js/uploads/queue.js",
  "/js/uploads/record-panel.js",
  "/js/uploads/recorder.js",
  "/js/uploads/resume-records.js",
  "/js/uploads/tus.js",
  "/js/uploads/view.js",
  "/js/zoned.js",
  "/manifest.webmanifest",
  "/offline.html",
  "/vendor/tus.min.js",
  "/vendor/uPlot.esm.js",
  "/vendor/uPlot.min.css",
];
// shell:end

const CACHE_PREFIX = "tandem-shell-";
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const OFFLINE_PAGE = "/offline.html";

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
    // "no-cache": ask the server every time (never a stale page from the HTTP cache), and
    // show the offline page when it cannot be reached.
    const fresh = new Request(request, { cache: "no-cache" });
    event.respondWith(fetch(fresh).catch(() => caches.match(OFFLINE_PAGE)));
    return;
  }
  if (isShell(url)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});
