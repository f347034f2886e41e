#!/usr/bin/env bash
# Shared set-up for scripts/serve and scripts/test: installs what is missing, skips what is
# already there. Everything goes to its usual place (cargo's bin folder, apt, node_modules).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.130"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

STAGES=0
step() {
  STAGES=$((STAGES + 1))
  printf '\n==> %s\n' "$*"
}

have_version() { # command, expected version text
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() { # packages...
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_rust_tools() {
  step "Rust target and tools"
  rustup target add wasm32-unknown-unknown
  if ! have_version trunk "$TRUNK_VERSION"; then
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
  # Not --locked: its lock file pins a crate version the registry does not serve.
  if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    step "Node.js and npm (from Debian)"
    apt_install nodejs npm
  fi
}

ensure_build_tools() {
  ensure_rust_tools
  ensure_node
  step "wasm-opt (npm binaryen, from package-lock.json)"
  if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    step "Chromium and ChromeDriver (from Debian)"
    apt_install chromium chromium-driver
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
}

ensure_e2e_tools() {
  ensure_node
  # open.spec.js makes a throwaway certificate for its "other https site".
  if ! command -v openssl >/dev/null 2>&1; then
    step "OpenSSL (from Debian)"
    apt_install openssl
  fi
  step "Playwright (npm, from tests/e2e/package-lock.json)"
  # Also when the lock file is newer than the install (new packages, e.g. the LMS test peers).
  if [ ! -d "$ROOT/tests/e2e/node_modules/@playwright/test" ] ||
    [ "$ROOT/tests/e2e/package-lock.json" -nt "$ROOT/tests/e2e/node_modules/.package-lock.json" ]; then
    (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund)
  fi
}

# nats-server and haproxy for several room-server nodes (scripts/cluster, the cluster tests).
# Debian puts both in /usr/sbin, which a normal user's PATH may lack.
ensure_cluster_tools() {
  export PATH="$PATH:/usr/sbin:/sbin"
  if ! command -v nats-server >/dev/null 2>&1 || ! command -v haproxy >/dev/null 2>&1; then
    step "nats-server and haproxy (from Debian)"
    apt_install nats-server haproxy
  fi
}
