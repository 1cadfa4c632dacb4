#!/usr/bin/env bash
# pnpm install with the OpenCV addon built against the system OpenCV (no download, no autobuild).
set -euo pipefail
multiarch=$(gcc -dumpmachine 2>/dev/null || echo "$(uname -m)-linux-gnu")
export OPENCV4NODEJS_DISABLE_AUTOBUILD=1
export OPENCV_INCLUDE_DIR=${OPENCV_INCLUDE_DIR:-/usr/include/opencv4}
export OPENCV_LIB_DIR=${OPENCV_LIB_DIR:-/usr/lib/$multiarch}
export OPENCV_BIN_DIR=${OPENCV_BIN_DIR:-/usr/bin}
export JOBS=${JOBS:-max}
# node-gyp needs Node's headers; use the ones installed beside node instead of downloading them.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
[ -f "$node_prefix/include/node/node.h" ] && export npm_config_nodedir="$node_prefix"
exec pnpm install "$@"
