#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium loads the golden pages html_test.cpp keeps
# equal to what write_html renders (hostile, the two-agent sample, ten agents), and the DOM is
# checked after the page's script ran: the summary and the matrix are there without any case's
# details or wire log, the filters ran (they mark <html> with data-filters="ready", which also
# proves the Content-Security-Policy hash admits the script), a link unpacks and opens the case it
# points to with its own wire log, cases that are not OK open with theirs when on screen, and
# nothing the target sent became an element, an attribute or a script, in the page or in what was
# unpacked into it. Exit 77 (skipped) when chromium is not installed. With WSSPEC_SCREENSHOT_DIR
# set, screenshots of the pages are saved there.
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
# The DOM's tags, each whole even when a quoted attribute value holds '>'.
tags() { grep -oE '<[a-zA-Z]([^>"]|"[^"]*")*>' "$1"; }
no_element() { ! tags "$1" | grep -qiE "^<$2[ >/]"; }
no_attribute() { ! tags "$1" | sed -E 's/"[^"]*"//g' | grep -qiE "[ ]$2(=|[ >])"; }
# The markup of one case: from its <details> to the end of its body.
case_of() { sed -n "/<details class=\"case\" id=\"$2\"/,/<\/details>/p" "$1"; }

# The hostile page (markup, invalid UTF-8 and control bytes from the target; a 16 MiB message),
# opened at its second case; the first, FAILED, starts open and is on screen.
browser --window-size=1280,4000 --dump-dom "file://$golden/hostile.html#a0-c1" >"$work/hostile.dom"
dom=$work/hostile.dom
check "hostile: the page rendered" has "$dom" 'id="summary"'
check "hostile: the filters ran" has "$dom" 'data-filters="ready"'
check "hostile: the case counter was filled" has "$dom" '2 of 2 cases shown'
check "hostile: both cases unpacked, with their logs" count_is "$dom" '<table class="log">' 2
check "hostile: no <img> element" no_element "$dom" img
check "hostile: no onerror attribute" no_attribute "$dom" onerror
check "hostile: only the page's own script" count_is "$dom" '<script' 1
check "hostile: <script> from the target is text" has "$dom" "&lt;script&gt;alert('xss')&lt;/script&gt;"
check "hostile: the injected attribute is text" has "$dom" '"&gt;&lt;img src=x onerror=alert(1)&gt;'
check "hostile: the long log was cut" has "$dom" 'entries not shown here'

# The two-agent sample: both lists start open; every case not OK (six) opens with its log when on
# screen, and a link opens a closed case with its log.
browser --window-size=1280,6000 --dump-dom "file://$golden/sample.html#a0-c1" >"$work/sample.dom"
dom=$work/sample.dom
check "sample: the filters ran" has "$dom" 'data-filters="ready"'
check "sample: both agents in the matrix" \
  has "$dom" 'title="libexample/2.3-rc1">libexample/2.3-rc1<'
check "sample: both lists unpacked" count_is "$dom" '<details class="case"' 12
check "sample: the linked case was opened" has "$dom" 'id="a0-c1" data-row="1" open=""'
check "sample: the cases not OK and the linked one show their logs" \
  count_is "$dom" '<table class="log">' 7
check "sample: raw bytes hidden by default" lacks "$dom" 'class="show-raw"'

# Ten agents: the summary and the matrix at once, no case and no wire log until one is asked for.
browser --dump-dom "file://$golden/many.html" >"$work/many.dom"
dom=$work/many.dom
check "ten agents: the summary rendered" count_is "$dom" '<tr data-agent-summary="">' 10
check "ten agents: a matrix column per agent" count_is "$dom" 'class="matrix head many"' 1
check "ten agents: the filters ran" has "$dom" '6 of 6 cases shown'
check "ten agents: no case details at load" count_is "$dom" '<details class="case"' 0
check "ten agents: no wire log at load" lacks "$dom" '<table class="log">'

# A link to a case of the last agent unpacks that agent's list only, and the case with its own log.
browser --dump-dom "file://$golden/many.html#a9-c3" >"$work/linked.dom"
dom=$work/linked.dom
check "ten agents, linked: only that agent's list unpacked" \
  count_is "$dom" '<details class="case"' 6
check "ten agents, linked: the case is open" has "$dom" 'id="a9-c3" data-row="3" open=""'
case_of "$dom" a9-c3 >"$work/a9-c3"
check "ten agents, linked: its own wire log" \
  has "$work/a9-c3" 'log of agent 9 for rfc6455/7.4.1/close-1000-reason<'
check "ten agents, linked: no other case's log in it" count_is "$work/a9-c3" 'log of agent' 1

if [[ -n ${WSSPEC_SCREENSHOT_DIR:-} ]]; then
  mkdir -p "$WSSPEC_SCREENSHOT_DIR"
  for page in sample hostile many; do
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
