#!/usr/bin/env bash
# How long index.html takes to open in headless Chromium, and how big the report is, for several
# agents compared over the whole catalogue.
#
#   bench/report_open.sh [--wsspec PROGRAM] [--results RESULTS.json | --distinct] [--agents N]
#                        [--repeat R] [--keep DIR]
#   bench/report_open.sh --report DIR [--repeat R]
#
# The report: without --results, `wsspec echo-server` runs on a free port and `wsspec test-server`
# runs the whole catalogue against it once. Its results.json (or the one given) is copied N times
# (default 10) under different agent names, as N separate runs would have written it, the copies
# are joined with `wsspec report merge` (a results.json of N agents or more is taken as it is) and
# the page is rendered with `wsspec report html` into a report folder that holds results.json and
# index.html, as `wsspec run` leaves it for N servers (without the JUnit and Autobahn files, which
# the page does not read). Copies hold the same wire logs, which a page may pack smaller than it
# would real agents' logs: with --distinct the catalogue runs once per agent instead, each run
# with its own --seed (other mask keys and nonces) and its own timings, as different agents' runs
# differ (N times slower). --report DIR measures a folder holding an index.html as it is.
#
# The measure: a fresh headless Chromium per run (R runs, default 3; the median is printed),
# driven over the DevTools protocol on a pipe (--remote-debugging-pipe, a small Python script with
# nothing but the standard library), opens file://…/index.html in a new tab. After the load
# event, the page is asked, outside its Content-Security-Policy, for
#   - first paint: the first-contentful-paint entry (the summary is on screen);
#   - load: loadEventEnd of the navigation entry (the whole page parsed, its script run);
#   - opened: the time of the first animation frame after the load event, i.e. once the whole
#     page has been styled and laid out — the figure the page is judged by ("opens in");
#   - nodes: how many elements the document holds;
#   - one case: the time from following the matrix's link to the last case of the last agent (as
#     a click does) until that case is open, with its wire log in the document and laid out.
# All times are in ms from the navigation's start, as the page itself measures them, so the
# browser's own start-up is not counted. The machine's load disturbs them: compare figures taken
# one after the other. Sizes are bytes of index.html and of the whole folder.
#
# PROGRAM defaults to build/release/tools/wsspec, built with the release preset when missing.
# Environment: CHROMIUM (default: chromium or chromium-browser on PATH), JOBS (build jobs, 2).
set -euo pipefail

root="$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)"
wsspec="" results="" agents=10 repeat=3 keep="" distinct=0 given=""
usage() {
  echo "usage: bench/report_open.sh [--wsspec PROGRAM] [--results RESULTS.json | --distinct]" \
    "[--agents N] [--repeat R] [--keep DIR]" >&2
  echo "       bench/report_open.sh --report DIR [--repeat R]" >&2
  exit 2
}
while (($#)); do
  case "$1" in
    --wsspec) wsspec="${2:?}"; shift 2 ;;
    --results) results="${2:?}"; shift 2 ;;
    --distinct) distinct=1; shift ;;
    --agents) agents="${2:?}"; shift 2 ;;
    --repeat) repeat="${2:?}"; shift 2 ;;
    --keep) keep="${2:?}"; shift 2 ;;
    --report) given="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
[[ "$agents" =~ ^[1-9][0-9]*$ && "$repeat" =~ ^[1-9][0-9]*$ ]] || usage
[[ -z "$results" || "$distinct" == 0 ]] || usage
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[[ -n "$chromium" ]] || { echo "report_open.sh: chromium is not installed" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/report_open.XXXXXX")"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Names of implementations, of different lengths as real ones are.
names=("reference" "Acme WebSocket Server 4.2.1 (epoll, permessage-deflate)" "libexample/2.3-rc1"
  "node-ws 8.18.0" "python-websockets 13.1 (asyncio)" "uWebSockets v20.62.0"
  "Boost.Beast 1.81 websocket::stream<tcp_stream> with a very long agent name" "tungstenite"
  "gorilla/websocket" "jetty-12")
name_of() { echo "${names[$(($1 % ${#names[@]}))]}$( (($1 < ${#names[@]})) || echo " #$1")"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "report_open.sh: the echo server on port $1 did not start" >&2
  return 1
}

render_ms="-"
if [[ -n "$given" ]]; then
  report="$given"
  [[ -r "$report/index.html" ]] || { echo "report_open.sh: no $report/index.html" >&2; exit 2; }
else
  if [[ -z "$wsspec" ]]; then
    wsspec="$root/build/release/tools/wsspec"
    if [[ ! -x "$wsspec" ]]; then
      (cd "$root" && cmake --preset release >/dev/null &&
        cmake --build --preset release --target wsspec -j "${JOBS:-2}" >/dev/null)
    fi
  fi
  [[ -x "$wsspec" ]] || { echo "report_open.sh: $wsspec is not a program" >&2; exit 2; }
  report="${keep:-$work/report}"
  mkdir -p "$report" "$work/runs"
  if [[ -z "$results" ]]; then
    port="$(free_port)"
    "$wsspec" echo-server --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    server_pid=$!
    wait_port "$port"
    for ((i = 0; i < (distinct ? agents : 1); i++)); do
      echo "running the catalogue against wsspec echo-server ($((i + 1)))..."
      "$wsspec" test-server "ws://127.0.0.1:$port/" -q --seed $((i + 1)) --agent "$(name_of "$i")" \
        --out "$work/run-$i" >/dev/null || true
      mv "$work/run-$i/results.json" "$work/runs/$(printf %02d "$i").json"
      rm -rf "$work/run-$i"
    done
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  else
    [[ -r "$results" ]] || { echo "report_open.sh: cannot read $results" >&2; exit 2; }
    cp "$results" "$work/runs/00.json"
  fi
  # Copies of the first agent's results under the other names, unless there are N already.
  python3 - "$work/runs" "$agents" "${names[@]}" <<'PY'
import glob, json, sys
folder, agents, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
runs = sorted(glob.glob(folder + "/*.json"))
doc = json.load(open(runs[0]))
if len(runs) > 1 or len(doc["agents"]) >= agents:
    sys.exit(0)
first = doc["agents"][0]
for i in range(agents):
    first["run"]["agent"] = names[i % len(names)] + ("" if i < len(names) else " #%d" % i)
    doc["agents"] = [first]
    with open("%s/%02d.json" % (folder, i), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
PY
  if (($(ls "$work/runs" | wc -l) > 1)); then
    "$wsspec" report merge "$work"/runs/*.json -o "$report/results.json" >/dev/null
  else
    mv "$work/runs/00.json" "$report/results.json"
  fi
  rm -rf "$work/runs"
  start=$(date +%s%N)
  "$wsspec" report html "$report/results.json" -o "$report/index.html"
  render_ms=$((($(date +%s%N) - start) / 1000000))
fi

measure() {
  python3 - "$chromium" "$report/index.html" "$work/profile-$1" <<'PY'
import json, os, subprocess, sys, time

chromium, page, profile = sys.argv[1:4]
# Chromium reads DevTools commands from fd 3 and writes to fd 4, each message ended by a NUL.
to_browser, browser_in = os.pipe()
browser_out, from_browser = os.pipe()
os.set_inheritable(to_browser, True)
os.set_inheritable(from_browser, True)
flags = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
         "--remote-debugging-pipe", "--window-size=1280,900"]
if os.geteuid() == 0:
    flags.append("--no-sandbox")
proc = subprocess.Popen(
    [chromium] + flags + ["about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
    preexec_fn=lambda: (os.dup2(to_browser, 3), os.dup2(from_browser, 4)), close_fds=False)
os.close(to_browser)
os.close(from_browser)
reader = os.fdopen(browser_out, "rb")
pending, next_id = [], [0]

def read_message():
    data = b""
    while not data.endswith(b"\0"):
        chunk = reader.read1(1 << 16)
        if not chunk:
            raise SystemExit("chromium closed the DevTools pipe")
        data += chunk
        while b"\0" in data[:-1]:
            head, data = data.split(b"\0", 1)
            pending.append(json.loads(head))
    pending.append(json.loads(data[:-1]))

def event(method, session, deadline):
    while time.time() < deadline:
        for i, m in enumerate(pending):
            if m.get("method") == method and m.get("sessionId") == session:
                return pending.pop(i)
        read_message()
    raise SystemExit("timed out waiting for " + method)

def call(method, params=None, session=None, timeout=120):
    next_id[0] += 1
    msg = {"id": next_id[0], "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(browser_in, json.dumps(msg).encode() + b"\0")
    deadline = time.time() + timeout
    while time.time() < deadline:
        for i, m in enumerate(pending):
            if m.get("id") == next_id[0]:
                pending.pop(i)
                if "error" in m:
                    raise SystemExit(method + ": " + json.dumps(m["error"]))
                return m["result"]
        read_message()
    raise SystemExit("timed out waiting for " + method)

def evaluate(session, expression):
    r = call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                  "returnByValue": True}, session)
    if "exceptionDetails" in r:
        raise SystemExit("page: " + json.dumps(r["exceptionDetails"])[:500])
    return r["result"]["value"]

target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
call("Page.enable", session=session)
call("Page.navigate", {"url": "file://" + os.path.abspath(page)}, session)
event("Page.loadEventFired", session, time.time() + 300)
timing = evaluate(session, """new Promise(done => requestAnimationFrame(() => setTimeout(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  done({paint: paint ? paint.startTime : null, load: nav.loadEventEnd, opened: performance.now(),
        nodes: document.getElementsByTagName('*').length});
}, 0)))""")
# One case opened: the matrix's link to the last case of the last agent, followed.
timing["case"] = evaluate(session, """new Promise(done => {
  const links = document.querySelectorAll('table.matrix a[href^="#a"]');
  if (!links.length) { done(null); return; }
  const id = links[links.length - 1].getAttribute('href').slice(1);
  const start = performance.now();
  location.hash = '#' + id;
  const poll = () => {
    const el = document.getElementById(id);
    if (el && el.open && el.querySelector('table.log')) {
      el.getBoundingClientRect();
      requestAnimationFrame(() => done(performance.now() - start));
    } else if (performance.now() - start > 30000) done(null);
    else setTimeout(poll, 1);
  };
  poll();
})""")
print(json.dumps(timing))
try:
    call("Browser.close", timeout=10)
except SystemExit:
    pass
try:
    proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
PY
}

runs=()
for i in $(seq "$repeat"); do
  runs+=("$(measure "$i")")
  rm -rf "$work/profile-$i"
done
html_bytes=$(stat -c %s "$report/index.html")
json_bytes=$(stat -c %s "$report/results.json" 2>/dev/null || echo 0)
shown=$(grep -o -m1 '[0-9]* agents\?, [0-9]* results' "$report/index.html" | head -1)
folder_bytes=$(du -sb "$report" | cut -f1)
files=$(find "$report" -type f | wc -l)
python3 - "$shown" "$html_bytes" "$json_bytes" "$folder_bytes" "$files" "$render_ms" \
  "${runs[@]}" <<'PY'
import json, statistics, sys
agents, html, results, folder, files, render = sys.argv[1:7]
runs = [json.loads(r) for r in sys.argv[7:]]
def median(key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return "%.0f" % statistics.median(values) if values else "-"
mb = lambda n: "%.1f MB" % (int(n) / 1e6)
print("report:       %s" % agents)
print("index.html:   %s (%s bytes)" % (mb(html), html))
print("results.json: %s" % mb(results))
print("folder:       %s in %s files" % (mb(folder), files))
print("render:       %s ms (wsspec report html)" % render)
print("open, median of %d runs (ms from navigation start):" % len(runs))
print("  first paint %s, load %s, opened %s; %s elements; one case's log %s" %
      (median("paint"), median("load"), median("opened"), median("nodes"), median("case")))
print("runs: " + " ".join("%.0f" % r["opened"] for r in runs))
PY
