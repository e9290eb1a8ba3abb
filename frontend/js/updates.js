// The service worker: registered once; when a new version of the app is ready, a banner
// offers to switch (never mid-task by itself, since a reload would pause uploads).
import { h, replaceChildren } from "./dom.js";

function offerUpdate(banner, registration) {
  const reload = h("button", { class: "button button--secondary", type: "button" }, "Use it now");
  reload.addEventListener("click", () => {
    if (registration.waiting) registration.waiting.postMessage({ type: "skip-waiting" });
  });
  replaceChildren(banner, "A new version of Tandem is ready.", reload);
  banner.hidden = false;
}

export function watchServiceWorker(banner) {
  if (!("serviceWorker" in navigator)) return;
  let reloading = false;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install takes control quietly; later ones reload into the new version.
    if (!hadController || reloading) return;
    reloading = true;
    window.location.reload();
  });
  navigator.serviceWorker
    .register("/sw.js")
    .then((registration) => {
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(banner, registration);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(banner, registration);
        });
      });
    })
    .catch(() => {
      // Without a service worker the app still works online; it only loses the offline page.
    });
}
