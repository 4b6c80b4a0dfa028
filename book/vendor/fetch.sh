#!/usr/bin/env bash
# Re-create the vendored browser assets in this folder from the npm registry.
#
# The built book serves RequireJS, the ipywidgets HTML manager and MathJax itself instead of
# fetching them from CDNs, so its pages work offline. This script downloads the pinned package
# tarballs with `npm pack` (no node_modules, no install scripts run) and copies out only the
# files the pages load. Run it from anywhere:  bash book/vendor/fetch.sh
# To refresh, change a version below, run the script, rebuild the book (`make book`) and check
# the pages (`make test` builds the book too); then update the table and hashes in README.md.
set -euo pipefail

# Pinned versions. The html-manager must be the 1.0.x release that belongs to the ipywidgets
# in requirements/constraints.txt (ipywidgets 8.1.9 <-> @jupyter-widgets/html-manager 1.0.15:
# same @jupyter-widgets/base ^6.0.12 and controls ^5.0.13 as its jupyterlab-manager 5.0.16).
# MathJax stays on 3.x: Sphinx 7's mathjax extension configures MathJax 3 (mathjax3_config).
REQUIREJS_VERSION=2.3.8
HTML_MANAGER_VERSION=1.0.15
MATHJAX_VERSION=3.2.2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack <npm spec> <dir>: npm pack the spec and extract it into $work/<dir>
    local tgz
    tgz="$(cd "$work" && npm pack --silent "$1" | tail -n 1)"
    mkdir -p "$work/$2"
    tar -xzf "$work/$tgz" -C "$work/$2" --strip-components=1
}

unpack "requirejs@$REQUIREJS_VERSION" requirejs
unpack "@jupyter-widgets/html-manager@$HTML_MANAGER_VERSION" html-manager
unpack "mathjax@$MATHJAX_VERSION" mathjax

rm -rf "$here/requirejs" "$here/html-manager" "$here/mathjax"

# RequireJS: the AMD loader that embed-amd.js registers itself with.
mkdir -p "$here/requirejs"
cp "$work/requirejs/require.js" "$work/requirejs/package.json" "$here/requirejs/"

# ipywidgets HTML manager: embed-amd.js is a self-contained bundle of the manager and the core
# widgets (controls, output); it loads its Font Awesome fonts relative to its own URL. Browsers
# use the woff2 variants, so only those are kept (the .woff/.ttf/.eot/.svg fallbacks are not).
mkdir -p "$here/html-manager/dist"
cp "$work/html-manager/package.json" "$here/html-manager/"
cp "$work/html-manager/dist/embed-amd.js" "$work/html-manager/dist/embed.js.LICENSE.txt" \
   "$work/html-manager/dist/"*.woff2 "$here/html-manager/dist/"

# MathJax 3: the TeX-input / CommonHTML-output combined component and its web fonts, which it
# loads from output/chtml/fonts/woff-v2 next to itself.
mkdir -p "$here/mathjax/es5/output/chtml/fonts"
cp "$work/mathjax/package.json" "$work/mathjax/LICENSE" "$here/mathjax/"
cp "$work/mathjax/es5/tex-chtml.js" "$here/mathjax/es5/"
cp -r "$work/mathjax/es5/output/chtml/fonts/woff-v2" "$here/mathjax/es5/output/chtml/fonts/"

echo "vendored: requirejs@$REQUIREJS_VERSION @jupyter-widgets/html-manager@$HTML_MANAGER_VERSION mathjax@$MATHJAX_VERSION"
du -sh "$here/requirejs" "$here/html-manager" "$here/mathjax"
