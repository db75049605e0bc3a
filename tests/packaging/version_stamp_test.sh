#!/usr/bin/env bash
# Checks cmake/write_version.cmake, which writes the describe part of `wsspec --version` at every
# build: the describe of a fresh commit, of a tag, of commits after a tag, the dirty mark, nothing
# outside a git checkout or below its top, and a file left untouched when its content would not
# change (so an unchanged checkout rebuilds nothing).
#   version_stamp_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$(cd "$1" && pwd)
script="$source_dir/cmake/write_version.cmake"
command -v git >/dev/null || { echo "git is not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/version_describe.cpp"
fail() { echo "FAIL: $*"; [[ -f $out ]] && cat "$out"; exit 1; }

stamp() { cmake -DSOURCE_DIR="$1" -DOUTPUT="$out" -DVERSION=1.2.3 -P "$script"; }
# The string git_describe() returns in the generated file.
describe() { sed -n 's/.*git_describe() { return "\(.*\)"; }.*/\1/p' "$out"; }
expect_describe() {
  local got
  got=$(describe)
  [[ $got =~ ^$1$ ]] || fail "describe is '$got', expected /$1/ ($2)"
}

# Not a git checkout.
mkdir -p "$work/plain"
stamp "$work/plain"
grep -q 'project_version() { return "1.2.3"; }' "$out" || fail "no project version"
expect_describe "" "not a checkout"

# A checkout with one commit: its abbreviated hash.
repo="$work/repo"
mkdir -p "$repo/sub"
git -C "$repo" init -q
git -C "$repo" config user.email test@example.invalid
git -C "$repo" config user.name test
echo one >"$repo/file"
git -C "$repo" add file
git -C "$repo" commit -qm one
hash=$(git -C "$repo" rev-parse --short HEAD)
stamp "$repo"
expect_describe "$hash" "first commit"

# Unchanged checkout: the file is not written again.
touch -d '2001-01-01 00:00:00' "$out"
stamp "$repo"
[[ $(stat -c %Y "$out") == $(date -d '2001-01-01 00:00:00' +%s) ]] ||
  fail "rewritten although nothing changed"

# An untracked file changes nothing; a changed tracked file marks it dirty.
echo new >"$repo/untracked"
stamp "$repo"
expect_describe "$hash" "untracked file"
echo two >"$repo/file"
stamp "$repo"
expect_describe "$hash-dirty" "changed tracked file"
[[ $(stat -c %Y "$out") != $(date -d '2001-01-01 00:00:00' +%s) ]] || fail "not rewritten"

# A tag, then a commit after it.
git -C "$repo" commit -qam two
git -C "$repo" tag -a v1.2.3 -m v1.2.3
stamp "$repo"
expect_describe "v1.2.3" "tagged commit"
echo three >"$repo/file"
git -C "$repo" commit -qam three
stamp "$repo"
expect_describe "v1.2.3-1-g$(git -C "$repo" rev-parse --short HEAD)" "a commit after the tag"

# A source folder inside some other repository is not that repository's checkout.
stamp "$repo/sub"
expect_describe "" "folder below the top of a checkout"

echo "version stamp: ok"
