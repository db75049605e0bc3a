#!/usr/bin/env bash
# Runs a command against a WebSocket echo server started for it on a free port.
#
#   run_peer.sh [--no-deflate] [--tls] [--needs PEER]... [--wsspec PATH] [--wait SECONDS] \
#               SERVER -- COMMAND...
#
# SERVER is python-websockets or node-ws (the peers in tests/peers/), reference (the reference
# echo server, `wsspec echo-server`; --wsspec or $WSSPEC names the program), or none (no server:
# COMMAND runs once the peers named by --needs are there, e.g. wsspec test-client starting a
# peer's client). The server binds
# port 0 and announces the port it got, so no other process can take it in between. Every {port}
# in COMMAND is replaced by that port; WSSPEC_PEER_PORT and WSSPEC_PEER_URL are exported too.
# --no-deflate starts the server without permessage-deflate. --tls makes a throw-away CA and a
# certificate for localhost and 127.0.0.1 (openssl), starts the server on wss:// with it, replaces
# every {ca}, {cert} and {key} in COMMAND by the CA's, the certificate's and its key's PEM files,
# and exports SSL_CERT_FILE and NODE_EXTRA_CA_CERTS (the CA) for the clients COMMAND starts. --needs PEER also requires that
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
tls=0
needs=()
wsspec="${WSSPEC:-}"
wait_seconds=20

usage() {
  echo "usage: run_peer.sh [--no-deflate] [--tls] [--needs PEER]... [--wsspec PATH] [--wait SECONDS]" \
    "python-websockets|node-ws|reference|none -- COMMAND..." >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --no-deflate) deflate_flag=(--no-deflate) ;;
    --tls) tls=1 ;;
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

if [[ "$server" == none ]] && ! ((tls)); then exec "${command[@]}"; fi

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

tls_flag=()
scheme=ws
if ((tls)); then
  # A throw-away CA and a certificate it signs for localhost and 127.0.0.1, valid for a day.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=wsspec test CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$work/san.cnf"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -CAcreateserial -days 1 -extfile "$work/san.cnf" -out "$work/server.pem" 2>/dev/null
  case "$server" in
    reference) tls_flag=(--tls-cert "$work/server.pem" --tls-key "$work/server.key") ;;
    none) ;;
    *) tls_flag=(--tls "$work/server.pem" "$work/server.key") ;;
  esac
  scheme=wss
  command=("${command[@]//\{ca\}/$work/ca.pem}")
  command=("${command[@]//\{cert\}/$work/server.pem}")
  command=("${command[@]//\{key\}/$work/server.key}")
  # Clients started by COMMAND trust the CA too: OpenSSL's default verify paths (Python) and
  # Node's extra CA certificates.
  export SSL_CERT_FILE="$work/ca.pem" NODE_EXTRA_CA_CERTS="$work/ca.pem"
fi

if [[ "$server" == none ]]; then
  "${command[@]}" <&0 &
  command_pid=$!
  status=0
  wait "$command_pid" || status=$?
  command_pid=""
  exit "$status"
fi

# Created here: the background job opens it only after this script has started polling it.
: >"$work/server.log"
"${start[@]}" ${deflate_flag[@]+"${deflate_flag[@]}"} ${tls_flag[@]+"${tls_flag[@]}"} \
  >"$work/server.log" 2>&1 &
server_pid=$!

# The servers print "... ws://127.0.0.1:PORT/" (wss:// with --tls) once they accept connections.
port=""
deadline=$((SECONDS + wait_seconds))
while [[ -z "$port" ]]; do
  if [[ "$(cat "$work/server.log")" =~ $scheme://127\.0\.0\.1:([0-9]+)/ ]]; then
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
export WSSPEC_PEER_URL="$scheme://127.0.0.1:$port/"
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
