#!/usr/bin/env bash
# Re-create the test-only browser scripts in this folder from the npm registry.
#
# The browser tests (tests/test_browser.py) inject axe-core into every page of the built book to
# check it against WCAG 2.0/2.1 A and AA. The script is committed, so the tests run offline and
# CI needs no npm; this script downloads the pinned tarball with `npm pack` (nothing is
# installed, no package scripts run) and copies out the one file the tests load, with its
# licence and package.json as a record. It lives under tests/, not book/vendor: nothing here is
# ever served with the book. Run it from anywhere:  bash tests/vendor/fetch.sh
# To refresh, change the version below, run the script, run the browser tests
# (`pytest tests/test_browser.py -k axe`), then update the version and hash in README.md.
set -euo pipefail

AXE_CORE_VERSION=4.14.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tgz="$(cd "$work" && npm pack --silent "axe-core@$AXE_CORE_VERSION" | tail -n 1)"
mkdir -p "$work/axe-core"
tar -xzf "$work/$tgz" -C "$work/axe-core" --strip-components=1

rm -rf "$here/axe-core"
mkdir -p "$here/axe-core"
cp "$work/axe-core/axe.min.js" "$work/axe-core/LICENSE" "$work/axe-core/package.json" "$here/axe-core/"

echo "vendored: axe-core@$AXE_CORE_VERSION"
sha256sum "$here/axe-core/axe.min.js"
