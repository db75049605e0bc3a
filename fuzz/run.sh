#!/usr/bin/env bash
# Fuzzing campaigns and crash replay for the targets in fuzz/.
#
#   fuzz/run.sh [-t SECONDS] [-j JOBS] [-c CORPUS_ROOT] [TARGET...]   a campaign (all targets
#                                                                       by default)
#   fuzz/run.sh replay TARGET FILE...                                   replay inputs, with stacks
#   fuzz/run.sh seeds                                                   export the catalogue seeds
#   fuzz/run.sh list                                                    the target names
#
# A campaign builds the `fuzz` preset (skip with NO_BUILD=1), writes the catalogue's seeds with
# export_seeds into build/fuzz-seeds/, then runs each target in turn for SECONDS (default 60) in
# libFuzzer's fork mode with JOBS workers (default 1), niced, with its dictionary, starting from
# the corpus root's corpus (default build/fuzz-corpus/<target>), the committed seeds
# (fuzz/corpus/<target>) and the catalogue seeds, and with the libFuzzer flags of its
# fuzz/options/<target>.options (OSS-Fuzz's format: `name = value` lines under [libfuzzer]). New
# inputs that add coverage are then merged into the corpus root with -merge=1 (pass
# `-c fuzz/corpus` to grow the committed seeds instead).
# Every crash, leak, timeout or OOM input is copied to fuzz/regressions/<target>/, where ctest
# replays it, and listed with the command that replays it. The summary gives each target's
# executions per second and the edges (cov) and features (ft) of libFuzzer's last status line.
#
# Environment: BUILD_DIR (default build/fuzz; build/asan replays with the g++ driver), NICE
# (default 19), MAX_LEN (libFuzzer -max_len; default: the target's options file, or libFuzzer's
# choice from the corpus).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_dir=$root/fuzz
build_dir=${BUILD_DIR:-$root/build/fuzz}
nice_level=${NICE:-19}
seeds_dir=$root/build/fuzz-seeds
work_root=$root/build/fuzz-work

targets_all=(frame_decoder_fuzz frame_decoder_split_fuzz frame_decoder_structured_fuzz
  frame_roundtrip_fuzz utf8_fuzz http_head_fuzz handshake_request_fuzz handshake_response_fuzz
  extensions_fuzz deflate_negotiation_fuzz inflate_fuzz connection_server_fuzz
  connection_client_fuzz case_file_fuzz)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

die() {
  echo "run.sh: $*" >&2
  exit 2
}

binary() {
  local bin=$build_dir/fuzz/$1
  [[ -x $bin ]] || die "no $bin; build it: cmake --preset fuzz && cmake --build --preset fuzz -j2"
  echo "$bin"
}

build() {
  [[ ${NO_BUILD:-0} == 1 ]] && return
  (cd "$root" && cmake --preset fuzz >/dev/null &&
    nice -n "$nice_level" cmake --build --preset fuzz -j2 --target "$@" export_seeds)
}

export_seeds() {
  rm -rf "$seeds_dir"
  "$(binary export_seeds)" "$seeds_dir" >&2
}

replay() {
  [[ $# -ge 2 ]] || die "usage: run.sh replay TARGET FILE..."
  local bin
  bin=$(binary "$1")
  shift
  exec "$bin" "$@"
}

# The libFuzzer flags of a target's options file, one -name=value per line.
options_of() {
  local file=$fuzz_dir/options/$1.options
  [[ -f $file ]] || return 0
  local pair='^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*$'
  sed -n "/^\[libfuzzer\]/,/^\[/{s/$pair/-\1=\2/p}" "$file"
}

# The last fork-mode status line's field `name` (cov, ft, corp, exec/s).
stat() {
  local log=$1 name=$2
  grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 | sed -E "s|.* $name:? ([0-9]+).*|\1|;t;s|.*|-|"
}

campaign() {
  local seconds=$1 jobs=$2 corpus_root=$3
  shift 3
  local targets=("$@")
  build "${targets[@]}"
  export_seeds
  local summary=()
  local total_crashes=0
  for t in "${targets[@]}"; do
    local bin work corpus log
    bin=$(binary "$t")
    work=$work_root/$t
    corpus=$corpus_root/$t
    log=$work/fuzz.log
    rm -rf "$work"
    mkdir -p "$work/new" "$work/crashes" "$corpus" "$fuzz_dir/regressions/$t"
    local args=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
      -artifact_prefix="$work/crashes/" -dict="$fuzz_dir/dicts/$t.dict")
    local option
    while read -r option; do
      [[ -n ${MAX_LEN:-} && $option == -max_len=* ]] || args+=("$option")
    done < <(options_of "$t")
    [[ -n ${MAX_LEN:-} ]] && args+=(-max_len="$MAX_LEN")
    local inputs=("$work/new" "$corpus" "$fuzz_dir/corpus/$t")
    [[ -d $seeds_dir/$t ]] && inputs+=("$seeds_dir/$t")
    echo "== $t: ${seconds}s, $jobs job(s)" >&2
    (cd "$work" && nice -n "$nice_level" "$bin" "${args[@]}" "${inputs[@]}") >"$log" 2>&1 || true
    nice -n "$nice_level" "$bin" -merge=1 -timeout=10 "$corpus" "$work/new" >"$work/merge.log" 2>&1 ||
      echo "run.sh: merge of $t failed, see $work/merge.log" >&2
    local crashes=0
    for f in "$work"/crashes/*; do
      [[ -f $f ]] || continue
      cp "$f" "$fuzz_dir/regressions/$t/"
      crashes=$((crashes + 1))
      total_crashes=$((total_crashes + 1))
      echo "   $(basename "$f"): replay with  fuzz/run.sh replay $t fuzz/regressions/$t/$(basename "$f")" >&2
    done
    summary+=("$(printf '%-30s %9s %7s %7s %7s %8s' "$t" "$(stat "$log" exec/s)" \
      "$(stat "$log" cov)" "$(stat "$log" ft)" "$(find "$corpus" -type f | wc -l)" "$crashes")")
  done
  printf '%-30s %9s %7s %7s %7s %8s\n' target exec/s cov ft corpus crashes
  printf '%s\n' "${summary[@]}"
  echo "logs: $work_root/<target>/fuzz.log; corpus: $corpus_root/<target>"
  # A campaign that found a crash fails, so CI stops on it.
  if ((total_crashes > 0)); then
    echo "run.sh: $total_crashes crashing input(s), copied to fuzz/regressions/" >&2
    return 1
  fi
}

case ${1:-} in
  replay)
    shift
    replay "$@"
    ;;
  seeds)
    export_seeds
    ;;
  list)
    printf '%s\n' "${targets_all[@]}"
    ;;
  *)
    seconds=60
    jobs=1
    corpus_root=$root/build/fuzz-corpus
    while getopts "t:j:c:h" opt; do
      case $opt in
        t) seconds=$OPTARG ;;
        j) jobs=$OPTARG ;;
        c) corpus_root=$(cd "$OPTARG" && pwd) ;;
        *) sed -n '2,9p' "$0" >&2 && exit 2 ;;
      esac
    done
    shift $((OPTIND - 1))
    targets=("$@")
    [[ ${#targets[@]} -gt 0 ]] || targets=("${targets_all[@]}")
    for t in "${targets[@]}"; do
      [[ " ${targets_all[*]} " == *" $t "* ]] || die "unknown target $t (run.sh list)"
    done
    campaign "$seconds" "$jobs" "$corpus_root" "${targets[@]}"
    ;;
esac
