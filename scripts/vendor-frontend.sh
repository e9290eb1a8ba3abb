#!/bin/sh
# Refreshes frontend/vendor/ from the versions pinned in frontend-tools/package-lock.json,
# then re-stamps the service worker. Run after changing a pin; commit frontend/vendor/.
# Running the app never needs this (or npm): the vendored files are committed.
set -eu
cd "$(dirname "$0")/.."
npm ci --prefix frontend-tools --no-audit --no-fund --loglevel=error
node frontend-tools/vendor.mjs
node frontend-tools/stamp-service-worker.mjs
