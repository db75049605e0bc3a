#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script (https://google.github.io/oss-fuzz/getting-started/
# new-project-guide/): compiles the reference core and the fuzz targets with $CXX $CXXFLAGS, links
# them with $LIB_FUZZING_ENGINE, and installs into $OUT each target, its dictionary
# ($OUT/<target>.dict), its options ($OUT/<target>.options, when fuzz/options/ has them) and its
# seed corpus ($OUT/<target>_seed_corpus.zip, the committed seeds).
#
# No CMake and no Boost: the reference core needs only zlib, linked
# statically so that the binaries run on the fuzzing runners. frame_decoder_structured_fuzz also
# needs the harness's mutator sources (no JSON); case_file_fuzz needs the harness's case-file
# sources and nlohmann-json's headers, and is skipped when those are missing.
#
# Locally (clang 19 with libFuzzer):
#   CXX=clang++-19 CXXFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/ossfuzz-out fuzz/oss-fuzz/build.sh

# The sources: the working directory when it is the repository (OSS-Fuzz runs build.sh from
# $SRC/wsspec), otherwise the repository this script is in.
if [ -d "$PWD/reference/src" ] && [ -d "$PWD/fuzz" ]; then
  src=$PWD
else
  src=$(cd "$(dirname "$0")/../.." && pwd)
fi
work=${WORK:-/tmp}/wsspec-build
mkdir -p "$work" "$OUT"

compile_flags="$CXXFLAGS -std=c++20 -I$src/reference/include -I$src/harness/include -I$src/fuzz"
libs="-Wl,-Bstatic -lz -Wl,-Bdynamic -ldl -pthread"

objects=()
for f in "$src"/reference/src/*.cpp; do
  o=$work/reference_$(basename "$f" .cpp).o
  $CXX $compile_flags -c "$f" -o "$o"
  objects+=("$o")
done
rm -f "$work/libwsspec_reference.a"
ar rcs "$work/libwsspec_reference.a" "${objects[@]}"

core_targets="frame_decoder_fuzz frame_decoder_split_fuzz frame_roundtrip_fuzz utf8_fuzz
  http_head_fuzz handshake_request_fuzz handshake_response_fuzz extensions_fuzz
  deflate_negotiation_fuzz inflate_fuzz connection_server_fuzz connection_client_fuzz"

install_extras() {
  local t=$1
  cp "$src/fuzz/dicts/$t.dict" "$OUT/$t.dict"
  if [ -f "$src/fuzz/options/$t.options" ]; then
    cp "$src/fuzz/options/$t.options" "$OUT/$t.options"
  fi
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -n "$(ls -A "$src/fuzz/corpus/$t" 2>/dev/null)" ]; then
    (cd "$src/fuzz/corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
  fi
}

for t in $core_targets; do
  $CXX $compile_flags "$src/fuzz/$t.cpp" -o "$OUT/$t" $LIB_FUZZING_ENGINE "$work/libwsspec_reference.a" \
    $libs
  install_extras "$t"
done

# The frame decoder with the structure-aware custom mutator: the mutator and what it uses of the
# harness (no Asio, no JSON).
$CXX $compile_flags -I"$src/fuzz/custom_mutator" "$src/fuzz/frame_decoder_structured_fuzz.cpp" \
  "$src/fuzz/custom_mutator/wsspec_custom_mutator.cpp" "$src/harness/src/mutator.cpp" \
  "$src/harness/src/wire_frame.cpp" "$src/harness/src/opening_handshake.cpp" \
  -o "$OUT/frame_decoder_structured_fuzz" $LIB_FUZZING_ENGINE "$work/libwsspec_reference.a" $libs
install_extras frame_decoder_structured_fuzz

# The case-file loader: case_json.cpp and what it uses of the harness (no Asio).
if echo '#include <nlohmann/json.hpp>' | $CXX $compile_flags -x c++ -fsyntax-only - 2>/dev/null; then
  $CXX $compile_flags "$src/fuzz/case_file_fuzz.cpp" "$src/harness/src/case_json.cpp" \
    "$src/harness/src/case.cpp" "$src/harness/src/corpus.cpp" "$src/harness/src/wire_frame.cpp" \
    -o "$OUT/case_file_fuzz" \
    $LIB_FUZZING_ENGINE "$work/libwsspec_reference.a" $libs
  install_extras case_file_fuzz
else
  echo "build.sh: nlohmann/json.hpp not found; case_file_fuzz skipped" >&2
fi
