#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the chat page's browser test
# (test/browser/chat-page.test.ts drives it with playwright-core, which downloads no browser).
# Installs the `chromium` package when it is missing; does nothing when it is there.
#
#   scripts/ci/ensure-chromium.sh        # as root (CI), or with sudo available
#
# Needs: a Debian/Ubuntu image with apt and access to its package mirror. Exits non-zero when
# Chromium cannot be installed; the browser test then fails saying so (it is never skipped).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

# Runs a command as root: directly when this is root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "chromium is missing at $CHROMIUM and this user cannot install it: run 'apt-get update && apt-get install -y chromium' as root." >&2
    exit 1
  fi
}

echo "chromium is missing at $CHROMIUM: installing Debian's chromium package"
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
echo "chromium installed: $("$CHROMIUM" --version)"
