#!/usr/bin/env bash
# Runs a command against a WebSocket echo server started for it on a free port.
#
#   run_peer.sh [--no-deflate] [--needs PEER]... [--wsspec PATH] [--wait SECONDS] \
#               SERVER -- COMMAND...
#
# SERVER is python-websockets or node-ws (the peers in tests/peers/), reference (the reference
# echo server, `wsspec echo-server`; --wsspec or $WSSPEC names the program), or none (no server:
# COMMAND runs once the peers named by --needs are there, e.g. wsspec test-client starting a
# peer's client). The server binds
# port 0 and announces the port it got, so no other process can take it in between. Every {port}
# in COMMAND is replaced by that port; WSSPEC_PEER_PORT and WSSPEC_PEER_URL are exported too.
# --no-deflate starts the server without permessage-deflate. --needs PEER also requires that
# peer's runtime, for a COMMAND that is itself a peer's client.
#
# Exit status: COMMAND's; 77 (ctest's skip code) when python3-websockets or node is missing;
# 2 when the server did not come up within --wait seconds (default 20) or node-ws's packages are
# not installed. The server is stopped on every exit path. $WSSPEC_PYTHON overrides the Python
# interpreter (/usr/bin/python3, which Debian's python3-websockets is installed for).
#
# Example:
#   run_peer.sh node-ws -- build/default/tools/wsspec test-server ws://127.0.0.1:{port}/ --out out
set -euo pipefail

here="${BASH_SOURCE[0]%/*}"
[[ "$here" != "${BASH_SOURCE[0]}" ]] || here=.
peers_dir="$(cd "$here/../peers" && pwd)"
python="${WSSPEC_PYTHON:-/usr/bin/python3}"
deflate_flag=()
needs=()
wsspec="${WSSPEC:-}"
wait_seconds=20

usage() {
  echo "usage: run_peer.sh [--no-deflate] [--needs PEER]... [--wsspec PATH] [--wait SECONDS]" \
    "python-websockets|node-ws|reference|none -- COMMAND..." >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --no-deflate) deflate_flag=(--no-deflate) ;;
    --needs) (($# >= 2)) || usage; needs+=("$2"); shift ;;
    --wsspec) (($# >= 2)) || usage; wsspec="$2"; shift ;;
    --wait) (($# >= 2)) || usage; wait_seconds="$2"; shift ;;
    --) usage ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
if (($# < 3)) || [[ "$2" != "--" ]] || ! [[ "$wait_seconds" =~ ^[0-9]+$ ]]; then usage; fi
server="$1"
shift 2
command=("$@")

# Skips (77) when a peer's runtime is absent; fails when it is present but incompletely set up.
require() {
  case "$1" in
    python-websockets)
      if ! [[ -x "$python" ]] || ! "$python" -c 'import websockets' 2>/dev/null; then
        echo "run_peer.sh: skipped: python3-websockets is not installed for $python" >&2
        exit 77
      fi ;;
    node-ws)
      if ! command -v node >/dev/null; then
        echo "run_peer.sh: skipped: node is not installed" >&2
        exit 77
      fi
      if ! (cd "$peers_dir/node-ws" && node -e "require.resolve('ws')" 2>/dev/null); then
        echo "run_peer.sh: ws is not installed in $peers_dir/node-ws: run scripts/install-deps" >&2
        exit 2
      fi ;;
    none) ;;
    reference)
      if [[ -z "$wsspec" || ! -x "$wsspec" ]]; then
        echo "run_peer.sh: the reference server needs --wsspec PATH (or \$WSSPEC)" >&2
        exit 2
      fi ;;
    *) usage ;;
  esac
}

require "$server"
for peer in ${needs[@]+"${needs[@]}"}; do require "$peer"; done

if [[ "$server" == none ]]; then exec "${command[@]}"; fi

case "$server" in
  python-websockets) start=("$python" "$peers_dir/python-websockets/server.py" 0) ;;
  node-ws) start=(node "$peers_dir/node-ws/server.js" 0) ;;
  reference) start=("$wsspec" echo-server --listen 127.0.0.1:0) ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/run_peer.XXXXXX")"
server_pid=""
command_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
stop_server() {
  if [[ -n "$command_pid" ]]; then kill -TERM "$command_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Give it 5 s to exit on its own, then kill it.
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  [[ -z "$server_pid" ]] || wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Created here: the background job opens it only after this script has started polling it.
: >"$work/server.log"
"${start[@]}" ${deflate_flag[@]+"${deflate_flag[@]}"} >"$work/server.log" 2>&1 &
server_pid=$!

# The servers print "... ws://127.0.0.1:PORT/" once they accept connections.
port=""
deadline=$((SECONDS + wait_seconds))
while [[ -z "$port" ]]; do
  if [[ "$(cat "$work/server.log")" =~ ws://127\.0\.0\.1:([0-9]+)/ ]]; then
    port="${BASH_REMATCH[1]}"
  elif ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run_peer.sh: the $server server exited before listening:" >&2
    cat "$work/server.log" >&2
    exit 2
  elif ((SECONDS >= deadline)); then
    echo "run_peer.sh: the $server server did not listen within $wait_seconds s" >&2
    cat "$work/server.log" >&2
    exit 2
  else
    sleep 0.02
  fi
done

export WSSPEC_PEER_PORT="$port"
export WSSPEC_PEER_URL="ws://127.0.0.1:$port/"
command=("${command[@]//\{port\}/$port}")
# In the background so that a signal to this script is handled at once, not when COMMAND ends;
# COMMAND keeps this script's standard input.
"${command[@]}" <&0 &
command_pid=$!
status=0
wait "$command_pid" || status=$?
command_pid=""
if ((status != 0 && status != 77)) && [[ -s "$work/server.log" ]]; then
  echo "run_peer.sh: $server server output:" >&2
  cat "$work/server.log" >&2
fi
exit "$status"
