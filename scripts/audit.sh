#!/bin/sh
# Known vulnerabilities in what we pin: pip-audit on requirements.lock and npm audit on
# every package-lock.json in the repository. Both ask online advisory services (PyPI's
# JSON API, the npm registry's audit endpoint); where those are out of reach this says so
# and fails, each step within AUDIT_TIMEOUT seconds. Run by `make audit`, never by the tests.
set -u
cd "$(dirname "$0")/.."
AUDIT_TIMEOUT=${AUDIT_TIMEOUT:-120}
PIP_AUDIT_VERSION=${PIP_AUDIT_VERSION:-2.10.1}
# pip-audit and its own dependencies stay out of the app's virtualenv, so that keeps the
# locked versions; inside .venv/ it goes when .venv does.
TOOLS=${AUDIT_TOOLS_VENV:-.venv/audit-tools}
failed=""

fail() {
    echo "audit: $1" >&2
    failed="$failed\n  - $1"
}

within_time() {
    timeout --kill-after=5 "$AUDIT_TIMEOUT" "$@"
}

# step NAME UNREACHABLE COMMAND...: runs COMMAND within the time limit and names the
# failure: no answer in time, the service out of reach (its output matches the
# extended regular expression UNREACHABLE), or vulnerabilities found.
step() {
    name=$1 unreachable=$2
    shift 2
    out=$(mktemp)
    within_time "$@" >"$out" 2>&1
    status=$?
    cat "$out"
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        fail "$name: no answer within ${AUDIT_TIMEOUT}s (is the advisory service reachable?)"
    elif [ "$status" -ne 0 ] && grep -Eq "$unreachable" "$out"; then
        fail "$name: the advisory service is out of reach from this machine, nothing was checked"
    elif [ "$status" -ne 0 ]; then
        fail "$name: known vulnerabilities (listed above)"
    fi
    rm -f "$out"
}

pip_audit() {
    if [ ! -x "$TOOLS/bin/pip-audit" ] ||
        ! "$TOOLS/bin/pip-audit" --version | grep -qF "$PIP_AUDIT_VERSION"; then
        if ! { python3 -m venv "$TOOLS" && within_time "$TOOLS/bin/pip" install -q \
            --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION"; }; then
            fail "pip-audit $PIP_AUDIT_VERSION could not be installed (is PyPI reachable?)"
            return
        fi
    fi
    # --strict: a package the service cannot answer for fails the audit, never passes.
    step "pip-audit on requirements.lock (PyPI's advisory API)" \
        "could not be audited|ConnectionError|NameResolutionError|Max retries" \
        "$TOOLS/bin/pip-audit" --requirement requirements.lock --no-deps --disable-pip \
        --strict --progress-spinner off --timeout 20
}

npm_audits() {
    locks=$(git ls-files '*package-lock.json' 2>/dev/null ||
        find . -name package-lock.json -not -path '*/node_modules/*')
    for lock in $locks; do
        dir=$(dirname "$lock")
        step "npm audit in $dir (the npm registry's audit endpoint)" \
            "audit endpoint returned an error|ENOTFOUND|ETIMEDOUT|ECONNREFUSED|ECONNRESET|EAI_AGAIN" \
            npm audit --prefix "$dir" --package-lock-only --fetch-retries=0 \
            --fetch-timeout=$((AUDIT_TIMEOUT * 1000))
    done
}

pip_audit
npm_audits
if [ -n "$failed" ]; then
    printf "audit FAILED:%b\n" "$failed" >&2
    exit 1
fi
echo "audit: no known vulnerabilities in requirements.lock or any package-lock.json"
