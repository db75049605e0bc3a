#!/usr/bin/env bash
# Wall time of the catalogue against the reference echo server and the third-party peers, with
# --jobs 1 and the default, with and without the performance family (Autobahn 9.x), and the
# median time per case. Usage: bench/catalogue_wall.sh [RUNS]   (default 3 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
cmake --preset release >/dev/null
cmake --build --preset release --target wsspec >/dev/null
wsspec=$PWD/build/release/tools/wsspec
out=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$out"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 200); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2
  return 1
}

declare -A targets
p=$(free_port); "$wsspec" echo-server --listen "127.0.0.1:$p" --no-deflate >/dev/null & pids+=($!)
targets[reference]=$p
if /usr/bin/python3 -c 'import websockets' 2>/dev/null; then
  p=$(free_port); /usr/bin/python3 tests/peers/python-websockets/server.py "$p" --no-deflate >/dev/null 2>&1 &
  pids+=($!); targets[python-websockets]=$p
fi
if [[ -d tests/peers/node-ws/node_modules ]]; then
  p=$(free_port); node tests/peers/node-ws/server.js "$p" --no-deflate >/dev/null 2>&1 &
  pids+=($!); targets[node-ws]=$p
fi
for name in "${!targets[@]}"; do wait_port "${targets[$name]}"; done

median_case_ms() {
  python3 - "$1" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["agents"][0]["results"]
print("%.2f" % statistics.median(x["duration_us"] / 1000 for x in r))
PY
}

printf '%-18s %-22s %5s %12s %12s\n' target selection jobs "wall ms" "median/case"
for name in reference python-websockets node-ws; do
  [[ -n "${targets[$name]:-}" ]] || continue
  url="ws://127.0.0.1:${targets[$name]}/"
  for selection in "all but 9.x" "all"; do
    args=()
    [[ "$selection" == "all but 9.x" ]] && args=(--exclude '9.*')
    for jobs in 1 8; do
      walls=()
      for _ in $(seq "$runs"); do
        "$wsspec" test-server "$url" "${args[@]}" --jobs "$jobs" -q --out "$out" >/dev/null || true
        walls+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agents"][0]["run"]["wall_ms"])' "$out/results.json")")
      done
      wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
      printf '%-18s %-22s %5s %12s %12s\n' "$name" "$selection" "$jobs" "$wall" \
        "$(median_case_ms "$out/results.json")"
    done
  done
done
