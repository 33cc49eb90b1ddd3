#!/usr/bin/env bash
# Re-fetches the vendored front-end files at their pinned versions from the npm registry.
# The files are committed: the app serves them itself and never loads anything from another host.
set -euo pipefail
cd "$(dirname "$0")/../app/static/vendor"
BOOTSTRAP=5.3.9

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" >/dev/null && tar xzf bootstrap-$BOOTSTRAP.tgz)
mkdir -p bootstrap
cp "$tmp/package/dist/css/bootstrap.min.css" "$tmp/package/dist/js/bootstrap.bundle.min.js" "$tmp/package/LICENSE" bootstrap/
echo "bootstrap $BOOTSTRAP" > VERSIONS
