#!/usr/bin/env bash
# Line coverage of reference/src reached by the fuzz corpora.
#
#   fuzz/coverage.sh [TARGET...]
#
# Builds the replay drivers (fuzz/replay_main.cpp) with clang's source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping) in build/fuzz-coverage/, replays each target over
# its committed seeds (fuzz/corpus/<target>), its campaign corpus (build/fuzz-corpus/<target>, see
# run.sh) and the catalogue's seeds (build/fuzz-seeds/<target>, written here when missing), merges
# the profiles with llvm-profdata-19 and prints llvm-cov-19's report for reference/src only. An
# HTML view is written to build/fuzz-coverage/html/. Crash inputs (fuzz/regressions/) are left
# out: a process that aborts writes no profile. Files of reference/src that no target links
# (url.cpp, opcode.cpp, close_code.cpp: not parsers of peer input) are not in the report.
#
# Environment: NICE (default 19).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$root/build/fuzz-coverage
nice_level=${NICE:-19}
profiles=$build_dir/profiles
seeds_dir=$root/build/fuzz-seeds

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <("$root/fuzz/run.sh" list)

# The coverage build: clang 19 (which also needs libstdc++'s get_temporary_buffer deprecation to
# stay a warning), no libFuzzer, the replay drivers and export_seeds.
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_CXX_FLAGS=-Wno-error=deprecated-declarations \
  -DWSSPEC_COVERAGE=ON -DWSSPEC_TESTS=ON -DWSSPEC_FUZZ=OFF -DWSSPEC_PEER_TESTS=OFF >/dev/null
nice -n "$nice_level" cmake --build "$build_dir" -j2 --target "${targets[@]}" export_seeds

if [[ ! -d $seeds_dir ]]; then
  LLVM_PROFILE_FILE=/dev/null "$build_dir/fuzz/export_seeds" "$seeds_dir" >&2
fi

rm -rf "$profiles"
mkdir -p "$profiles"
objects=()
for t in "${targets[@]}"; do
  bin=$build_dir/fuzz/$t
  objects+=(-object "$bin")
  dirs=()
  for d in "$root/fuzz/corpus/$t" "$root/build/fuzz-corpus/$t" "$seeds_dir/$t"; do
    [[ -d $d ]] && dirs+=("$d")
  done
  [[ ${#dirs[@]} -gt 0 ]] || continue
  echo "== $t" >&2
  if ! LLVM_PROFILE_FILE="$profiles/$t-all.profraw" nice -n "$nice_level" "$bin" "${dirs[@]}" \
    >/dev/null 2>"$profiles/$t.log"; then
    # An input in the corpus fails its oracle: replay one input per process, so that the others
    # still count, and name the failing ones.
    rm -f "$profiles/$t-all.profraw"
    while IFS= read -r -d '' f; do
      LLVM_PROFILE_FILE="$profiles/$t-%p.profraw" nice -n "$nice_level" "$bin" "$f" \
        >/dev/null 2>&1 || echo "   fails: $f" >&2
    done < <(find "${dirs[@]}" -type f ! -name '.*' -print0)
  fi
done

# Every target defines LLVMFuzzerTestOneInput (and its own helpers), so llvm-cov warns that some
# functions have mismatched data; the code of reference/src is the same in every binary.
llvm-profdata-19 merge -sparse "$profiles"/*.profraw -o "$build_dir/fuzz.profdata"
ignore='^/usr/|/(fuzz|harness|cases|reports|tools|tests|build)/|/reference/(include|asio)/'
llvm-cov-19 report -instr-profile="$build_dir/fuzz.profdata" "${objects[@]:1}" \
  -ignore-filename-regex="$ignore"
llvm-cov-19 show -format=html -output-dir="$build_dir/html" \
  -instr-profile="$build_dir/fuzz.profdata" "${objects[@]:1}" -ignore-filename-regex="$ignore"
echo "HTML: $build_dir/html/index.html" >&2
