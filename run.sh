#!/usr/bin/env bash
# The run command: a ZooKeeper ensemble and N ClusterDashboard nodes on 127.0.0.1, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/install-deps.sh
. scripts/install-deps.sh

nodes=3
zk_servers=3
base_port=5001
zk_base_port=2181
session_timeout=5
run_dir=.run
logs=""
zk_auth=""
fault_key=""
chroot=/clusterdashboard

usage() {
  cat <<USAGE
Usage: ./run.sh [options]
  --nodes N             ClusterDashboard nodes to start (default 3): node-1.. on http://127.0.0.1:5001..
  --zk 1|3              ZooKeeper servers (default 3): client ports 2181..
  --base-port P         first node's HTTP port (default 5001)
  --zk-base-port P      first ZooKeeper client port (default 2181)
  --session-timeout S   ZooKeeper session timeout in seconds (default 5)
  --logs DIR            where logs go (default .run/logs)
  --zk-auth digest:USER:PASSWORD
                        the cluster's ZooKeeper credentials (default: user clusterdashboard with a new random
                        password, kept in .run/env); every znode the cluster creates is writable by them alone
  --no-zk-auth          run without credentials: every znode is open to any client (not for shared ensembles)
  --fault-key KEY       the nodes' Faults:ApiKey, 16 characters at least (default: a new random key, kept in
                        .run/env as FAULT_KEY); fault orders without it are refused, and the page asks for it
  --no-fault-key        run without a fault key: anyone who reaches a node's port can inject faults
  --chroot PATH         the cluster's own subtree in ZooKeeper (default /clusterdashboard; / for the root)
Ctrl-C (or SIGTERM) stops everything this script started.
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --zk) zk_servers="$2"; shift 2 ;;
    --base-port) base_port="$2"; shift 2 ;;
    --zk-base-port) zk_base_port="$2"; shift 2 ;;
    --session-timeout) session_timeout="$2"; shift 2 ;;
    --logs) logs="$2"; shift 2 ;;
    --zk-auth) zk_auth="$2"; shift 2 ;;
    --no-zk-auth) zk_auth="none"; shift ;;
    --fault-key) fault_key="$2"; shift 2 ;;
    --no-fault-key) fault_key="none"; shift ;;
    --chroot) chroot="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$zk_servers" in 1|3) ;; *) echo "error: --zk must be 1 or 3, not '$zk_servers'" >&2; exit 2 ;; esac
[[ "$nodes" =~ ^[1-9][0-9]?$ ]] || { echo "error: --nodes must be 1..99, not '$nodes'" >&2; exit 2; }
[[ "$session_timeout" =~ ^[0-9]+$ ]] && [ "$session_timeout" -ge 1 ] && [ "$session_timeout" -le 60 ] \
  || { echo "error: --session-timeout must be 1..60 seconds, not '$session_timeout'" >&2; exit 2; }
logs="${logs:-$run_dir/logs}"
[[ "$chroot" =~ ^(/[A-Za-z0-9_.-]+)+$|^/$ ]] || { echo "error: --chroot must be a path like /clusterdashboard, not '$chroot'" >&2; exit 2; }
[ "$chroot" = / ] && chroot=""
case "$zk_auth" in
  "") zk_auth="digest:clusterdashboard:$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')" ;;
  none) zk_auth="" ;;
  digest:?*:?*) ;;
  *) echo "error: --zk-auth must be digest:USER:PASSWORD" >&2; exit 2 ;;
esac
case "$fault_key" in
  "") fault_key="$(head -c 24 /dev/urandom | base64 | tr '+/' 'xy')" ;;
  none) fault_key="" ;;
  ????????????????*) ;;
  *) echo "error: --fault-key must be 16 characters at least" >&2; exit 2 ;;
esac

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

four_letter() { # port word
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf '%s' "$2" >&3 && timeout 2 cat <&3) 2>/dev/null) || return 1
  printf '%s' "$reply"
}

pids_dir="$run_dir/pids"
stop_pidfile() { # file [grace seconds]
  local file=$1 grace=${2:-5} pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

sleeper=""
cleanup() {
  trap - INT TERM EXIT
  [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
  echo
  echo "stopping..."
  local f
  for f in "$pids_dir"/node-*.pid; do [ -e "$f" ] && stop_pidfile "$f" 5; done
  for f in "$pids_dir"/zk*.pid; do [ -e "$f" ] && stop_pidfile "$f" 5; done
  echo "stopped."
}

ensure_dotnet
ensure_zookeeper
mkdir -p "$logs" "$pids_dir"

for i in $(seq 1 "$zk_servers"); do
  port=$((zk_base_port + i - 1))
  port_in_use "$port" && { echo "error: port $port is already in use; is another ZooKeeper running? (--zk-base-port)" >&2; exit 1; }
done
for i in $(seq 1 "$nodes"); do
  port=$((base_port + i - 1))
  port_in_use "$port" && { echo "error: port $port is already in use (--base-port)" >&2; exit 1; }
done

echo "== building"
dotnet publish src/ClusterDashboard/ClusterDashboard.csproj -c Release -o "$run_dir/app" -nologo -v quiet >"$logs/build.log" 2>&1 \
  || { cat "$logs/build.log" >&2; exit 1; }

trap cleanup INT TERM EXIT

echo "== starting ZooKeeper ($zk_servers server(s))"
connect=""
for i in $(seq 1 "$zk_servers"); do
  dir="$PWD/$run_dir/zk/zk$i"
  rm -rf "$dir" && mkdir -p "$dir/data"
  echo "$i" >"$dir/data/myid"
  {
    echo "tickTime=500"
    echo "initLimit=10"
    echo "syncLimit=5"
    echo "dataDir=$dir/data"
    echo "clientPort=$((zk_base_port + i - 1))"
    echo "clientPortAddress=127.0.0.1"
    echo "admin.enableServer=false"
    # The words the dashboard and this script use; not dump, which lists every session of the ensemble.
    echo "4lw.commands.whitelist=srvr,stat,mntr,cons,conf,ruok,wchs"
    echo "maxClientCnxns=0"
    if [ "$zk_servers" -gt 1 ]; then
      for j in $(seq 1 "$zk_servers"); do
        echo "server.$j=127.0.0.1:$((zk_base_port + 700 + j)):$((zk_base_port + 800 + j))"
      done
    fi
  } >"$dir/zoo.cfg"
  java -Xmx256m -XX:+UseSerialGC -cp "$(zookeeper_classpath)" org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
    >"$logs/zk$i.log" 2>&1 &
  echo $! >"$pids_dir/zk$i.pid"
  connect="${connect:+$connect,}127.0.0.1:$((zk_base_port + i - 1))"
done
for i in $(seq 1 "$zk_servers"); do
  port=$((zk_base_port + i - 1))
  for attempt in $(seq 1 300); do
    four_letter "$port" srvr | grep -q '^Mode:' && break
    [ "$attempt" -eq 300 ] && { echo "error: ZooKeeper on $port did not start; see $logs/zk$i.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "   127.0.0.1:$port $(four_letter "$port" srvr | grep '^Mode:')"
done

# What each node is started with; scripts/start-node.sh reads the same file to start one by hand. It holds the
# cluster's ZooKeeper password, so only this user may read it.
(umask 077 && cat >"$run_dir/env" <<ENV
ZK_CONNECT=$connect$chroot
ZK_AUTH=$(printf %q "$zk_auth")
FAULT_KEY=$(printf %q "$fault_key")
SESSION_TIMEOUT=$session_timeout
BASE_PORT=$base_port
LOGS=$logs
ENV
)
# The key as a header line, so that curl can send it with -H @file instead of on its command line.
rm -f "$run_dir/fault-key.header"
[ -z "$fault_key" ] || (umask 077 && printf 'X-Api-Key: %s\n' "$fault_key" >"$run_dir/fault-key.header")

echo "== starting $nodes node(s)"
for i in $(seq 1 "$nodes"); do
  scripts/start-node.sh "$i" >"$logs/node-$i.log" 2>&1 &
done
for i in $(seq 1 "$nodes"); do
  port=$((base_port + i - 1))
  for attempt in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    [ "$attempt" -eq 300 ] && { echo "error: node-$i did not come up; see $logs/node-$i.log" >&2; exit 1; }
    sleep 0.2
  done
done

echo
echo "ClusterDashboard is running:"
for i in $(seq 1 "$nodes"); do
  echo "   node-$i  http://127.0.0.1:$((base_port + i - 1))/"
done
echo
echo "   ZooKeeper    $connect$chroot"
if [ -n "$zk_auth" ]; then
  echo "   credentials  ${zk_auth%:*}:… (ZK_AUTH in $run_dir/env; zkCli: addauth digest USER:PASSWORD)"
else
  echo "   credentials  none: every znode of the cluster is open to any client"
fi
if [ -n "$fault_key" ]; then
  echo "   fault key    FAULT_KEY in $run_dir/env: the page asks for it; curl -H @$run_dir/fault-key.header ..."
else
  echo "   fault key    none: anyone who reaches a node's port can inject faults"
fi
echo "   logs         $logs/"
echo "   leader       curl http://127.0.0.1:$base_port/leader"
echo "   kill a node  kill -9 \$(cat $pids_dir/node-1.pid)"
echo "   restart it   scripts/start-node.sh 1"
echo
echo "Ctrl-C stops everything."
sleep infinity &
sleeper=$!
wait "$sleeper" || true
