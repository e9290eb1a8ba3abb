#!/bin/sh
# Installs the Debian packages the test suite starts itself, when they are missing.
set -eu
missing=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
# The browser the PWA's end-to-end tests drive through Playwright.
[ -x /usr/bin/chromium ] || missing="$missing chromium"
# The web server the media hand-off (X-Accel-Redirect) is tested behind.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages:$missing" >&2
    echo "Install them (Debian: sudo apt-get install -y$missing) and run make test again." >&2
    exit 1
fi
echo "Installing$missing from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
