#!/usr/bin/env bash
# Re-fetches the vendored front-end files at their pinned versions from the npm registry.
# The files are committed: the app serves them itself and never loads anything from another host.
set -euo pipefail
cd "$(dirname "$0")/../app/static/vendor"
BOOTSTRAP=5.3.9
ECHARTS=6.1.0

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" "echarts@$ECHARTS" >/dev/null \
  && mkdir bootstrap echarts && tar xzf bootstrap-$BOOTSTRAP.tgz -C bootstrap && tar xzf echarts-$ECHARTS.tgz -C echarts)
mkdir -p bootstrap echarts
cp "$tmp/bootstrap/package/dist/css/bootstrap.min.css" "$tmp/bootstrap/package/dist/js/bootstrap.bundle.min.js" \
  "$tmp/bootstrap/package/LICENSE" bootstrap/
cp "$tmp/echarts/package/dist/echarts.min.js" "$tmp/echarts/package/LICENSE" echarts/
printf 'bootstrap %s\necharts %s\n' "$BOOTSTRAP" "$ECHARTS" > VERSIONS
