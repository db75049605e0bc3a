#!/usr/bin/env bash
# Echo throughput and memory of the reference echo server next to a Boost.Beast echo server.
#
#   bench/echo_throughput.sh [--no-build]
#
# Builds the three programs it runs with the release preset, then, one server after the other
# (`wsspec echo-server --no-deflate`, then `beast_echo_server`, both single-threaded without
# permessage-deflate): starts it on a free port, runs echo_load with the same load for 16 B, 1 KiB
# and 64 KiB binary messages (best of REPEAT runs, after a warm-up). Prints messages/s for each
# server and the ratio reference/Beast, and the CPU time (user + system, from /proc/PID/stat) the
# server spent per echoed message, which a busy machine disturbs less than the rate.
#
# Then the peak RSS (VmHWM) of each server while it echoes one 16 MiB binary message, each time on
# a fresh process, and its RSS before the connection (idle):
#   - without compression (the servers as above): a message of pseudo-random bytes;
#   - with permessage-deflate (`wsspec echo-server` without --no-deflate, `beast_echo_server
#     --deflate`, Beast's default deflate parameters; echo_load --deflate offers the extension,
#     fails unless it is accepted, compresses the message and inflates the echo): a message of
#     one English sentence repeated (echo_load --payload text), which deflate shrinks about 300
#     times, and again pseudo-random bytes, which it cannot shrink (the compressed message is as
#     large as the message); the bytes the echo took on the wire are printed to show it was
#     compressed.
# "message" is the peak less the idle RSS: what the message cost, apart from the program and its
# libraries.
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

# start_server NAME [deflate]: starts it on port 0 (with permessage-deflate when asked) and sets
# server_pid and port once it announced the port.
start_server() {
  local log="$work/server.log"
  : >"$log"
  case "$1,${2:-}" in
    reference,) "$wsspec" echo-server --listen 127.0.0.1:0 --no-deflate >"$log" 2>&1 & ;;
    reference,deflate) "$wsspec" echo-server --listen 127.0.0.1:0 >"$log" 2>&1 & ;;
    beast,) "$beast" --listen 127.0.0.1:0 >"$log" 2>&1 & ;;
    beast,deflate) "$beast" --listen 127.0.0.1:0 --deflate >"$log" 2>&1 & ;;
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

# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

# run_load SIZE ROUND_TRIPS [CONNECTIONS]: prints the messages/s of one echo_load run and the
# server's CPU microseconds per message.
run_load() {
  local line before after n="${3:-$connections}"
  before="$(cpu_ticks)"
  line="$("$load" --port "$port" --connections "$n" --round-trips "$2" --size "$1")"
  after="$(cpu_ticks)"
  [[ "$line" =~ messages_per_second=([0-9]+) ]] || {
    echo "echo_throughput.sh: unexpected echo_load output: $line" >&2
    exit 1
  }
  echo "${BASH_REMATCH[1]} $(awk -v t=$((after - before)) -v hz="$ticks_per_second" \
    -v m=$((n * $2)) 'BEGIN { printf "%.1f", t * 1e6 / hz / m }')"
}

vm_hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status"; }

# echo_once ARGS...: one connection, one round trip of a 16 MiB message with echo_load's extra
# ARGS; prints the bytes the echo took on the wire.
echo_once() {
  local line
  line="$("$load" --port "$port" --connections 1 --round-trips 1 --size $((16 << 20)) "$@")"
  [[ "$line" =~ received_bytes=([0-9]+) ]] || {
    echo "echo_throughput.sh: unexpected echo_load output: $line" >&2
    exit 1
  }
  echo "${BASH_REMATCH[1]}"
}

sizes=(16 1024 65536)
compressions=(none deflate deflate-random)
declare -A rate cpu idle_kib peak_kib wire_bytes
for server in reference beast; do
  start_server "$server"
  run_load 16 1000 >/dev/null  # warm-up
  for size in "${sizes[@]}"; do
    trips="$round_trips"
    ((size < 65536)) || trips="$round_trips_large"
    best=0
    least_cpu=""
    for _ in $(seq "$repeat"); do
      read -r r c <<<"$(run_load "$size" "$trips")"
      if ((r > best)); then best="$r"; fi
      if [[ -z "$least_cpu" ]] || awk -v a="$c" -v b="$least_cpu" 'BEGIN { exit !(a < b) }'; then
        least_cpu="$c"
      fi
    done
    rate[$server,$size]="$best"
    cpu[$server,$size]="$least_cpu"
  done
  stop_server

  for compression in "${compressions[@]}"; do
    if [[ "$compression" == none ]]; then
      start_server "$server"
      idle_kib[$server,$compression]="$(vm_hwm_kib)"
      wire_bytes[$server,$compression]="$(echo_once)"
    else
      start_server "$server" deflate
      idle_kib[$server,$compression]="$(vm_hwm_kib)"
      if [[ "$compression" == deflate ]]; then
        wire_bytes[$server,$compression]="$(echo_once --deflate --payload text)"
      else
        wire_bytes[$server,$compression]="$(echo_once --deflate)"
      fi
    fi
    peak_kib[$server,$compression]="$(vm_hwm_kib)"
    stop_server
  done
done

echo
echo "Echo round trips per second: $connections connections, binary messages, no compression;"
echo "$round_trips round trips per connection ($round_trips_large for 64 KiB), best of $repeat" \
  "runs."
echo "msg/s: echoed messages per second; CPU: server user+system microseconds per message."
printf '%-8s %12s %12s %9s %12s %12s %9s\n' size "ref msg/s" "beast msg/s" ratio \
  "ref CPU us" "beast CPU us" ratio
for size in "${sizes[@]}"; do
  case "$size" in 16) label="16 B" ;; 1024) label="1 KiB" ;; *) label="64 KiB" ;; esac
  printf '%-8s %12s %12s %9s %12s %12s %9s\n' "$label" \
    "${rate[reference,$size]}" "${rate[beast,$size]}" \
    "$(awk -v a="${rate[reference,$size]}" -v b="${rate[beast,$size]}" \
      'BEGIN { printf "%.2f", a / b }')" \
    "${cpu[reference,$size]}" "${cpu[beast,$size]}" \
    "$(awk -v a="${cpu[reference,$size]}" -v b="${cpu[beast,$size]}" \
      'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
echo "(msg/s ratio: reference/Beast, higher is better for the reference; CPU ratio:"
echo " reference/Beast, lower is better for the reference)"
echo
echo "Peak RSS (VmHWM) of a fresh server echoing one 16 MiB message (none: pseudo-random bytes;"
echo "permessage-deflate: repeated text; deflate, random: pseudo-random bytes, which deflate cannot"
echo "shrink; echo: bytes the echo took on the wire):"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
for compression in "${compressions[@]}"; do
  case "$compression" in
    none) label=none ;;
    deflate) label=permessage-deflate ;;
    *) label="deflate, random" ;;
  esac
  for server in reference beast; do
    printf '%-10s %-18s %8s MiB (idle %s MiB, message %s MiB, echo %s bytes)\n' "$server" \
      "$label" "$(mib "${peak_kib[$server,$compression]}")" \
      "$(mib "${idle_kib[$server,$compression]}")" \
      "$(mib $((peak_kib[$server,$compression] - idle_kib[$server,$compression])))" \
      "${wire_bytes[$server,$compression]}"
  done
  printf '%-10s %-18s %8s\n' ratio "" "$(awk -v a="${peak_kib[reference,$compression]}" \
    -v b="${peak_kib[beast,$compression]}" 'BEGIN { printf "%.2f", a / b }')"
done
echo "(ratio: reference/Beast, at most 1.00 when the reference needs no more memory than Beast;"
echo " message: peak minus idle, the memory the message cost; idle: the program and its libraries"
echo " loaded, the reference's with OpenSSL for TLS, which the Beast server does not link)"
