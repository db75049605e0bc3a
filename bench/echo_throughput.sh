#!/usr/bin/env bash
# Echo throughput and memory of the reference echo server next to a Boost.Beast echo server.
#
#   bench/echo_throughput.sh [--no-build]
#
# Builds the three programs it runs with the release preset, then, one server after the other
# (`wsspec echo-server --no-deflate`, then `beast_echo_server`, both single-threaded without
# permessage-deflate): starts it on a free port, runs echo_load with the same load for 16 B, 1 KiB
# and 64 KiB binary messages (best of REPEAT runs, after a warm-up), and on a fresh process
# measures its peak RSS (VmHWM) while it echoes one 16 MiB message. Prints messages/s for each
# server and the ratio reference/Beast.
#
# Environment: CONNECTIONS (4), ROUND_TRIPS (20000, for 16 B and 1 KiB), ROUND_TRIPS_LARGE (2000,
# for 64 KiB), REPEAT (3), JOBS (build jobs, 2), WSSPEC_BENCH_BUILD_DIR (default build/release:
# another folder is configured from the same preset), WSSPEC_BENCH_CMAKE_ARGS (extra configure
# arguments, split on spaces).
set -euo pipefail

root="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
cd "$root"
connections="${CONNECTIONS:-4}"
round_trips="${ROUND_TRIPS:-20000}"
round_trips_large="${ROUND_TRIPS_LARGE:-2000}"
repeat="${REPEAT:-3}"
build="${WSSPEC_BENCH_BUILD_DIR:-build/release}"
build_it=1
case "${1:-}" in
  "") ;;
  --no-build) build_it=0 ;;
  *) echo "usage: bench/echo_throughput.sh [--no-build]" >&2; exit 2 ;;
esac

if ((build_it)); then
  read -r -a extra <<<"${WSSPEC_BENCH_CMAKE_ARGS:-}"
  if [[ "$build" == build/release ]]; then
    cmake --preset release ${extra[@]+"${extra[@]}"} >/dev/null
    cmake --build --preset release --target wsspec beast_echo_server echo_load -j "${JOBS:-2}"
  else
    cmake --preset release -B "$build" ${extra[@]+"${extra[@]}"} >/dev/null
    cmake --build "$build" --target wsspec beast_echo_server echo_load -j "${JOBS:-2}"
  fi
fi
wsspec="$build/tools/wsspec"
beast="$build/bench/beast_echo_server"
load="$build/bench/echo_load"
for program in "$wsspec" "$beast" "$load"; do
  [[ -x "$program" ]] || { echo "echo_throughput.sh: $program is not built" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/echo_throughput.XXXXXX")"
server_pid=""
# shellcheck disable=SC2317  # called by stop_server and the EXIT trap
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME: starts it on port 0 and sets server_pid and port once it announced the port.
start_server() {
  : >"$work/server.log"
  case "$1" in
    reference) "$wsspec" echo-server --listen 127.0.0.1:0 --no-deflate >"$work/server.log" 2>&1 & ;;
    beast) "$beast" --listen 127.0.0.1:0 >"$work/server.log" 2>&1 & ;;
  esac
  server_pid=$!
  port=""
  local deadline=$((SECONDS + 20))
  until [[ "$(cat "$work/server.log")" =~ ws://127\.0\.0\.1:([0-9]+)/ ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "echo_throughput.sh: the $1 server did not start:" >&2
      cat "$work/server.log" >&2
      exit 1
    fi
    sleep 0.02
  done
  port="${BASH_REMATCH[1]}"
}

# run_load SIZE ROUND_TRIPS [CONNECTIONS]: messages/s of one echo_load run.
run_load() {
  local line
  line="$("$load" --port "$port" --connections "${3:-$connections}" --round-trips "$2" \
    --size "$1")"
  [[ "$line" =~ messages_per_second=([0-9]+) ]] || {
    echo "echo_throughput.sh: unexpected echo_load output: $line" >&2
    exit 1
  }
  echo "${BASH_REMATCH[1]}"
}

vm_hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status"; }

sizes=(16 1024 65536)
declare -A rate idle_kib peak_kib
for server in reference beast; do
  start_server "$server"
  run_load 16 1000 >/dev/null  # warm-up
  for size in "${sizes[@]}"; do
    trips="$round_trips"
    ((size < 65536)) || trips="$round_trips_large"
    best=0
    for _ in $(seq "$repeat"); do
      r="$(run_load "$size" "$trips")"
      if ((r > best)); then best="$r"; fi
    done
    rate[$server,$size]="$best"
  done
  stop_server

  start_server "$server"
  idle_kib[$server]="$(vm_hwm_kib)"
  run_load $((16 << 20)) 1 1 >/dev/null
  peak_kib[$server]="$(vm_hwm_kib)"
  stop_server
done

echo
echo "Echo round trips per second: $connections connections, binary messages, no compression;"
echo "$round_trips round trips per connection ($round_trips_large for 64 KiB), best of $repeat runs."
printf '%-8s %16s %16s %16s\n' size reference beast reference/beast
for size in "${sizes[@]}"; do
  case "$size" in 16) label="16 B" ;; 1024) label="1 KiB" ;; *) label="64 KiB" ;; esac
  printf '%-8s %16s %16s %16s\n' "$label" "${rate[reference,$size]}" "${rate[beast,$size]}" \
    "$(awk -v a="${rate[reference,$size]}" -v b="${rate[beast,$size]}" \
      'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "Peak RSS (VmHWM) of a fresh server echoing one 16 MiB message:"
for server in reference beast; do
  printf '%-10s %8.1f MiB (idle %.1f MiB)\n' "$server" \
    "$(awk -v k="${peak_kib[$server]}" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="${idle_kib[$server]}" 'BEGIN { print k / 1024 }')"
done
