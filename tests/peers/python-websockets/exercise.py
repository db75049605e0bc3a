#!/usr/bin/python3
"""Drives a WebSocket echo server with the python-websockets client and checks every echo.

Usage: exercise.py URL [--no-deflate]

Sends text, binary, empty text, empty binary, fragmented text and binary messages and
a 16 MiB binary message, checking each echo byte for byte and by type; sends a Ping and
expects a Pong with the same payload; closes with 1000 and expects the server's Close
to carry 1000. With deflate (the default) permessage-deflate must be negotiated, with
--no-deflate it must not be. Offers two subprotocols and expects the first.
Exit status: 0 when everything matched, 1 with a one-line reason on the first mismatch,
77 when python-websockets is not installed (ctest's skip code).
"""
import asyncio
import random
import sys

try:
    import websockets
except ImportError:
    print("exercise.py: skipped: python3-websockets is not installed", file=sys.stderr)
    sys.exit(77)

STEP_TIMEOUT = 30.0
SUBPROTOCOLS = ["wsspec.first", "wsspec.second"]
GREETING = "Hello, wsspec! \u00e9\u20ac\U0001f600"


class Mismatch(Exception):
    pass


def describe(value):
    kind = "text" if isinstance(value, str) else "binary"
    if len(value) > 24:
        return f"{kind} of {len(value)} bytes"
    return f"{kind} {value!r}"


async def expect_echo(ws, step, sent, expected):
    await asyncio.wait_for(ws.send(sent), STEP_TIMEOUT)
    got = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
    if type(got) is not type(expected):
        raise Mismatch(f"{step}: sent {describe(expected)}, got {describe(got)}")
    if got != expected:
        at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), None)
        where = f"first difference at byte {at}" if at is not None else "lengths differ"
        raise Mismatch(
            f"{step}: echo differs ({len(got)} bytes back for {len(expected)} sent, {where})"
        )


async def exercise(url, deflate):
    ws = await websockets.connect(
        url,
        compression="deflate" if deflate else None,
        subprotocols=SUBPROTOCOLS,
        max_size=None,
        ping_interval=None,
        open_timeout=STEP_TIMEOUT,
        close_timeout=STEP_TIMEOUT,
    )
    try:
        names = [extension.name for extension in ws.extensions]
        if deflate and "permessage-deflate" not in names:
            raise Mismatch(f"handshake: permessage-deflate was offered but not agreed ({names})")
        if not deflate and names:
            raise Mismatch(f"handshake: no extension was offered but {names} were agreed")
        if ws.subprotocol != SUBPROTOCOLS[0]:
            raise Mismatch(f"handshake: subprotocol {ws.subprotocol!r}, expected the first offer")

        await expect_echo(ws, "text", GREETING, GREETING)
        await expect_echo(ws, "binary", bytes(range(256)), bytes(range(256)))
        await expect_echo(ws, "empty text", "", "")
        await expect_echo(ws, "empty binary", b"", b"")
        # websockets sends an iterable as one message, one frame per item.
        text_parts = ["frag", "", "mented \u00fcber ", "\u2603" * 100]
        await expect_echo(ws, "fragmented text", text_parts, "".join(text_parts))
        binary_parts = [b"\x00\x01\x02", bytes(range(255, -1, -1)) * 8, b"", b"\xff"]
        await expect_echo(ws, "fragmented binary", binary_parts, b"".join(binary_parts))
        big = random.Random(6455).randbytes(16 << 20)
        await expect_echo(ws, "16 MiB binary", big, big)

        # The waiter resolves only for a Pong whose payload equals this Ping's.
        pong = await ws.ping(b"wsspec ping \x00\xff")
        try:
            await asyncio.wait_for(pong, STEP_TIMEOUT)
        except asyncio.TimeoutError:
            raise Mismatch("ping: no Pong with the same payload") from None

        await ws.close(1000, "done")
    finally:
        await ws.close()
    if ws.close_sent is None or ws.close_sent.code != 1000:
        raise Mismatch(f"close: our Close frame was not sent with 1000 ({ws.close_sent})")
    if ws.close_rcvd is None:
        raise Mismatch("close: the server closed TCP without a Close frame")
    if ws.close_rcvd.code != 1000:
        raise Mismatch(f"close: the server answered with {ws.close_rcvd.code}, expected 1000")


def main(argv):
    if len(argv) < 2 or any(a != "--no-deflate" for a in argv[2:]):
        print("usage: exercise.py URL [--no-deflate]", file=sys.stderr)
        return 2
    deflate = "--no-deflate" not in argv[2:]
    try:
        asyncio.run(exercise(argv[1], deflate))
    except Mismatch as e:
        print(f"exercise.py: {e}", file=sys.stderr)
        return 1
    except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
        print(f"exercise.py: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(f"exercise.py: all echoes matched ({'deflate' if deflate else 'no deflate'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
