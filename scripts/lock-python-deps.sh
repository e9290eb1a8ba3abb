#!/bin/sh
# Rewrites requirements.lock: every package `pip install -e '.[dev,bench]'` brings in (bench:
# the locust of `make bench-load`), plus pip, setuptools and uv (the Makefile's installer),
# as installed in a fresh virtualenv. Packages already in the lock keep their versions; a
# dependency new to pyproject.toml comes at its newest release.
# `UPGRADE=1 sh scripts/lock-python-deps.sh` moves everything to its newest release.
# Then run `make test` (the stamps depend on the lock) and commit the lock.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=""
if [ "${UPGRADE:-0}" != 1 ] && [ -f requirements.lock ]; then
    cp requirements.lock "$work/previous.lock"
    keep="-c $work/previous.lock"
fi
python3 -m venv "$work/venv"
pip="$work/venv/bin/pip"
# shellcheck disable=SC2086 # $keep is one option and its argument, or nothing
$pip install -q --upgrade $keep pip setuptools uv
# shellcheck disable=SC2086
$pip install -q $keep -e '.[dev,bench]'
python=$("$work/venv/bin/python" -c 'import platform, sys; print(platform.python_implementation(), ".".join(map(str, sys.version_info[:2])), "on", platform.system(), platform.machine())')
{
    echo "# Python packages at the versions the suite runs with. The Makefile installs through"
    echo "# this file as constraints (uv pip install -c requirements.lock ...): pyproject.toml says"
    echo "# what we need, this file which versions. Written by scripts/lock-python-deps.sh"
    echo "# ($python): pip freeze of a fresh virtualenv of '.[dev,bench]', chosen over"
    echo "# pip-compile or uv because it needs no tool beyond pip and records exactly the set"
    echo "# the tests ran with. As constraints, a pin a platform does not use is ignored there"
    echo "# and a package only another platform needs is unpinned. Do not edit by hand."
    "$pip" freeze --exclude-editable --all
} >"$work/requirements.lock"
mv "$work/requirements.lock" requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) packages pinned"
