#!/usr/bin/env bash
# Makes sure `redis-server` is installed for the bullmq tests (test/bullmq) and the queue benchmark,
# which start their own server on a free 127.0.0.1 port (no persistence) and stop it; nothing else
# of Redis is used, and a system service the package may start is left alone.
#
#   scripts/ci/ensure-redis.sh        # before `npm test`; does nothing when redis-server is on PATH
#
# Installs Debian's `redis-server` package when it is missing: needs apt-get, and root or sudo.
# Exits non-zero (and says why) when it cannot, so the test phase does not run without it.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing and apt-get is not available: install Redis 6.2 or later so that redis-server is on PATH." >&2
  exit 1
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "redis-server is missing; installing it needs root (or sudo): apt-get install redis-server" >&2
    exit 1
  fi
  sudo='sudo'
fi

echo "Installing redis-server (Debian package)"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent in a fresh container: update once if the install fails.
$sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null 2>&1 ||
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends redis-server; }
echo "redis-server installed: $(redis-server --version)"
