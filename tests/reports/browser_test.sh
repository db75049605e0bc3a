#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium loads the hostile page and the two-agent
# sample page (the golden files html_test.cpp keeps equal to what write_html renders) and the DOM
# is checked after the page's script ran: the summary is there, the filters ran (they mark <html>
# with data-filters="ready", which also proves the Content-Security-Policy hash admits the script),
# a link opens the case it points to, and nothing the target sent became an element or a script.
# Exit 77 (skipped) when chromium is not installed. With WSSPEC_SCREENSHOT_DIR set, screenshots
# of both pages are saved there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "browser_test: chromium is not installed; skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browser() {
  "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --virtual-time-budget=5000 "$@" 2>/dev/null
}

failures=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then
    echo "ok: $what"
  else
    echo "FAILED: $what"
    failures=$((failures + 1))
  fi
}
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
count_is() { [[ $(grep -oF -- "$2" "$1" | wc -l) -eq $3 ]]; }
no_tag_with() { ! grep -qE "<[a-zA-Z][^>]*$2" "$1"; }

# The hostile page: markup, invalid UTF-8 and control bytes from the target; a 16 MiB message.
browser --dump-dom "file://$golden/hostile.html" >"$work/hostile.dom"
dom=$work/hostile.dom
check "hostile: the page rendered" has "$dom" 'id="summary"'
check "hostile: the filters ran" has "$dom" 'data-filters="ready"'
check "hostile: the case counter was filled" has "$dom" '2 of 2 cases shown'
check "hostile: no <img> element" lacks "$dom" '<img'
check "hostile: no onerror attribute" no_tag_with "$dom" 'onerror'
check "hostile: only the page's own script" count_is "$dom" '<script' 1
check "hostile: <script> from the target is text" has "$dom" "&lt;script&gt;alert('xss')&lt;/script&gt;"
check "hostile: the injected attribute is text" has "$dom" '"&gt;&lt;img src=x onerror=alert(1)&gt;'
check "hostile: the long log was cut" has "$dom" 'entries not shown here'

# The two-agent sample: a matrix with a column per agent; a link opens a closed case.
browser --dump-dom "file://$golden/sample.html#a0-c1" >"$work/sample.dom"
dom=$work/sample.dom
check "sample: the filters ran" has "$dom" 'data-filters="ready"'
check "sample: both agents in the matrix" has "$dom" '<th class="agent">libexample/2.3-rc1</th>'
check "sample: the linked case was opened" has "$dom" 'id="a0-c1" data-row="1" open=""'
check "sample: raw bytes hidden by default" lacks "$dom" 'class="show-raw"'

if [[ -n ${WSSPEC_SCREENSHOT_DIR:-} ]]; then
  mkdir -p "$WSSPEC_SCREENSHOT_DIR"
  for page in sample hostile; do
    browser --window-size=1280,900 --screenshot="$WSSPEC_SCREENSHOT_DIR/$page.png" \
      "file://$golden/$page.html" >/dev/null
  done
  echo "screenshots in $WSSPEC_SCREENSHOT_DIR"
fi

if ((failures)); then
  echo "browser_test: $failures checks failed"
  exit 1
fi
echo "browser_test: all checks passed"
