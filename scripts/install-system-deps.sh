#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks for Sightline: OpenCV headers (for the agent's
# camera addon), Mosquitto (tests against an external broker), Chromium (dashboard tests), pnpm.
set -euo pipefail
need=()
dpkg -s libopencv-dev >/dev/null 2>&1 || need+=(libopencv-dev)
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v g++ >/dev/null 2>&1 || need+=(g++ make python3)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v pnpm >/dev/null 2>&1 || npm install -g pnpm >/dev/null
