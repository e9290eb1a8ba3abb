#!/bin/sh
# Installs the pinned npm packages the suite runs, from each package-lock.json
# (the OpenID Connect provider; axe-core and the PWA's vendored libraries).
set -eu
for dir in tests/support/oidc_provider frontend-tools; do
    [ -f "$dir/package-lock.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
        touch "$dir/node_modules"
    fi
done
