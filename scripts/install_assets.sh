#!/usr/bin/env bash
# Vendor the precompiled front-end assets (USWDS, Plotly strict build, axe-core)
# from node_modules into static/vendor/, so nothing is loaded from a CDN at run time.
#
# Runs `npm ci` only when node_modules is missing or package-lock.json changed since
# the last install. static/vendor/ is rebuilt from scratch on every run (it is
# gitignored), which keeps the script idempotent and drops files of old versions.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

npm_ran="no"
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund >/dev/null
    npm_ran="yes"
fi

uswds="node_modules/@uswds/uswds/dist"
plotly="node_modules/plotly.js-strict-dist-min/plotly-strict.min.js"
axe="node_modules/axe-core/axe.min.js"

# Build into a scratch directory next to the target, then swap, so a failed copy
# never leaves a half-filled static/vendor/ behind.
mkdir -p static
staging="$(mktemp -d "static/.vendor.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

mkdir -p "$staging"/uswds/{css,js} "$staging/plotly" "$staging/axe-core"
# With their source maps: the files name them (sourceMappingURL), and the production
# static storage (WhiteNoise's manifest) refuses to collect a file whose map is missing.
cp "$uswds/css/uswds.min.css" "$uswds/css/uswds.min.css.map" "$staging/uswds/css/"
cp "$uswds/js/uswds.min.js" "$uswds/js/uswds.min.js.map" \
   "$uswds/js/uswds-init.min.js" "$uswds/js/uswds-init.min.js.map" "$staging/uswds/js/"
# The CSS refers to ../fonts/... and ../img/..., hence the sibling directories.
cp -R "$uswds/fonts" "$staging/uswds/fonts"
cp -R "$uswds/img" "$staging/uswds/img"
cp "$plotly" "$staging/plotly/"
cp "$axe" "$staging/axe-core/"
chmod 755 "$staging"

rm -rf static/vendor
mv "$staging" static/vendor
trap - EXIT

version() { node -p "require('./node_modules/$1/package.json').version"; }
echo "install_assets: npm ci ran: ${npm_ran}; vendored @uswds/uswds $(version @uswds/uswds)," \
     "plotly.js-strict-dist-min $(version plotly.js-strict-dist-min)," \
     "axe-core $(version axe-core) into static/vendor/"
