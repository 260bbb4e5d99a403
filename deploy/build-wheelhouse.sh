#!/usr/bin/env bash
# On a machine WITH access to the package index, of the same Debian/Ubuntu release,
# CPU architecture and Python minor version as the server: every wheel CHQS needs,
# into deploy/wheelhouse/ (copy that folder with the source tree to the server).
#   deploy/build-wheelhouse.sh            # the application
#   deploy/build-wheelhouse.sh ".[bench]" # plus the load-test tools
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-.}
PY=${PYTHON:-python3}
OUT=${WHEELHOUSE:-deploy/wheelhouse}
mkdir -p "$OUT"
# The build backend, so the server can build CHQS itself without the index.
"$PY" -m pip download --quiet --dest "$OUT" "setuptools>=68" wheel
# CHQS and every dependency as wheels (pure-Python sdists are built here, once).
"$PY" -m pip wheel --quiet --wheel-dir "$OUT" "$TARGET"
echo "$(ls "$OUT" | wc -l) tệp trong $OUT:"
ls "$OUT"
