#!/usr/bin/python3
"""Autobahn|Testsuite testee client on python-websockets (asyncio), for `wsspec test-client`.

Usage: testee_client.py URL [--agent NAME] [--deflate] [--case-timeout S] [--verbose]

URL is the fuzzing server's base, e.g. ws://127.0.0.1:9001. Speaks Autobahn's protocol
the way websockets' own compliance client does:
  1. opens URL/getCaseCount, reads one text message holding the case count N (JSON),
     then waits for the server to close;
  2. for each case 1..N opens URL/runCase?case=I&agent=NAME and echoes every message
     back unchanged (text as text, binary as binary) until the connection ends, however
     it ends: a refused handshake, a protocol error, a reset or a timeout are outcomes of
     the case (one line on stderr each with --verbose), and the loop goes on;
  3. opens URL/updateReports?agent=NAME and waits for the server to close.
Messages of up to 32 MiB are accepted (2**25, like websockets' compliance client), no
subprotocol is offered, no keepalive pings are sent, and permessage-deflate is offered
only with --deflate. Each connection is given up (TCP aborted) after --case-timeout
seconds, 60 by default. NAME defaults to "python-websockets".
Exit status: 0 when all cases ran and the reports were requested, 1 when updateReports
failed, 2 on bad usage or when getCaseCount fails (server unreachable, handshake
refused, no integer count), 77 when python-websockets is not installed (ctest's skip code).
"""
import asyncio
import json
import sys
import time
from urllib.parse import quote

try:
    import websockets
except ImportError:
    print("testee_client.py: skipped: python3-websockets is not installed", file=sys.stderr)
    sys.exit(77)

USAGE = "usage: testee_client.py URL [--agent NAME] [--deflate] [--case-timeout S] [--verbose]"
MAX_SIZE = 2**25
# How long the library waits for the server to close TCP after the closing handshake
# (or after a refused opening handshake) before closing it itself.
CLOSE_TIMEOUT = 10.0


class Options:
    def __init__(self, url, agent, deflate, case_timeout, verbose):
        self.url = url.rstrip("/")
        self.verbose = verbose
        self.agent = agent
        self.deflate = deflate
        self.case_timeout = case_timeout

    def connect(self, path):
        return websockets.connect(
            self.url + path,
            compression="deflate" if self.deflate else None,
            max_size=MAX_SIZE,
            ping_interval=None,
            open_timeout=self.case_timeout,
            # Leaves room for the library's own closing steps (up to about two waits of
            # close_timeout) within the case timeout.
            close_timeout=min(CLOSE_TIMEOUT, self.case_timeout / 3),
        )


def describe(exc):
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe_close(ws):
    """How a connection ended, from the Close frames exchanged, in websockets' own words."""
    closed = websockets.ConnectionClosed(ws.close_rcvd, ws.close_sent, ws.close_rcvd_then_sent)
    return f"connection closed: {closed}"


async def bounded(opts, session):
    """Runs session(holder) within the timeout; on timeout aborts the connection in holder."""
    holder = {}
    try:
        return await asyncio.wait_for(session(holder), opts.case_timeout)
    except asyncio.TimeoutError:
        ws = holder.get("ws")
        if ws is not None and ws.transport is not None:
            ws.transport.abort()
        raise TimeoutError(f"gave up after {opts.case_timeout:g} s") from None


async def drain(ws):
    """Lets the server close, however it does; ignores anything else it sends."""
    try:
        async for _ in ws:
            pass
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()


async def get_case_count(opts):
    async def session(holder):
        ws = holder["ws"] = await opts.connect("/getCaseCount")
        message = await ws.recv()
        await drain(ws)
        return message

    message = await bounded(opts, session)
    try:
        count = json.loads(message)
    except ValueError:
        count = None
    if type(count) is not int or count < 0:
        raise ValueError(f"the case count is not a non-negative integer: {message!r:.80}")
    return count


async def run_case(opts, case):
    """Echoes until the connection ends; returns None for a clean end, else what happened."""
    async def session(holder):
        ws = holder["ws"] = await opts.connect(
            f"/runCase?case={case}&agent={quote(opts.agent, safe='')}"
        )
        try:
            async for message in ws:
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        # Clean: the server started the closing handshake and the client answered it.
        if ws.close_rcvd is not None and ws.close_sent is not None and ws.close_rcvd_then_sent:
            return None
        return describe_close(ws)

    try:
        return await bounded(opts, session)
    except Exception as exc:  # every failure is an outcome of the case, never fatal
        return describe(exc)


async def update_reports(opts):
    async def session(holder):
        ws = holder["ws"] = await opts.connect(
            f"/updateReports?agent={quote(opts.agent, safe='')}"
        )
        await drain(ws)

    await bounded(opts, session)


async def run(opts):
    try:
        count = await get_case_count(opts)
    except Exception as exc:
        print(f"testee_client.py: getCaseCount: {describe(exc)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    unclean = 0
    for case in range(1, count + 1):
        reason = await run_case(opts, case)
        if reason is not None:
            unclean += 1
            if opts.verbose:
                print(f"testee_client.py: case {case}/{count}: {reason}", file=sys.stderr)
    try:
        await update_reports(opts)
    except Exception as exc:
        print(f"testee_client.py: updateReports: {describe(exc)}", file=sys.stderr)
        return 1
    print(
        f"testee_client.py: ran {count} cases in {time.monotonic() - started:.1f} s "
        f"({unclean} did not end with a clean closing handshake), reports requested"
    )
    return 0


def parse(argv):
    url, agent, deflate, case_timeout, verbose = None, "python-websockets", False, 60.0, False
    args = iter(argv[1:])
    for arg in args:
        if arg == "--deflate":
            deflate = True
        elif arg == "--verbose":
            verbose = True
        elif arg in ("--agent", "--case-timeout"):
            value = next(args, None)
            if value is None:
                return None
            if arg == "--agent":
                agent = value
            else:
                try:
                    case_timeout = float(value)
                except ValueError:
                    return None
                if not case_timeout > 0:
                    return None
        elif url is None and not arg.startswith("--"):
            url = arg
        else:
            return None
    if url is None or not agent:
        return None
    return Options(url, agent, deflate, case_timeout, verbose)


def main(argv):
    opts = parse(argv)
    if opts is None:
        print(USAGE, file=sys.stderr)
        return 2
    return asyncio.run(run(opts))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
