#!/usr/bin/env bash
# Starts ClusterDashboard node N (node-N on http://127.0.0.1:BASE_PORT+N-1) in the foreground, against the ensemble
# a running ./run.sh started. Its pid goes to .run/pids/node-N.pid so ./run.sh stops it too.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:?usage: scripts/start-node.sh N}"
[[ "$n" =~ ^[1-9][0-9]?$ ]] || { echo "error: N must be a number, not '$n'" >&2; exit 2; }
[ -f .run/env ] || { echo "error: .run/env not found: start ./run.sh first" >&2; exit 1; }
# shellcheck source=/dev/null
. .run/env
port=$((BASE_PORT + n - 1))
echo $$ >".run/pids/node-$n.pid"
cd .run/app
export ZooKeeper__ConnectString="$ZK_CONNECT"
# The cluster's credentials come through the environment, never the command line (which any user can read).
if [ -n "${ZK_AUTH:-}" ]; then export ZooKeeper__Auth="$ZK_AUTH"; else unset ZooKeeper__Auth; fi
export ZooKeeper__SessionTimeout="$(printf "00:%02d:%02d" $((SESSION_TIMEOUT / 60)) $((SESSION_TIMEOUT % 60)))"
export Cluster__NodeId="node-$n"
export Cluster__AdvertisedUrl="http://127.0.0.1:$port"
export Faults__Enabled=true
if [ -n "${FAULT_KEY:-}" ]; then export Faults__ApiKey="$FAULT_KEY"; else unset Faults__ApiKey; fi
export ASPNETCORE_ENVIRONMENT=Production
exec dotnet ClusterDashboard.dll --urls "http://127.0.0.1:$port"
