#!/usr/bin/env bash
# Builds the Debian package from a build folder (cpack), installs it with dpkg, and checks what a
# user gets: the files in place, a readable manual page, the completion, `wsspec --version`, and
# the installed wsspec running part of the catalogue against the installed wsspec's echo server.
# Removes the package afterwards, failed or not. Needs root or password-less sudo (exit 77, a
# skip, without them, or when wsspec is installed on this machine already).
#   deb_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if ! sudo -n true 2>/dev/null; then
    echo "SKIP: installing a package needs root or password-less sudo"
    exit 77
  fi
  sudo="sudo -n"
fi
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps file; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)"; exit 1; }
done
status=$(dpkg-query -W -f='${Status}' wsspec 2>/dev/null || true)
if [[ $status == *" ok installed" || -e /usr/bin/wsspec ]]; then
  echo "SKIP: wsspec is installed on this machine already; remove it (dpkg -r wsspec) to test"
  exit 77
fi

work=$(mktemp -d)
installed=0
server=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  ((installed)) && $sudo dpkg -r wsspec >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

# The package, as a user's cpack makes it (into a folder of its own), compressed with zstd
# rather than gzip: the same files, in a third of the time for a sanitizer build's large binary.
cpack -G DEB -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd --config "$build/CPackConfig.cmake" \
  -B "$work/package" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
arch=$(dpkg --print-architecture)
deb="$work/package/wsspec_${version}_${arch}.deb"
[[ -f $deb ]] || { ls "$work/package"; fail "no wsspec_${version}_${arch}.deb"; }
dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "no dependencies declared (dpkg-shlibdeps)"

# The manual page in the package: gzip, roff with a NAME, every subcommand, and no warning from
# man when it is formatted.
dpkg-deb -x "$deb" "$work/root"
page="$work/root/usr/share/man/man1/wsspec.1.gz"
gzip -t "$page" || fail "the manual page is not gzip"
zcat "$page" | grep -qx '.SH NAME' || fail "the manual page has no NAME section"
for sub in test-server test-client list rules echo-server echo-client expect run "report merge"; do
  zcat "$page" | grep -qF ".SS \"wsspec ${sub//-/\\-} " || fail "no '$sub' in the manual page"
done
if command -v man >/dev/null; then
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [[ -z $warnings ]] || fail "man warns: $warnings"
  MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q 'wsspec - WebSocket' || fail "man -l"
fi

$sudo dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
installed=1
for f in /usr/bin/wsspec /usr/share/bash-completion/completions/wsspec; do
  [[ -f $f ]] || fail "$f is not installed"
done
# Man pages and docs may be left out by the machine's dpkg configuration (slim images do);
# they must be in the package's file list.
for f in /usr/share/man/man1/wsspec.1.gz /usr/share/doc/wsspec/README.md; do
  dpkg-query -L wsspec | grep -qx "$f" || fail "$f is not in the package"
done
bash -c 'source /usr/share/bash-completion/completions/wsspec && complete -p wsspec' |
  grep -q '_wsspec' || fail "the completion does not register for wsspec"

installed_version=$(/usr/bin/wsspec --version)
[[ $installed_version == "$("$build/tools/wsspec" --version)" ]] ||
  fail "installed '$installed_version', built '$("$build/tools/wsspec" --version)'"
[[ $installed_version =~ ^wsspec\ ${version//./\\.}(\ \(.+\))?$ ]] ||
  fail "'$installed_version' is not 'wsspec $version' with an optional (describe)"

# The installed program against the installed program's echo server.
/usr/bin/wsspec echo-server --listen 127.0.0.1:0 >"$work/server.log" 2>&1 &
server=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's|^wsspec echo-server listening on \(ws://127\.0\.0\.1:[0-9]*/\)$|\1|p' \
    "$work/server.log")
  [[ -n $url ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; fail "the echo server stopped"; }
  sleep 0.1
done
[[ -n $url ]] || { cat "$work/server.log"; fail "the echo server announced no URL"; }
(cd "$work" && /usr/bin/wsspec test-server "$url" 1.* 2.* 3.* 4.* 5.* 7.* rfc6455/4.2 12.1.1 \
  --out "$work/report" -q) || fail "wsspec test-server exited $?"
grep -qF "\"tool_version\": \"${installed_version#wsspec }\"" "$work/report/results.json" ||
  fail "results.json does not carry the version '${installed_version#wsspec }'"

$sudo dpkg -r wsspec >/dev/null
installed=0
[[ ! -e /usr/bin/wsspec ]] || fail "/usr/bin/wsspec is left after dpkg -r"
echo "deb: ok ($(basename "$deb"))"
