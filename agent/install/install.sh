#!/usr/bin/env bash
# Installs the Sightline agent as a systemd service on Debian/Ubuntu (x86_64) and NVIDIA Jetson
# (arm64, JetPack). Run from a checkout of the repository:
#
#   sudo agent/install/install.sh [--prefix /opt/sightline] [--no-start] [--skip-apt]
#
# Safe to run again to update: the code is replaced, /etc/sightline/agent.yaml and
# /var/lib/sightline (outbox, sequence numbers, samples) are kept.
set -euo pipefail

PREFIX=/opt/sightline
CONFIG_DIR=/etc/sightline
STATE_DIR=/var/lib/sightline
UNIT=/etc/systemd/system/sightline-agent.service
START=yes
APT=yes
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[31merror:\033[0m %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix)
      [ $# -ge 2 ] || die "--prefix needs a directory"
      PREFIX=$2
      shift 2
      ;;
    --no-start) START=no; shift ;;
    --skip-apt) APT=no; shift ;;
    -h | --help) usage 0 ;;
    *) warn "unknown option $1"; usage 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root: sudo $0 $*"
{ [ -f "$SOURCE/pnpm-workspace.yaml" ] && [ -d "$SOURCE/agent" ]; } ||
  die "$SOURCE is not a Sightline checkout (no pnpm-workspace.yaml / agent/); run this script from the repository"

# --- Platform -------------------------------------------------------------------------------------
# shellcheck source=/dev/null
. /etc/os-release 2>/dev/null || die "cannot read /etc/os-release; this script supports Debian and Ubuntu"
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "* | *" ubuntu "*) ;;
  *) die "unsupported OS ${PRETTY_NAME:-unknown}: this script supports Debian and Ubuntu (and JetPack, which is Ubuntu)" ;;
esac

ARCH=$(uname -m)
JETSON=no
if [ -f /etc/nv_tegra_release ] || grep -qi jetson /proc/device-tree/model 2>/dev/null; then JETSON=yes; fi
case "$ARCH" in
  x86_64) ;;
  aarch64) [ "$JETSON" = yes ] || warn "arm64 board that is not a Jetson: untested, continuing" ;;
  *) die "unsupported CPU architecture $ARCH (supported: x86_64, aarch64/Jetson)" ;;
esac
say "platform: ${PRETTY_NAME:-$ID} on $ARCH$([ "$JETSON" = yes ] && echo ' (NVIDIA Jetson)')"

# --- Node.js >= 20 and pnpm (not downloaded here: the machine's package policy decides) ------------
if ! command -v node >/dev/null 2>&1; then
  die "Node.js is not installed. Install Node.js 20 or newer, e.g.
    sudo apt-get install nodejs   # if your release ships >= 20 (Debian 13, Ubuntu 24.04)
  or from NodeSource (https://github.com/nodesource/distributions), then run this script again."
fi
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js $(node -v) is too old: the agent needs 20 or newer. Upgrade it (NodeSource packages, or your distribution's nodejs), then run this script again."
if ! command -v pnpm >/dev/null 2>&1; then
  die "pnpm is not installed. Install it with one of:
    sudo corepack enable pnpm
    sudo npm install -g pnpm
  then run this script again."
fi
say "node $(node -v), pnpm $(pnpm --version)"

# --- System packages: OpenCV (cameras, sample JPEGs) and a compiler for its Node addon; libgpiod's
# tools (gpiomon) for GPIO trigger inputs ------------------------------------------------------------
have_opencv_headers() { [ -f /usr/include/opencv4/opencv2/core.hpp ]; }
if [ "$APT" = yes ]; then
  need=()
  for pkg in g++ make python3 pkg-config gpiod; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ "$JETSON" = yes ] && have_opencv_headers; then
    say "using JetPack's OpenCV ($(pkg-config --modversion opencv4 2>/dev/null || echo 'in /usr/include/opencv4'))"
  elif [ "$JETSON" = yes ] && apt-cache show nvidia-opencv >/dev/null 2>&1; then
    need+=(nvidia-opencv) # JetPack's own build (with CUDA and GStreamer); never mix with Ubuntu's
  elif ! have_opencv_headers; then
    need+=(libopencv-dev)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    say "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
fi
have_opencv_headers || warn "no OpenCV headers in /usr/include/opencv4: opencv cameras and JPEG samples will not work (synthetic cameras will)"

# --- User, groups, directories ---------------------------------------------------------------------
# The unit asks for the video and gpio groups; a group that does not exist would stop it from starting.
for group in video gpio; do
  getent group "$group" >/dev/null || groupadd --system "$group"
done
if ! id sightline >/dev/null 2>&1; then
  say "creating system user sightline"
  useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin sightline
fi
usermod -a -G video,gpio sightline
install -d -o sightline -g sightline -m 0750 "$STATE_DIR"
install -d -o root -g sightline -m 0750 "$CONFIG_DIR"
if [ ! -f "$CONFIG_DIR/agent.yaml" ]; then
  say "writing $CONFIG_DIR/agent.yaml from the example: edit it (broker, cameras) before relying on the agent"
  install -o root -g sightline -m 0640 "$SOURCE/agent/install/agent.example.yaml" "$CONFIG_DIR/agent.yaml"
else
  say "keeping $CONFIG_DIR/agent.yaml"
fi

# --- Code and dependencies -------------------------------------------------------------------------
say "installing the workspace to $PREFIX"
install -d -m 0755 "$PREFIX"
if [ "$(cd "$PREFIX" && pwd -P)" != "$(cd "$SOURCE" && pwd -P)" ]; then
  # Replace the code but keep $PREFIX/node_modules: its compiled OpenCV addon takes minutes to rebuild.
  find "$PREFIX" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
  tar -C "$SOURCE" --exclude=./.git --exclude='node_modules' --exclude='./data' --exclude='*/data' \
    --exclude='dist' --exclude='*.tsbuildinfo' -cf - . | tar -C "$PREFIX" -xf -
fi
say "pnpm install (builds the OpenCV addon against the system OpenCV; this can take several minutes)"
(cd "$PREFIX" && CI=true scripts/pnpm-install.sh --prod --frozen-lockfile --filter '@sightline/agent...')
chown -R root:root "$PREFIX"
chmod -R go-w "$PREFIX"
# A wrapper rather than a symlink: the OpenCV addon must not try to rebuild itself when the
# command runs outside $PREFIX (it looks for its build settings in the current directory).
rm -f /usr/local/bin/sightline-agent
cat >/usr/local/bin/sightline-agent <<WRAPPER
#!/bin/sh
export OPENCV4NODEJS_DISABLE_AUTOBUILD=1
exec node "$PREFIX/agent/bin/sightline-agent.js" "\$@"
WRAPPER
chmod 0755 /usr/local/bin/sightline-agent

# --- Service ---------------------------------------------------------------------------------------
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  say "installing $UNIT"
  sed "s#/opt/sightline#$PREFIX#g" "$SOURCE/agent/install/sightline-agent.service" >"$UNIT"
  chmod 0644 "$UNIT"
  systemctl daemon-reload
  systemctl enable sightline-agent.service >/dev/null
  if [ "$START" = yes ]; then systemctl restart sightline-agent.service; fi
else
  warn "systemd is not running here (container?): the unit was not installed; start the agent with
    sightline-agent run --config $CONFIG_DIR/agent.yaml"
fi

# --- Check everything ------------------------------------------------------------------------------
say "sightline-agent doctor"
if runuser -u sightline -- /usr/local/bin/sightline-agent doctor --config "$CONFIG_DIR/agent.yaml"; then
  say "installed. Logs: journalctl -u sightline-agent -f"
else
  warn "the doctor found problems (above). Fix them in $CONFIG_DIR/agent.yaml, then:
    sudo systemctl restart sightline-agent && sudo -u sightline sightline-agent doctor --config $CONFIG_DIR/agent.yaml"
  exit 1
fi
