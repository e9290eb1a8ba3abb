// The offline page: try again on request, and by itself once Tandem answers again (the
// connection may come back before the server can be reached, or the server may be down).
const status = document.getElementById("offline-status");
const DELAYS_MS = [1000, 2000, 5000, 10000, 20000, 30000];
let attempt = 0;
let timer = null;

async function reachable() {
  try {
    return (await fetch("/healthz", { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}

function later() {
  window.clearTimeout(timer);
  timer = window.setTimeout(check, DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)]);
  attempt += 1;
}

async function check() {
  if (!navigator.onLine) return; // the "online" event starts again
  if (await reachable()) {
    status.textContent = "Back online. Opening Tandem…";
    // Shown in place of the page that failed to load: load that page again.
    if (window.location.pathname === "/offline.html") window.location.replace("/");
    else window.location.reload();
  } else {
    later();
  }
}

document.getElementById("retry").addEventListener("click", () => {
  status.textContent = "Trying again…";
  window.location.reload();
});
window.addEventListener("online", () => {
  attempt = 0;
  check();
});
status.textContent = "Tandem tries again by itself when the connection comes back.";
later();
