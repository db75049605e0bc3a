#!/usr/bin/python3
"""Checks action.yml, the GitHub Action: every input is used and every input it uses is
declared; every environment variable a step sets is used by its script; every option its run
step passes to wsspec is one `wsspec test-server --help` / `test-client --help` lists; and,
running its steps as a runner would (the install step aside), that a server and a client are
tested with the inputs given, the Markdown summary is appended, the exit status is the step's
output, and the last step fails the way wsspec exited.

    action_test.py ACTION_YML WSSPEC
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

action_file, wsspec = sys.argv[1], os.path.abspath(sys.argv[2])
source_dir = os.path.dirname(os.path.abspath(action_file))
with open(action_file) as f:
    action = yaml.safe_load(f)
failures = []
# What the steps of the last run of the action printed, shown when a check of it fails.
last_logs = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def expressions(value):
    """Every ${{ ... }} expression in a value of the action, recursively."""
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    if isinstance(value, str):
        return [m.strip() for m in re.findall(r"\$\{\{(.*?)\}\}", value)]
    return []


# ----- static checks ---------------------------------------------------------------------------

if action.get("runs", {}).get("using") != "composite":
    fail("runs.using is not composite")
steps = action["runs"]["steps"]
declared = set(action.get("inputs", {}))
used = set()
for e in expressions(action.get("runs")) + expressions(action.get("outputs")):
    used.update(re.findall(r"\binputs\.([A-Za-z0-9_-]+)", e))
for name in sorted(declared - used):
    fail(f"input '{name}' is never used")
for name in sorted(used - declared):
    fail(f"input '{name}' is used but not declared")
for step in steps:
    for var in step.get("env", {}):
        if "run" in step and not re.search(r"\$\{?" + var + r"\b", step["run"]):
            fail(f"step '{step['name']}' sets {var} and never uses it")


def help_options(*subcommand):
    text = subprocess.run([wsspec, *subcommand, "--help"], capture_output=True, text=True,
                          check=True).stdout
    return set(re.findall(r"(?m)^  (?:-\w,)?(--[a-z][a-z0-9-]*)", text))


run_step = next(s for s in steps if s.get("id") == "run")
options = {"test-server": help_options("test-server"), "test-client": help_options("test-client")}
for line in run_step["run"].splitlines():
    m = re.search(r"\bargs(\+?)=\((.*)\)", line)
    if not m:
        continue
    words = m.group(2).split()
    # The first assignment names the subcommand; what is appended applies to both.
    subcommands = [words[0]] if m.group(1) == "" else list(options)
    for sub in subcommands:
        if sub not in options:
            fail(f"the run step calls 'wsspec {sub}'")
            continue
        for flag in [w for w in words if w.startswith("-")]:
            if flag not in options[sub]:
                fail(f"the run step passes {flag} to 'wsspec {sub}', which has no such option")

# ----- the steps, run as a runner would run them -----------------------------------------------


def evaluate(expression, context):
    """The few expression forms the action uses: inputs.X, github.X, steps.ID.outputs.X,
    always(), !cancelled(), comparisons with '', && and !."""
    python = expression.replace("always()", "True").replace("!cancelled()", "True")
    if re.search(r"[A-Za-z_]\w*\(|[^\w\s.'!=&|-]", python):
        raise ValueError(f"unsupported expression: {expression}")
    python = python.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)
    python = re.sub(r"\b(inputs|github|steps)\.[A-Za-z0-9_.-]+",
                    lambda m: repr(context.get(m.group(0), "")), python)
    return eval(python, {"__builtins__": {}}, {})  # the action's own, checked, expressions


def render(text, context):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1).strip(), context)), text)


def condition(step, context):
    """Whether a step runs: its `if`, with or without ${{ }}."""
    if "if" not in step:
        return True
    expression = re.sub(r"^\s*\$\{\{(.*)\}\}\s*$", r"\1", step["if"]).strip()
    return evaluate(expression, context)


def run_action(inputs, work):
    """Runs every step but the install step with `inputs` (defaults for the rest); returns
    the exit status of each step that ran, by name ("uses" for an action it uses), the
    expression context with the step outputs, and the job summary written."""
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update(inputs)
    context = {f"inputs.{k}": v for k, v in values.items()}
    context["github.action_path"] = source_dir
    context["github.action_repository"] = "owner/wsspec"
    summary = os.path.join(work, "summary.md")
    open(summary, "w").close()
    statuses = {}
    last_logs.clear()
    for step in steps:
        if step["name"] == "Install wsspec" or not condition(step, context):
            continue
        if "uses" in step:
            statuses[step["name"]] = "uses"
            continue
        output = os.path.join(work, "output")
        open(output, "w").close()
        env = dict(os.environ)
        env.update({k: render(str(v), context) for k, v in step.get("env", {}).items()})
        env.update(GITHUB_OUTPUT=output, GITHUB_STEP_SUMMARY=summary, RUNNER_TEMP=work,
                   PATH=os.path.dirname(wsspec) + os.pathsep + env["PATH"])
        script = os.path.join(work, "step.sh")
        with open(script, "w") as f:
            f.write(render(step["run"], context))
        # What a runner runs for `shell: bash`.
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              cwd=work, env=env, capture_output=True, text=True, timeout=120)
        statuses[step["name"]] = done.returncode
        last_logs.append(f"-- {step['name']}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        with open(output) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                context[f"steps.{step.get('id')}.outputs.{key}"] = value
    with open(summary) as f:
        # Markdown escapes aside.
        return statuses, context, f.read().replace("\\", "")


def check(name, holds, detail=""):
    if not holds:
        fail(f"{name}{': ' + detail if detail else ''}")
        print("".join(last_logs))


server = subprocess.Popen([wsspec, "echo-server", "--listen", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, text=True)
try:
    line = server.stdout.readline()
    m = re.search(r"(ws://127\.0\.0\.1:\d+/)", line)
    if not m:
        sys.exit(f"FAIL: the echo server announced no URL: {line!r}")
    url = m.group(1)

    with tempfile.TemporaryDirectory() as work:
        # A server, with every input that shapes the run.
        statuses, ctx, summary = run_action({
            "url": url, "cases": "1.1.* 2.1", "exclude": "1.1.8 1.1.7", "strict": "true",
            "args": "--agent 'my server' --jobs 2", "out": "server-report"}, work)
        check("server run: the gate", statuses.get("Gate") == 0, str(statuses))
        check("server run: exit-code output", ctx.get("steps.run.outputs.exit-code") == "0")
        results = os.path.join(work, "server-report", "results.json")
        with open(results) as f:
            text = f.read()
        check("server run: --agent with a quoted space", '"agent": "my server"' in text)
        check("server run: --strict", '"strict": true' in text)
        ids = set(re.findall(r'"autobahn": "([0-9.]+)"', text))
        check("server run: cases and exclude", "1.1.1" in ids and "2.1" in ids and
              "1.1.8" not in ids and "1.1.7" not in ids and "2.2" not in ids, str(sorted(ids)))
        check("server run: the summary", "my server" in summary and "Gate passed" in summary,
              summary[:200])

        # The same server gated on a baseline of that run.
        baseline = os.path.join(work, "expect.json")
        subprocess.run([wsspec, "expect", "--from", results, "-o", baseline], check=True,
                       capture_output=True)
        statuses, ctx, _ = run_action({"url": url, "cases": "1.1.* 2.1", "exclude": "1.1.8 1.1.7",
                                       "expect": baseline, "out": "expect-report"}, work)
        check("baseline run: the gate", statuses.get("Gate") == 0, str(statuses))
        with open(os.path.join(work, "expect-report", "results.json")) as f:
            ids = set(re.findall(r'"autobahn": "([0-9.]+)"', f.read()))
        check("baseline run: the cases", "1.1.1" in ids and "1.1.7" not in ids, str(sorted(ids)))

        # A client that passes, and one that runs nothing: the gate fails, the summary is there.
        client = f"{wsspec} echo-client {{url}}"
        statuses, ctx, summary = run_action({"client-command": client, "cases": "1.1.1 1.1.2",
                                             "args": "--listen 127.0.0.1:0"}, work)
        check("client run: the gate", statuses.get("Gate") == 0, str(statuses))
        check("client run: the summary", "wsspec-reference" in summary, summary[:200])
        statuses, ctx, summary = run_action({"client-command": "true", "cases": "1.1.1",
                                             "args": "--listen 127.0.0.1:0"}, work)
        check("failing client: the run step passes", statuses.get("Run wsspec") == 0)
        check("failing client: exit-code 1", ctx.get("steps.run.outputs.exit-code") == "1")
        check("failing client: the gate fails", statuses.get("Gate") == 1, str(statuses))
        check("failing client: the summary", "FAILED" in summary, summary[:200])
        check("failing client: the report uploaded", statuses.get("Upload the report") == "uses")

        # Neither or both of url and client-command: the run step fails, nothing after it runs.
        for inputs in ({}, {"url": url, "client-command": "true"}):
            statuses, ctx, _ = run_action(inputs, work)
            check(f"inputs {sorted(inputs)}: refused", statuses.get("Run wsspec") == 2 and
                  "Gate" not in statuses, str(statuses))
finally:
    server.terminate()
    server.wait(timeout=10)

if failures:
    sys.exit(f"{len(failures)} failures")
print("action: ok")
